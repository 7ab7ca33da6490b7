/**
 * Streaming validation of an outcome CSV upload (template: docs/outcome-csv-template.md).
 *
 *   school_year,entity_type,entity_id,metric,student_group,count
 *
 * The file is read chunk by chunk through a byte-level RFC 4180 state machine: the
 * structural characters (comma, quote, CR, LF) are ASCII and never occur inside a UTF-8
 * multi-byte sequence, so fields are cut on bytes and each field is decoded on its own. That
 * pins an encoding error to its row and column, and keeps memory flat: only the current
 * field (at most `maxFieldBytes`) and the aggregated counts (bounded by entities × metrics ×
 * groups) are held, never the rows.
 *
 * The file is validated as a whole: every problem is reported with its row and column (up
 * to `maxErrors`, then only counted), and reports are returned only when there is none.
 * Rows are records as a spreadsheet numbers them: the header is row 1, and a quoted field
 * spanning lines does not start a new row. Columns are numbered from 1.
 *
 * Decisions:
 * - UTF-8 only; a leading BOM is dropped (Excel writes one). UTF-16 and Excel workbooks are
 *   recognised by their first bytes and rejected with a message saying what to do.
 * - Header names may be in any order, any case, with surrounding spaces; all six exactly once.
 * - Codes (entity_type, metric, student_group) ignore case and surrounding spaces; ids do
 *   not (they are case-sensitive).
 * - Blank rows (nothing, or only commas) are skipped.
 * - One school year per file: a file replaces one year's counts, so a second year in the
 *   same file is more likely a mistake than an intent.
 * - Cells that a spreadsheet app would run as a formula (starting with = + - @, tab or CR)
 *   are rejected, except that a count like "-5" is reported as negative, the likelier intent.
 * - Cross-row consistency (model.ts) runs for each entity whose rows all passed the row
 *   checks, so a typo in one row does not cascade into follow-on errors.
 */
import { isId } from '../ids.ts';
import {
  METRICS,
  STUDENT_GROUPS,
  isMetric,
  isSchoolYear,
  isStudentGroup,
  type Metric,
  type SchoolYear,
  type StudentGroup,
} from './codes.ts';
import {
  MAX_COUNT,
  checkDistrictContainsPathways,
  checkOutcomeCounts,
  type EntityRef,
  type OutcomeCounts,
  type OutcomeProblem,
  type OutcomeReport,
} from './model.ts';

export const CSV_COLUMNS = ['school_year', 'entity_type', 'entity_id', 'metric', 'student_group', 'count'] as const;
export type CsvColumnName = (typeof CSV_COLUMNS)[number];

export const DEFAULT_MAX_ERRORS = 1000;
export const DEFAULT_MAX_FIELD_BYTES = 256;

export interface CsvValidationOptions {
  districtId: string;
  /** Pathways that belong to the submitting district. */
  pathwayIdsOfDistrict: ReadonlySet<string>;
  maxBytes: number;
  /** Data rows (header and blank rows not counted). */
  maxRows: number;
  maxErrors?: number;
  maxFieldBytes?: number;
}

export type CsvErrorCode =
  | 'too_large'
  | 'too_many_rows'
  | 'empty_file'
  | 'not_csv'
  | 'encoding'
  | 'wrong_header'
  | 'quote'
  | 'unterminated_quote'
  | 'ragged_row'
  | 'field_too_long'
  | 'formula'
  | 'missing_value'
  | 'invalid_school_year'
  | 'mixed_school_years'
  | 'unknown_entity_type'
  | 'invalid_entity_id'
  | 'wrong_district'
  | 'pathway_not_in_district'
  | 'unknown_metric'
  | 'unknown_group'
  | 'not_integer'
  | 'negative_count'
  | 'count_too_large'
  | 'duplicate_row'
  | 'no_data'
  | OutcomeProblem['code'];

export interface CsvError {
  /** Spreadsheet row (header = 1); null for the file as a whole. */
  row: number | null;
  /** 1-based column; null for the row or file as a whole. */
  column: number | null;
  /** The column's name, when the error is about one field. */
  field?: CsvColumnName;
  code: CsvErrorCode;
  message: string;
}

export type CsvValidationResult =
  | { ok: true; schoolYear: SchoolYear; reports: OutcomeReport[]; dataRows: number }
  | { ok: false; errors: CsvError[]; moreErrors: number; dataRows: number };

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  AfterCr,
}

/** Raised inside the parser to stop reading at once (size limits, unusable header). */
class Fatal extends Error {}

