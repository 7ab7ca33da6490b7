import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateOutcomeCsv, type CsvValidationOptions, type CsvValidationResult } from '#core/outcomes/csv.ts';
import { newId } from '#core/ids.ts';

const districtId = newId('district');
const pw1 = newId('pathway');
const pw2 = newId('pathway');
const foreign = newId('pathway');
const HEADER = 'school_year,entity_type,entity_id,metric,student_group,count';

const options = (over: Partial<CsvValidationOptions> = {}): CsvValidationOptions => ({
  districtId,
  pathwayIdsOfDistrict: new Set([pw1, pw2]),
  maxBytes: 1_000_000,
  maxRows: 10_000,
  ...over,
});

async function* chunked(data: string | Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array | string> {
  for (let i = 0; i < data.length; i += size) yield data.slice(i, i + size);
}

const run = (data: string | Uint8Array, over: Partial<CsvValidationOptions> = {}, size?: number) =>
  validateOutcomeCsv(chunked(data, size), options(over));

const lines = (...rows: string[]) => [HEADER, ...rows].join('\r\n') + '\r\n';

const valid = lines(
  `2025-26,pathway,${pw1},enrolled,all,120`,
  `2025-26,pathway,${pw1},enrolled,english_learner,30`,
  `2025-26,pathway,${pw1},cohort,all,30`,
  `2025-26,pathway,${pw1},graduated_on_time,all,27`,
  `2025-26,district,${districtId},enrolled,all,2000`,
);

function errorsOf(r: CsvValidationResult) {
  if (r.ok) throw new Error('expected errors');
  return r.errors.map((e) => [e.row, e.column, e.code]);
}

describe('a valid file', () => {
  it('becomes one report per entity', async () => {
    const r = await run(valid);
    expect(r).toEqual({
      ok: true,
      schoolYear: '2025-26',
      dataRows: 5,
      reports: [
        {
          schoolYear: '2025-26',
          entity: { kind: 'pathway', pathwayId: pw1 },
          counts: { enrolled: { all: 120, english_learner: 30 }, cohort: { all: 30 }, graduated_on_time: { all: 27 } },
        },
        { schoolYear: '2025-26', entity: { kind: 'district', districtId }, counts: { enrolled: { all: 2000 } } },
      ],
    });
  });

  it('gives the same result however the bytes are split, BOM and multi-byte text included (property)', async () => {
    const withBom = '\uFEFF' + valid.replace('2025-26,pathway', '"2025-26","path""way"').replace(',27\r\n', ',"27"\r\n');
    const bytes = new TextEncoder().encode('\uFEFF' + valid + 'x,é,"a\r\nb",ü,€,1\r\n');
    const whole = await run(bytes);
    expect(errorsOf(whole)).toContainEqual([7, 1, 'invalid_school_year']);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), async (size) => {
        expect(await run(bytes, {}, size)).toEqual(whole);
        expect(await run('\uFEFF' + valid, {}, size)).toEqual(await run(valid));
      }),
      { seed: 3, numRuns: 40 },
    );
    expect(errorsOf(await run(withBom))).toEqual([[2, 2, 'unknown_entity_type']]);
  });

  it('accepts LF and lone CR line endings, blank rows, any column order and any case in names and codes', async () => {
    const cols = 'COUNT, Metric ,student_group,entity_id,entity_type,school_year';
    const file = [cols, `120,Enrolled,ALL,${pw1},Pathway,2025-26`, '', ',,,,,', `30,enrolled,English_Learner,${pw1},pathway,2025-26`].join(
      '\n',
    );
    const r = await run(file);
    expect(r.ok && r.reports[0]!.counts).toEqual({ enrolled: { all: 120, english_learner: 30 } });
    expect(await run(valid.replaceAll('\r\n', '\r'))).toEqual(await run(valid));
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', async () => {
    const r = await run(lines(`"2025-26","pathway","${pw1}","enrolled","all","1,200"`, `2025-26,pathway,${pw1},"a""b\r\nc",all,1`));
    expect(r.ok ? [] : r.errors.map((e) => [e.row, e.code, e.message])).toEqual([
      [2, 'not_integer', 'count "1,200" has a thousands separator; write 1200'],
      [3, 'unknown_metric', expect.stringContaining('unknown metric "a\\"b\\r\\nc"')],
    ]);
  });
});

