import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csvField, csvLines, reportCsv, toCsv } from '../../../../functions/core/outcomes/export.ts';

/** A minimal independent reader for one CSV line (RFC 4180), to check round trips. */
function readLine(line: string): string[] {
  expect(line.endsWith('\r\n')).toBe(true);
  const text = line.slice(0, -2);
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const j = text.indexOf('"', i);
        field += text.slice(i, j);
        i = j + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      const j = text.indexOf(',', i);
      field = text.slice(i, j < 0 ? text.length : j);
      i = j < 0 ? text.length : j;
    }
    out.push(field);
    if (i >= text.length) return out;
    expect(text[i]).toBe(',');
    i++;
  }
}

describe('CSV export', () => {
  it('neutralizes text that a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('\rx')).toBe(`"'\rx"`);
    expect(csvField('a=b')).toBe('a=b');
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

  it('round-trips any text, and no field starts with a formula character (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'Z', '1', ',', '"', '\r', '\n', '=', '+', '-', '@', '\t', ' ', "'", 'é', '€', '😀'), maxLength: 20 }), { minLength: 1, maxLength: 6 }), (values) => {
        const [, line] = [...csvLines([values], values.map((_, i) => ({ header: `c${i}`, value: (r: string[]) => r[i] })))];
        if (line === undefined) throw new Error('no data line');
        const read = readLine(line);
        expect(read).toHaveLength(values.length);
        read.forEach((field, i) => {
          expect(field).not.toMatch(/^[=+\-@\t\r]/);
          const original = values[i]!;
          expect(field).toBe(/^[=+\-@\t\r]/.test(original) ? `'${original}` : original);
        });
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});

describe('any report as CSV', () => {
  it('writes one field,value line per leaf: cells unwrapped, suppressed named, formulas neutralized', () => {
    const report = {
      name: '=HYPERLINK("x")',
      years: ['2023-24', '2024-25'],
      latest: { counts: { enrolled: { all: { value: 120 }, english_learner: { suppressed: true, reason: 'privacy' } } }, rate: { value: null } },
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