interface StoredCell {
  entityKey: string;
  metric: Metric;
  group: StudentGroup;
  value: number;
  row: number;
}

const show = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

class Validator {
  private readonly maxErrors: number;
  private readonly maxFieldBytes: number;
  readonly errors: CsvError[] = [];
  moreErrors = 0;

  // parser state
  private state = State.FieldStart;
  private readonly buf: Uint8Array;
  private len = 0;
  private overflow = false;
  private nonAscii = false;
  private fields: ({ text: string } | { error: true })[] = [];
  private fieldCount = 0;
  private recordBroken = false;
  private row = 1;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  // file state
  private columnIndex: Map<CsvColumnName, number> | null = null;
  private columnOrder: CsvColumnName[] = [];
  dataRows = 0;
  private schoolYear: { year: SchoolYear; row: number } | null = null;
  private readonly cells = new Map<string, StoredCell>();
  private readonly entities = new Map<string, EntityRef>();
  private readonly tainted = new Set<string>();

  constructor(private readonly options: CsvValidationOptions) {
    this.maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
    this.maxFieldBytes = options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
    this.buf = new Uint8Array(this.maxFieldBytes);
  }

  error(e: CsvError): void {
    if (this.errors.length < this.maxErrors) this.errors.push(e);
    else this.moreErrors++;
  }

  private fieldError(row: number, index: number, code: CsvErrorCode, message: string): void {
    const field = this.columnOrder[index];
    this.error({ row, column: index + 1, ...(field ? { field } : {}), code, message });
  }

  // -------------------------------------------------------------------- bytes → fields

  private push(b: number): void {
    if (this.len < this.maxFieldBytes) {
      this.buf[this.len++] = b;
      if (b >= 0x80) this.nonAscii = true;
    } else this.overflow = true;
  }

