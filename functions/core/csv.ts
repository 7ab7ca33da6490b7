/**
 * The one CSV writer of the API (RFC 4180), safe to open in a spreadsheet. Every CSV the API
 * produces goes through it: outcome and report exports, the evidence ZIP's manifest.
 *
 * - Text a spreadsheet would run as a formula ("CSV injection") is prefixed with a single
 *   quote, which spreadsheet apps show as text: text that starts with = + - @ (or their
 *   full-width forms), also after leading whitespace, invisible characters (NUL and other
 *   controls, zero-width space, U+FEFF, U+2060 and other format characters) or quotes, and
 *   text that starts with a tab or CR, which some apps strip before parsing.
 * - The same holds where another reading of the file starts a cell inside the field: after a
 *   `;` (the separator of spreadsheet locales with a decimal comma, which honour quotes only
 *   at a cell's start), a tab, or a line break. `a;=1` is written `a;'=1`: the only change
 *   the writer ever makes to text is such an inserted quote.
 * - Numbers are written as numbers and not prefixed: a number cannot be a formula and -3
 *   must stay -3. Except at the start of a line, which a `;`-locale spreadsheet reads as one
 *   cell with the rest of the line (`-1,5+x` is a formula there): there -3 is written `'-3`.
 * - A field is quoted when it holds a comma, a quote, `;`, a tab, CR or LF (quotes doubled),
 *   or starts with whitespace or an invisible character (so no reader trims or hides it).
 * - Lines end with CRLF. `bom: true` prepends a UTF-8 byte order mark, which Excel needs
 *   to read non-ASCII names correctly.
 * - null and undefined are empty fields; a suppressed cell ({ suppressed: true }) is written
 *   as the word `suppressed`, never as 0 or empty.
 */

export type CsvValue = string | number | boolean | null | undefined | Date | { suppressed: true } | { value: unknown };

export type CsvColumn<T> = string | { header: string; value: (row: T) => CsvValue };

/** Characters a reader may trim or not show: whitespace, controls (NUL...), format characters (U+200B, U+FEFF, U+2060...), Hangul fillers. */
const INVISIBLE = String.raw`\s\p{Z}\p{Cc}\p{Cf}\u115F\u1160\u3164\uFFA0`;
/** Characters that start a formula, with the full-width forms some spreadsheet apps accept. */
const FORMULA_CHARS = String.raw`=+\-@\uFF1D\uFF0B\uFF0D\uFF20`;
/**
 * What may come before a formula character and still start one: invisible characters, and
 * quotes, which a reader that splits the line elsewhere may take as its own quoting.
 */
const HIDES = String.raw`[${INVISIBLE}"]*`;
const FORMULA_AT_START = new RegExp(String.raw`^(?=[\t\r]|${HIDES}[${FORMULA_CHARS}])`, 'u');
/** A cell starts after `;`, a tab, LF or a lone CR in other readings of the file. */
const FORMULA_AFTER_BREAK = new RegExp(String.raw`([;\t\n]|\r(?!\n))(?=${HIDES}[${FORMULA_CHARS}])`, 'gu');
const NEEDS_QUOTES = new RegExp(String.raw`[",;\t\r\n]|^[${INVISIBLE}]`, 'u');

/** Text with a single quote in front of every place a spreadsheet could start a formula. */
export function neutralizeFormulas(text: string): string {
  return text.replace(FORMULA_AT_START, "'").replace(FORMULA_AFTER_BREAK, "$1'");
}

/** One field, neutralized and quoted as needed. */
export function csvField(value: CsvValue): string {
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
  const text = neutralizeFormulas(value);
  // Tested on the value: a leading blank or invisible character stays quoted behind the
  // prefix, and the only change neutralizing makes, an inserted `'`, never needs quotes.
  return NEEDS_QUOTES.test(value) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  const fields = values.map(csvField);
  // A ;-locale spreadsheet reads a whole line as one cell, and with its decimal comma
  // `-1,5+...` is arithmetic: a line never starts with `-`, so a negative number there is text.
  if (fields[0]?.startsWith('-')) fields[0] = `'${fields[0]}`;
  return fields.join(',') + '\r\n';
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
