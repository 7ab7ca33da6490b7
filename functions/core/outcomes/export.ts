/**
 * CSV export (RFC 4180) that is safe to open in a spreadsheet.
 *
 * - Text that starts with = + - @ (or a tab or carriage return, which some spreadsheet
 *   apps strip before parsing) would be run as a formula ("CSV injection"); such text is
 *   prefixed with a single quote, which spreadsheet apps show as text. Numbers are written
 *   as numbers and never prefixed: a number cannot be a formula and -3 must stay -3.
 * - A field is quoted when it holds a comma, a quote, CR or LF (quotes doubled).
 * - Lines end with CRLF. `bom: true` prepends a UTF-8 byte order mark, which Excel needs
 *   to read non-ASCII names correctly.
 * - null and undefined are empty fields; a suppressed cell ({ suppressed: true }) is written
 *   as the word `suppressed`, never as 0 or empty.
 */

export type CsvValue = string | number | boolean | null | undefined | Date | { suppressed: true } | { value: unknown };

export type CsvColumn<T> = string | { header: string; value: (row: T) => CsvValue };

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, neutralized and quoted as needed. */
export function csvField(value: CsvValue): string {
  let text: string;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('suppressed' in value) return 'suppressed';
    return csvField(value.value as CsvValue);
  }
  text = value;
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

function accessor<T>(column: CsvColumn<T>): { header: string; value: (row: T) => CsvValue } {
  if (typeof column !== 'string') return column;
  return { header: column, value: (row) => (row as Record<string, CsvValue>)[column] };
}

/** Header line then one line per row; lazily, for large exports. */
export function* csvLines<T>(rows: Iterable<T>, columns: readonly CsvColumn<T>[], options: { bom?: boolean } = {}): Generator<string> {
  const cols = columns.map(accessor);
  yield (options.bom ? '\uFEFF' : '') + csvLine(cols.map((c) => c.header));
  for (const row of rows) yield csvLine(cols.map((c) => c.value(row)));
}

/** A whole CSV document. Columns are property names or { header, value(row) }. */
export function toCsv<T>(rows: Iterable<T>, columns: readonly CsvColumn<T>[], options: { bom?: boolean } = {}): string {
  let out = '';
  for (const line of csvLines(rows, columns, options)) out += line;
  return out;
}

/**
 * Any JSON report as CSV, in long form: one line per leaf, `field` the dotted path to it
 * and `value` the number or text. Cells keep their meaning: `{ value: n }` is n and a
 * suppressed cell is the word `suppressed`. Generic on purpose, so every report a staff
 * member can read can be exported the same way, whatever its shape.
 */
export function reportCsv(report: unknown, options: { bom?: boolean } = {}): string {
  const rows: { field: string; value: CsvValue }[] = [];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  const walk = (v: unknown, path: string): void => {
    if (v === null || v === undefined || typeof v !== 'object') {
      rows.push({ field: path, value: v as CsvValue });
      return;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) rows.push({ field: path, value: null });
      v.forEach((x, i) => walk(x, join(path, String(i))));
      return;
    }
    const o = v as Record<string, unknown>;
    if (o.suppressed === true) {
      rows.push({ field: path, value: { suppressed: true } });
      return;
    }
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === 'value') {
      rows.push({ field: path, value: o.value as CsvValue });
      return;
    }
    if (keys.length === 0) rows.push({ field: path, value: null });
    for (const k of keys) walk(o[k], join(path, k));
  };
  walk(report, '');
  return toCsv(rows, ['field', 'value'], options);
}