  feed(bytes: Uint8Array): void {
    let state = this.state;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (state === State.AfterCr) {
        state = State.FieldStart;
        if (b === LF) continue; // CRLF; a lone CR (old Mac files) ends the record too
      }
      if (state === State.FieldStart) {
        if (b === QUOTE) {
          state = State.Quoted;
          continue;
        }
        state = State.Unquoted;
      }
      switch (state) {
        case State.Unquoted:
          if (b === COMMA || b === LF || b === CR) {
            state = this.endAtDelimiter(b);
          } else {
            if (b === QUOTE && !this.recordBroken) {
              this.recordBroken = true;
              this.fieldError(
                this.row,
                this.fieldCount,
                'quote',
                'a quote inside an unquoted field; put the whole field in quotes and double the quote ("")',
              );
            }
            this.push(b);
          }
          break;
        case State.Quoted:
          if (b === QUOTE) state = State.QuoteInQuoted;
          else this.push(b);
          break;
        case State.QuoteInQuoted:
          if (b === QUOTE) {
            this.push(b);
            state = State.Quoted;
          } else if (b === COMMA || b === LF || b === CR) {
            state = this.endAtDelimiter(b);
          } else {
            if (!this.recordBroken) {
              this.recordBroken = true;
              this.fieldError(
                this.row,
                this.fieldCount,
                'quote',
                'text after the closing quote of a quoted field; a quote inside a quoted field is written twice ("")',
              );
            }
            state = State.Unquoted;
            this.push(b);
          }
          break;
      }
    }
    this.state = state;
  }

  /** A comma or line break outside quotes ends the field, a line break the record too; answers the state after it. */
  private endAtDelimiter(b: number): State {
    this.endField();
    if (b === COMMA) return State.FieldStart;
    this.endRecord();
    return b === CR ? State.AfterCr : State.FieldStart;
  }

  finish(): void {
    if (this.state === State.Quoted) {
      this.recordBroken = true;
      this.fieldError(this.row, this.fieldCount, 'unterminated_quote', 'a quoted field is never closed; the file ends inside quotes');
      this.endField();
      this.endRecord();
    } else if (this.state === State.Unquoted || this.state === State.QuoteInQuoted || this.fields.length > 0) {
      this.endField();
      this.endRecord();
    }
    this.state = State.FieldStart;
  }

  private endField(): void {
    const index = this.fieldCount++;
    if (this.overflow) {
      // After a quote error the length is a consequence, not news.
      if (!this.recordBroken) this.fieldError(this.row, index, 'field_too_long', `the field is longer than ${this.maxFieldBytes} bytes`);
      this.recordBroken = true;
      this.fields.push({ error: true });
    } else if (!this.nonAscii) {
      this.fields.push({ text: String.fromCharCode(...this.buf.subarray(0, this.len)) });
    } else {
      try {
        this.fields.push({ text: this.decoder.decode(this.buf.subarray(0, this.len)) });
      } catch {
        this.recordBroken = true;
        this.fieldError(this.row, index, 'encoding', 'the field is not valid UTF-8; save the file as "CSV UTF-8"');
        this.fields.push({ error: true });
      }
    }
    this.len = 0;
    this.overflow = false;
    this.nonAscii = false;
    // Rows with many more fields than the template are ragged anyway; don't hold them.
    if (this.fields.length > CSV_COLUMNS.length + 1) this.fields.pop();
  }

  private endRecord(): void {
    const row = this.row;
    const fields = this.fields;
    const count = this.fieldCount;
    const broken = this.recordBroken;
    this.row++;
    this.fields = [];
    this.fieldCount = 0;
    this.recordBroken = false;
    if (this.columnIndex === null) this.header(row, fields, broken);
    else this.dataRow(row, fields, count, broken);
  }

  // -------------------------------------------------------------------- header

  private header(row: number, fields: ({ text: string } | { error: true })[], broken: boolean): void {
    if (broken) throw new Fatal();
    const names = fields.map((f) => ('text' in f ? f.text.trim().toLowerCase() : ''));
    const index = new Map<CsvColumnName, number>();
    let wrong = false;
    const template = CSV_COLUMNS.join(',');
    if (names.every((n) => n === '')) {
      this.error({ row, column: null, code: 'wrong_header', message: `the first row must be the header ${template}` });
      throw new Fatal();
    }
    names.forEach((name, i) => {
      if (!(CSV_COLUMNS as readonly string[]).includes(name)) {
        wrong = true;
        this.error({ row, column: i + 1, code: 'wrong_header', message: `unknown column ${show(name)}; the header must be ${template}` });
      } else if (index.has(name as CsvColumnName)) {
        wrong = true;
        this.error({ row, column: i + 1, code: 'wrong_header', message: `column ${show(name)} appears twice` });
      } else index.set(name as CsvColumnName, i);
    });
    for (const name of CSV_COLUMNS) {
      if (!index.has(name)) {
        wrong = true;
        this.error({ row, column: null, code: 'wrong_header', message: `the header has no ${name} column; it must be ${template}` });
      }
    }
    if (wrong) throw new Fatal();
    this.columnIndex = index;
    this.columnOrder = [];
    for (const [name, i] of index) this.columnOrder[i] = name;
  }

  // -------------------------------------------------------------------- data rows

  private dataRow(row: number, fields: ({ text: string } | { error: true })[], count: number, broken: boolean): void {
    if (!broken && fields.every((f) => 'text' in f && f.text.trim() === '')) return; // blank row
    this.dataRows++;
    if (this.dataRows > this.options.maxRows) {
      this.error({ row, column: null, code: 'too_many_rows', message: `the file has more than ${this.options.maxRows} data rows` });
      throw new Fatal();
    }
    if (broken) return; // its quote or encoding error is reported; field boundaries are unreliable
    if (count !== CSV_COLUMNS.length) {
      this.error({ row, column: null, code: 'ragged_row', message: `the row has ${count} fields; every row has ${CSV_COLUMNS.length}` });
      return;
    }
    const cols = this.columnIndex!;
    const text = (name: CsvColumnName) => (fields[cols.get(name)!] as { text: string }).text;
    let ok = true;
    const fail = (name: CsvColumnName, code: CsvErrorCode, message: string) => {
      ok = false;
      this.fieldError(row, cols.get(name)!, code, message);
    };

    const usable = new Set<CsvColumnName>();
    for (const name of CSV_COLUMNS) {
      const raw = text(name);
      const trimmed = raw.trim();
      if (name === 'count' && /^-\d+$/.test(trimmed)) {
        fail(name, 'negative_count', `count ${show(trimmed)} is negative; counts are whole numbers from 0`);
      } else if (/^[=+\-@\t\r]/.test(raw) || /^[=+\-@]/.test(trimmed)) {
        const first = /^[=+\-@\t\r]/.test(raw) ? raw[0]! : trimmed[0]!;
        fail(name, 'formula', `${show(raw)} starts with ${show(first)}, which spreadsheet apps run as a formula; enter the value itself`);
      } else if (trimmed === '') {
        fail(name, 'missing_value', `${name} is empty`);
      } else usable.add(name);
    }

    let schoolYear: string | null = null;
    if (usable.has('school_year')) {
      const v = text('school_year').trim();
      if (!isSchoolYear(v)) {
        const long = /^(\d{4})-(\d{4})$/.exec(v);
        fail(
          'school_year',
          'invalid_school_year',
          `${show(v)} is not a school year; write it ` + (long ? `as ${long[1]}-${long[2]!.slice(2)}` : 'like 2025-26'),
        );
      } else if (this.schoolYear && this.schoolYear.year !== v) {
        fail(
          'school_year',
          'mixed_school_years',
          `school year ${v} differs from ${this.schoolYear.year} (row ${this.schoolYear.row}); a file holds one school year`,
        );
      } else {
        this.schoolYear ??= { year: v, row };
        schoolYear = v;
      }
    }

    let entity: EntityRef | null = null;
    if (usable.has('entity_type')) {
      const type = text('entity_type').trim().toLowerCase();
      const id = usable.has('entity_id') ? text('entity_id').trim() : null;
      if (type !== 'pathway' && type !== 'district') {
        fail('entity_type', 'unknown_entity_type', `entity_type ${show(type)} must be pathway or district`);
        // The id alone may still say whose row this was: spare that entity follow-on errors.
        if (id !== null && this.options.pathwayIdsOfDistrict.has(id)) this.tainted.add(entityKeyOf({ kind: 'pathway', pathwayId: id }));
        if (id === this.options.districtId) this.tainted.add(entityKeyOf({ kind: 'district', districtId: id }));
      } else if (id !== null) {
        if (type === 'district') {
          if (id !== this.options.districtId) {
            fail(
              'entity_id',
              'wrong_district',
              `district ${show(id)} is not your district; district rows must be for ${this.options.districtId}`,
            );
          } else entity = { kind: 'district', districtId: id };
        } else if (this.options.pathwayIdsOfDistrict.has(id)) {
          entity = { kind: 'pathway', pathwayId: id };
        } else if (isId('pathway', id)) {
          fail('entity_id', 'pathway_not_in_district', `pathway ${show(id)} is not a pathway of district ${this.options.districtId}`);
        } else {
          fail('entity_id', 'invalid_entity_id', `${show(id)} is not a pathway id (pw_ followed by 26 letters and digits)`);
        }
      }
    }

    let metric: Metric | null = null;
    if (usable.has('metric')) {
      const v = text('metric').trim().toLowerCase();
      if (isMetric(v)) metric = v;
      else fail('metric', 'unknown_metric', `unknown metric ${show(v)}; use one of ${METRICS.join(', ')}`);
    }
    let group: StudentGroup | null = null;
    if (usable.has('student_group')) {
      const v = text('student_group').trim().toLowerCase();
      if (isStudentGroup(v)) group = v;
      else fail('student_group', 'unknown_group', `unknown student group ${show(v)}; use one of ${STUDENT_GROUPS.join(', ')}`);
    }

    let value: number | null = null;
    if (usable.has('count')) {
      const v = text('count').trim();
      if (/^\d+$/.test(v)) {
        const n = Number(v);
        if (n > MAX_COUNT) fail('count', 'count_too_large', `count ${show(v)} is more than ${MAX_COUNT}`);
        else value = n;
      } else if (/^\d{1,3}(,\d{3})+$/.test(v)) {
        fail('count', 'not_integer', `count ${show(v)} has a thousands separator; write ${v.replaceAll(',', '')}`);
      } else {
        fail('count', 'not_integer', `count ${show(v)} is not a whole number`);
      }
    }

    const key = entity ? entityKeyOf(entity) : null;
    if (!ok) {
      if (key) this.tainted.add(key);
      return;
    }
    if (!key || !metric || !group || value === null || schoolYear === null) return;
    const cellKey = `${key}|${metric}|${group}`;
    const existing = this.cells.get(cellKey);
    if (existing) {
      this.tainted.add(key);
      this.error({
        row,
        column: null,
        code: 'duplicate_row',
        message: `${metric} / ${group} for this ${entity!.kind} is already given in row ${existing.row}`,
      });
      return;
    }
    this.cells.set(cellKey, { entityKey: key, metric, group, value, row });
    if (!this.entities.has(key)) this.entities.set(key, entity!);
  }

  // -------------------------------------------------------------------- across rows

  result(): CsvValidationResult {
    if (this.columnIndex === null) {
      this.error({ row: null, column: null, code: 'empty_file', message: 'the file is empty' });
    } else if (this.dataRows === 0) {
      this.error({ row: null, column: null, code: 'no_data', message: 'the file has a header but no data rows' });
    }
    const countsByEntity = new Map<string, OutcomeCounts>();
    for (const cell of this.cells.values()) {
      let counts = countsByEntity.get(cell.entityKey);
      if (!counts) countsByEntity.set(cell.entityKey, (counts = {}));
      (counts[cell.metric] ??= {})[cell.group] = cell.value;
    }
    const countColumn = this.columnIndex?.get('count') ?? null;
    const report = (key: string, problems: OutcomeProblem[]) => {
      for (const p of problems) {
        const at = p.at ? this.cells.get(`${key}|${p.at.metric}|${p.at.group}`) : undefined;
        this.error({
          row: at?.row ?? null,
          column: at && countColumn !== null ? countColumn + 1 : null,
          ...(at ? { field: 'count' as const } : {}),
          code: p.code,
          message: `${describe(this.entities.get(key)!)}: ${p.message}`,
        });
      }
    };
    for (const [key, counts] of countsByEntity) {
      if (!this.tainted.has(key)) report(key, checkOutcomeCounts(counts));
    }
    const districtKey = entityKeyOf({ kind: 'district', districtId: this.options.districtId });
    const district = countsByEntity.get(districtKey);
    if (district && this.tainted.size === 0) {
      const pathways = [...countsByEntity].filter(([key]) => key !== districtKey).map(([key, counts]) => ({ pathwayId: key, counts }));
      report(districtKey, checkDistrictContainsPathways(district, pathways));
    }

    const total = this.errors.length + this.moreErrors;
    if (total > 0 || this.schoolYear === null) {
      return { ok: false, errors: sortErrors(this.errors), moreErrors: this.moreErrors, dataRows: this.dataRows };
    }
    const schoolYear = this.schoolYear.year;
    const reports: OutcomeReport[] = [...countsByEntity].map(([key, counts]) => ({
      schoolYear,
      entity: this.entities.get(key)!,
      counts,
    }));
    return { ok: true, schoolYear, reports, dataRows: this.dataRows };
  }
}