describe('malformed files', () => {
  it('rejects a wrong header, naming each problem', async () => {
    const r = await run('school_year,entity,entity_id,metric,metric,count\n2025-26,pathway,x,enrolled,all,1\n');
    expect(errorsOf(r)).toEqual([
      [1, null, 'wrong_header'],
      [1, null, 'wrong_header'],
      [1, 2, 'wrong_header'],
      [1, 5, 'wrong_header'],
    ]);
    expect(r.ok || r.errors.map((e) => e.message)).toEqual([
      `the header has no entity_type column; it must be ${HEADER}`,
      `the header has no student_group column; it must be ${HEADER}`,
      `unknown column "entity"; the header must be ${HEADER}`,
      'column "metric" appears twice',
    ]);
    expect(errorsOf(await run('\n' + valid))).toEqual([[1, null, 'wrong_header']]);
  });

  it('rejects an empty file, a header without rows, a workbook and UTF-16', async () => {
    expect(errorsOf(await run(''))).toEqual([[null, null, 'empty_file']]);
    expect(errorsOf(await run('\uFEFF'))).toEqual([[null, null, 'empty_file']]);
    expect(errorsOf(await run(HEADER + '\r\n'))).toEqual([[null, null, 'no_data']]);
    expect(errorsOf(await run(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0])))).toEqual([[null, null, 'not_csv']]);
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...HEADER].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(errorsOf(await run(utf16))).toEqual([[null, null, 'encoding']]);
  });

  it('pins invalid UTF-8 to its row and column and goes on with the other rows', async () => {
    const enc = new TextEncoder();
    const bytes = new Uint8Array([
      ...enc.encode(lines(`2025-26,pathway,${pw1},enrolled,all,120`) + `2025-26,pathway,${pw1},enrolled,`),
      0xc3,
      0x28, // an invalid two-byte sequence
      ...enc.encode(`,30\r\n2025-26,pathway,${pw1},cohort,all,x\r\n`),
    ]);
    expect(errorsOf(await run(bytes))).toEqual([
      [3, 5, 'encoding'],
      [4, 6, 'not_integer'],
    ]);
  });

  it('reports ragged rows, stray quotes, unterminated quotes and overlong fields', async () => {
    const r = await run(
      lines(
        `2025-26,pathway,${pw1},enrolled,all`,
        `2025-26,pathway,${pw1},enrolled,all,1,extra`,
        `2025-26,pa"thway,${pw1},enrolled,all,1`,
        `2025-26,"pathway"x,${pw1},enrolled,all,1`,
        `2025-26,pathway,${'p'.repeat(300)},enrolled,all,1`,
      ) + `2025-26,"pathway,${pw1},enrolled,all,1\r\n`,
    );
    expect(errorsOf(r)).toEqual([
      [2, null, 'ragged_row'],
      [3, null, 'ragged_row'],
      [4, 2, 'quote'],
      [5, 2, 'quote'],
      [6, 3, 'field_too_long'],
      [7, 2, 'unterminated_quote'],
    ]);
  });

  it('rejects cells a spreadsheet would run as formulas', async () => {
    const r = await run(
      lines(
        `=2025-26,pathway,${pw1},enrolled,all,1`,
        `2025-26,+pathway,${pw1},enrolled,all,1`,
        `2025-26,pathway,@${pw1},enrolled,all,1`,
        `2025-26,pathway,${pw1},-enrolled,all,1`,
        `2025-26,pathway,${pw1},enrolled,"\tall",1`,
        `2025-26,pathway,${pw1},enrolled,"\rall",1`,
        `2025-26,pathway,${pw1},enrolled,all," =SUM(A1:A9)"`,
        `2025-26,pathway,${pw1},enrolled,all,-3`,
      ),
    );
    expect(errorsOf(r)).toEqual([
      [2, 1, 'formula'],
      [3, 2, 'formula'],
      [4, 3, 'formula'],
      [5, 4, 'formula'],
      [6, 5, 'formula'],
      [7, 5, 'formula'],
      [8, 6, 'formula'],
      [9, 6, 'negative_count'],
    ]);
  });

  it('stops at the size limit without reading further', async () => {
    let pulled = 0;
    let closed = false;
    async function* endless() {
      try {
        yield HEADER + '\n';
        for (;;) {
          pulled++;
          yield `2025-26,pathway,${pw1},enrolled,all,${pulled}\n`; // duplicates, reported until the limit
        }
      } finally {
        closed = true;
      }
    }
    const r = await validateOutcomeCsv(endless(), options({ maxBytes: 10_000 }));
    expect(errorsOf(r)[0]).toEqual([null, null, 'too_large']);
    expect(closed).toBe(true);
    expect(pulled).toBeLessThan(200);
  });

  it('stops at the row limit', async () => {
    const rows = Array.from(
      { length: 6 },
      (_, i) => `2025-26,pathway,${pw1},enrolled,${['all', 'white', 'asian', 'filipino', 'gender_male', 'gender_female'][i]},50`,
    );
    expect(errorsOf(await run(lines(...rows), { maxRows: 5 }))).toEqual([[7, null, 'too_many_rows']]);
    expect((await run(lines(...rows.slice(0, 5)), { maxRows: 5 })).ok).toBe(false); // consistency: families exceed all
  });
});

