/**
 * Reading the API's CSV files the ways they get read, for tests:
 * - `readCsvStrict`: csv-parse with every relaxation off (quotes only around whole fields,
 *   same field count on every row, nothing trimmed), as RFC 4180 with a `,` separator;
 * - `spreadsheetCells`: a spreadsheet app of a locale whose separator is `;` (or a tab),
 *   which splits on that character and honours quotes only at the start of a cell, appending
 *   whatever follows a closing quote as text; such a reading cannot be strict, since the
 *   file is not written for it, so the test checks what matters there: no cell is a formula.
 */
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';

export function readCsvStrict(text: string): string[][] {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- csv-parse's generic needs `columns` to be given
  return parse(text, {
    bom: true,
    delimiter: ',',
    quote: '"',
    escape: '"',
    record_delimiter: '\r\n',
    relax_quotes: false,
    relax_column_count: false,
    skip_empty_lines: false,
    trim: false,
  }) as string[][];
}

export function spreadsheetCells(text: string, separator: ';' | '\t'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  let atStart = true;
  const endCell = () => {
    row.push(cell);
    cell = '';
    atStart = true;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (atStart && c === '"') {
      atStart = false;
      i++;
      for (;;) {
        if (i >= text.length) break;
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += text[i++];
      }
      continue;
    }
    atStart = false;
    if (c === separator) {
      endCell();
      i++;
    } else if (c === '\r' || c === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      cell += c;
      i++;
    }
  }
  if (!atStart || row.length > 0) {
    endCell();
    rows.push(row);
  }
  return rows;
}

/** Characters a spreadsheet may skip or not show before a formula character. */
const HIDDEN = /^[\s\p{Z}\p{Cc}\p{Cf}\u115F\u1160\u3164\uFFA0"]*/u;
const FORMULA = /^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/u;
const NUMBER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/** True when a spreadsheet could run the cell as a formula (a plain number such as -3 cannot). */
export function couldBeFormula(cell: string): boolean {
  if (NUMBER.test(cell)) return false;
  // Leading tabs and CRs are among the hidden characters: what follows them decides.
  return FORMULA.test(cell.replace(HIDDEN, ''));
}

/**
 * Checks a CSV the API produced: it parses strictly with `,`; no cell in that reading, nor
 * in a `;`-locale or tab-separated reading, could start a formula. Answers the strict rows.
 */
export function expectSafeCsv(text: string): string[][] {
  const rows = readCsvStrict(text);
  for (const reading of [rows, spreadsheetCells(text, ';'), spreadsheetCells(text, '\t')]) {
    for (const row of reading) for (const cell of row) expect(couldBeFormula(cell), JSON.stringify(cell)).toBe(false);
  }
  return rows;
}