function entityKeyOf(entity: EntityRef): string {
  return entity.kind === 'pathway' ? `pathway|${entity.pathwayId}` : `district|${entity.districtId}`;
}

/** File-level errors first, then by row and column (stable: discovery order otherwise). */
function sortErrors(errors: readonly CsvError[]): CsvError[] {
  return [...errors].sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function describe(entity: EntityRef): string {
  return entity.kind === 'pathway' ? `pathway ${entity.pathwayId}` : `district ${entity.districtId}`;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Validates an uploaded outcome CSV as a stream; see the module comment. */
export async function validateOutcomeCsv(
  chunks: AsyncIterable<Uint8Array | string>,
  options: CsvValidationOptions,
): Promise<CsvValidationResult> {
  const v = new Validator(options);
  const encoder = new TextEncoder();
  let bytes = 0;
  // The first bytes decide about the BOM and foreign formats; they may arrive split.
  let head: number[] | null = [];
  const start = (): Uint8Array => {
    const h = Uint8Array.from(head!);
    head = null;
    if (h[0] === 0x50 && h[1] === 0x4b && h[2] === 0x03 && h[3] === 0x04) {
      v.error({
        row: null,
        column: null,
        code: 'not_csv',
        message: 'this is an Excel workbook (or another zip file), not a CSV; save it as "CSV UTF-8"',
      });
      throw new Fatal();
    }
    if ((h[0] === 0xff && h[1] === 0xfe) || (h[0] === 0xfe && h[1] === 0xff)) {
      v.error({ row: null, column: null, code: 'encoding', message: 'the file is UTF-16; save it as "CSV UTF-8"' });
      throw new Fatal();
    }
    return UTF8_BOM.every((b, i) => h[i] === b) ? h.subarray(3) : h;
  };
  try {
    for await (const chunk of chunks) {
      const data = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      bytes += data.length;
      if (bytes > options.maxBytes) {
        v.error({ row: null, column: null, code: 'too_large', message: `the file is larger than ${options.maxBytes} bytes` });
        throw new Fatal();
      }
      if (head) {
        const need = 4 - head.length;
        head.push(...data.subarray(0, need));
        if (head.length < 4) continue;
        v.feed(start());
        v.feed(data.subarray(need));
      } else v.feed(data);
    }
    if (head) v.feed(start());
    v.finish();
  } catch (e) {
    if (!(e instanceof Fatal)) throw e;
    // Stop at once: the file is rejected whatever follows. Errors so far are kept.
    return { ok: false, errors: sortErrors(v.errors), moreErrors: v.moreErrors, dataRows: v.dataRows };
  }
  return v.result();
}