describe('bad values', () => {
  it('reports each bad field with its row and column', async () => {
    const r = await run(
      lines(
        `2025-2026,pathway,${pw1},enrolled,all,1`,
        `2025-26,school,${pw1},enrolled,all,1`,
        `2025-26,pathway,${foreign},enrolled,all,1`,
        `2025-26,pathway,not-an-id,enrolled,all,1`,
        `2025-26,district,${newId('district')},enrolled,all,1`,
        `2025-26,pathway,${pw1},graduation_rate,all,1`,
        `2025-26,pathway,${pw1},enrolled,martians,1`,
        `2025-26,pathway,${pw1},enrolled,all,12.0`,
        `2025-26,pathway,${pw1},enrolled,all,3000000`,
        `2025-26,pathway,${pw1},enrolled,all,`,
        `2024-25,pathway,${pw2},enrolled,all,1`,
      ),
    );
    expect(errorsOf(r)).toEqual([
      [2, 1, 'invalid_school_year'],
      [3, 2, 'unknown_entity_type'],
      [4, 3, 'pathway_not_in_district'],
      [5, 3, 'invalid_entity_id'],
      [6, 3, 'wrong_district'],
      [7, 4, 'unknown_metric'],
      [8, 5, 'unknown_group'],
      [9, 6, 'not_integer'],
      [10, 6, 'count_too_large'],
      [11, 6, 'missing_value'],
      [12, 1, 'mixed_school_years'],
    ]);
    if (!r.ok) {
      expect(r.errors[0]!.message).toBe('"2025-2026" is not a school year; write it as 2025-26');
      expect(r.errors[0]!.field).toBe('school_year');
      expect(r.errors.at(-1)!.message).toBe('school year 2024-25 differs from 2025-26 (row 3); a file holds one school year');
    }
  });

  it('reports a duplicate row with the row it repeats', async () => {
    const r = await run(
      lines(`2025-26,pathway,${pw1},enrolled,all,12`, `2025-26,pathway,${pw2},enrolled,all,12`, `2025-26,pathway,${pw1},Enrolled,all,13`),
    );
    expect(errorsOf(r)).toEqual([[4, null, 'duplicate_row']]);
    expect(!r.ok && r.errors[0]!.message).toBe('enrolled / all for this pathway is already given in row 2');
  });

  it('caps the error list and counts the rest', async () => {
    const rows = Array.from({ length: 1500 }, () => `2025-26,pathway,${pw1},enrolled,all,x`);
    const r = await run(lines(...rows));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1000);
    expect(r.moreErrors).toBe(500);
    expect(r.errors[999]!.row).toBe(1001);
  });
});

