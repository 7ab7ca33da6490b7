import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csvField, csvLines, neutralizeFormulas, reportCsv, toCsv } from '#core/csv.ts';
import { couldBeFormula, expectSafeCsv, readCsvStrict, spreadsheetCells } from '../../support/csv.ts';

describe('CSV export', () => {
  it('neutralizes text that a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe(`"'\tx"`);
    expect(csvField('\rx')).toBe(`"'\rx"`);
    expect(csvField('a=b')).toBe('a=b');
  });

  it('neutralizes formulas behind leading whitespace and invisible characters, and quotes such fields', () => {
    expect(csvField(' =1+1')).toBe(`"' =1+1"`);
    expect(csvField('\u0000=1')).toBe(`"'\u0000=1"`);
    expect(csvField('\u200B=HYPERLINK("x")')).toBe(`"'\u200B=HYPERLINK(""x"")"`);
    expect(csvField('\uFEFF@SUM(A1)')).toBe(`"'\uFEFF@SUM(A1)"`);
    expect(csvField('\u2060\u00A0+1')).toBe(`"'\u2060\u00A0+1"`);
    expect(csvField('\uFF1D1+1')).toBe(`'\uFF1D1+1`); // full-width =
    expect(csvField('"=1')).toBe(`"'""=1"`);
    // Invisible or blank at the start without a formula: quoted, not changed.
    expect(csvField(' lead')).toBe('" lead"');
    expect(csvField('\u200Bx')).toBe('"\u200Bx"');
    expect(csvField('\u0000')).toBe('"\u0000"');
  });

  it('quotes ; and tabs, and neutralizes a formula where a ;-locale or a tab-separated reading starts a cell', () => {
    expect(csvField('a;b')).toBe('"a;b"');
    expect(csvField('a\tb')).toBe('"a\tb"');
    expect(csvField('Health; =cmd|x')).toBe(`"Health;' =cmd|x"`);
    expect(csvField('a\t+1')).toBe(`"a\t'+1"`);
    expect(csvField('a;"=1')).toBe(`"a;'""=1"`);
    expect(csvField('line\r\n-2')).toBe(`"line\r\n'-2"`);
    expect(csvField('line\n@x')).toBe(`"line\n'@x"`);
    expect(csvField('a;b=c')).toBe('"a;b=c"');
    expect(neutralizeFormulas('x;y')).toBe('x;y');
  });

  it('never starts a line with a minus: a negative number in the first column is text', () => {
    expect(toCsv([{ a: -1, b: '5+cmd' }], ['a', 'b'])).toBe("a,b\r\n'-1,5+cmd\r\n");
    expect(toCsv([{ a: 1, b: -1 }], ['a', 'b'])).toBe('a,b\r\n1,-1\r\n');
  });

  it('writes numbers as numbers, empties for null, and says "suppressed" for hidden cells', () => {
    expect(csvField(-3)).toBe('-3');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(true)).toBe('true');
    expect(csvField(new Date('2025-09-01T00:00:00Z'))).toBe('2025-09-01T00:00:00.000Z');
    expect(csvField({ suppressed: true })).toBe('suppressed');
    expect(csvField({ value: 12 })).toBe('12');
  });

  it('quotes commas, quotes and line breaks; CRLF line ends; optional BOM', () => {
    const rows = [{ name: 'Health, Science', note: 'say "hi"\nnow', n: 3 }];
    expect(toCsv(rows, ['name', 'note', { header: 'twice', value: (r) => r.n * 2 }])).toBe(
      'name,note,twice\r\n"Health, Science","say ""hi""\nnow",6\r\n',
    );
    expect(toCsv([], ['a'], { bom: true })).toBe('\uFEFFa\r\n');
    expect([...csvLines([{ a: 1 }, { a: 2 }], ['a'])]).toEqual(['a\r\n', '1\r\n', '2\r\n']);
  });

  it('round-trips any text through a strict parser; no cell of a ,- ;- or tab-reading can start a formula (property)', () => {
    const unit = fc.constantFrom(
      'a',
      'Z',
      '1',
      ',',
      ';',
      '"',
      '\r',
      '\n',
      '\t',
      '=',
      '+',
      '-',
      '@',
      ' ',
      '\u00A0',
      "'",
      'é',
      '€',
      '😀',
      '\u0000',
      '\u200B',
      '\uFEFF',
      '\u2060',
      '\uFF1D',
    );
    const cell = fc.oneof(fc.string({ unit, maxLength: 20 }), fc.integer({ min: -1000, max: 1000 }), fc.constant(null));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 4 }), fc.boolean(), (rows, bom) => {
        const columns = [0, 1, 2].map((i) => ({ header: `c${i}`, value: (r: (string | number | null)[]) => r[i] }));
        const text = toCsv(rows, columns, { bom });
        const read = expectSafeCsv(text);
        expect(read).toHaveLength(rows.length + 1);
        read.slice(1).forEach((fields, r) => {
          fields.forEach((field, i) => {
            const original = rows[r]![i];
            if (original === null || original === undefined) return expect(field).toBe('');
            // A line never starts with a minus: a ;-locale reading would take the line as a formula.
            if (typeof original === 'number') return expect(field).toBe(i === 0 && original < 0 ? `'${original}` : String(original));
            // The only change is a quote inserted where a formula could start.
            expect(field).toBe(neutralizeFormulas(original));
            expect(field.replaceAll("'", '')).toBe(original.replaceAll("'", ''));
            if (!couldBeFormula(original) && !/[;\t\r\n]/.test(original)) expect(field).toBe(original);
          });
        });
      }),
      { seed: 5, numRuns: 500 },
    );
  });

  it('the readers used above: strict parsing refuses a stray quote; a ;-locale reading cuts inside quoted fields', () => {
    expect(() => readCsvStrict('a,b"c\r\n')).toThrow();
    expect(() => readCsvStrict('a,b\r\nc\r\n')).toThrow();
    expect(spreadsheetCells('x,"a;=1",2\r\n', ';')).toEqual([['x,"a', '=1",2']]);
    expect(couldBeFormula('=1",2')).toBe(true);
    expect(couldBeFormula('\u200B =1')).toBe(true);
    expect(couldBeFormula('-3')).toBe(false);
    expect(couldBeFormula("'=1")).toBe(false);
  });
});

describe('any report as CSV', () => {
  it('writes one field,value line per leaf: cells unwrapped, suppressed named, formulas neutralized', () => {
    const report = {
      name: '=HYPERLINK("x")',
      years: ['2023-24', '2024-25'],
      latest: {
        counts: { enrolled: { all: { value: 120 }, english_learner: { suppressed: true, reason: 'privacy' } } },
        rate: { value: null },
      },
      empty: [],
      none: null,
    };
    expect(reportCsv(report)).toBe(
      [
        'field,value',
        `name,"'=HYPERLINK(""x"")"`,
        'years.0,2023-24',
        'years.1,2024-25',
        'latest.counts.enrolled.all,120',
        'latest.counts.enrolled.english_learner,suppressed',
        'latest.rate,',
        'empty,',
        'none,',
        '',
      ].join('\r\n'),
    );
    expect(reportCsv({ a: -3 }, { bom: true })).toBe('\uFEFFfield,value\r\na,-3\r\n');
  });
});