describe('consistency across rows', () => {
  it('points impossible counts at the row and the count column', async () => {
    const r = await run(
      lines(
        `2025-26,pathway,${pw1},enrolled,all,100`,
        `2025-26,pathway,${pw1},enrolled,english_learner,101`,
        `2025-26,pathway,${pw1},cohort,all,30`,
        `2025-26,pathway,${pw1},graduated_on_time,all,31`,
        `2025-26,pathway,${pw1},dropped_out,english_learner,2`,
        `2025-26,pathway,${pw2},wbl_awareness,all,10`,
        `2025-26,pathway,${pw2},enrolled,all,5`,
      ),
    );
    expect(errorsOf(r)).toEqual([
      [3, 6, 'group_exceeds_total'],
      [5, 6, 'numerator_exceeds_denominator'],
      [6, 6, 'missing_total'],
      [6, 6, 'missing_denominator'],
      [7, 6, 'numerator_exceeds_denominator'],
    ]);
    expect(!r.ok && r.errors[0]!.message).toBe(`pathway ${pw1}: enrolled/english_learner is 101, more than enrolled/all (100)`);
  });

  it('checks pathways against the district rows', async () => {
    const r = await run(
      lines(
        `2025-26,pathway,${pw1},enrolled,all,100`,
        `2025-26,pathway,${pw2},enrolled,all,100`,
        `2025-26,district,${districtId},enrolled,all,150`,
      ),
    );
    expect(errorsOf(r)).toEqual([[4, 6, 'pathways_exceed_district']]);
  });

  it('skips cross-row checks for an entity with a bad row (no cascade)', async () => {
    const r = await run(
      lines(
        `2025-26,pathway,${pw1},enrolled,al,100`,
        `2025-26,pathway,${pw1},enrolled,english_learner,30`,
        `2025-26,pathway,${pw2},enrolled,english_learner,30`,
      ),
    );
    // pw1's "all" row has a typo: no "missing all" error for pw1, but pw2 is checked.
    expect(errorsOf(r)).toEqual([
      [2, 5, 'unknown_group'],
      [4, 6, 'missing_total'],
    ]);
  });
});

describe('scale', () => {
  it('validates 30,000 rows streamed in 64 KiB chunks', async () => {
    const pathways = Array.from({ length: 1000 }, () => newId('pathway'));
    const groups = { all: 1, hispanic_latino: 1 / 3, white: 1 / 3, asian: 1 / 3, gender_female: 1 / 2, gender_male: 1 / 2 };
    const metrics = { enrolled: 200, cohort: 50, graduated_on_time: 40, dropped_out: 5, wbl_awareness: 100 };
    const rows: string[] = [];
    for (const p of pathways) {
      for (const [m, v] of Object.entries(metrics)) {
        for (const [g, share] of Object.entries(groups)) rows.push(`2025-26,pathway,${p},${m},${g},${Math.floor(v * share)}`);
      }
    }
    const r = await run(lines(...rows), { pathwayIdsOfDistrict: new Set(pathways), maxBytes: 10_000_000, maxRows: 100_000 });
    expect(r.ok).toBe(true);
    expect(r.dataRows).toBe(30_000);
    expect(r.ok && r.reports).toHaveLength(1000);
  });
});

describe('the worked example in docs/outcome-csv-template.md', () => {
  it('is valid and is suppressed as the page says', async () => {
    const { readFileSync } = await import('node:fs');
    const { suppressYear } = await import('#core/outcomes/suppression.ts');
    const doc = readFileSync(new URL('../../../../docs/outcome-csv-template.md', import.meta.url), 'utf8');
    const example = doc.split('## Worked example')[1]!.split('```csv\n')[1]!.split('```')[0]!;
    const pathwayId = 'pw_01JD3X7K9Q2M4N6P8R0S1T2V3W';
    const district = 'dst_01JD3X7K9Q2M4N6P8R0S1T2V3X';
    const r = await validateOutcomeCsv(chunked(example), {
      districtId: district,
      pathwayIdsOfDistrict: new Set([pathwayId]),
      maxBytes: 100_000,
      maxRows: 100,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const counts = (kind: string) => r.reports.find((x) => x.entity.kind === kind)!.counts;
    const view = suppressYear({
      districts: [{ districtId: district, counts: counts('district'), pathways: [{ pathwayId, counts: counts('pathway') }] }],
    }).pathways.get(pathwayId)!;
    expect(view).toEqual({
      enrolled: {
        all: { value: 212 },
        english_learner: { value: 38 },
        gender_female: { value: 104 },
        gender_male: { value: 101 },
        gender_nonbinary: { suppressed: true, reason: 'privacy' },
        gender_not_reported: { suppressed: true, reason: 'privacy' },
      },
      cohort: { all: { value: 51 }, english_learner: { suppressed: true, reason: 'privacy' } },
      graduated_on_time: { all: { suppressed: true, reason: 'privacy' }, english_learner: { suppressed: true, reason: 'privacy' } },
      wbl_preparation: { all: { value: 66 } },
    });
  });
});
