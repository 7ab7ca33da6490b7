import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EXCLUSIVE_OUTCOMES,
  GENDER_GROUPS,
  NUMERATOR_METRICS,
  RACE_GROUPS,
  SUBSET_GROUPS,
  denominatorOf,
  type Metric,
  type StudentGroup,
} from '#core/outcomes/codes.ts';
import { entriesOf, isSuppressed, type Cell, type CountView, type OutcomeCounts } from '#core/outcomes/model.ts';
import {
  findDisclosures,
  suppressCells,
  suppressReport,
  suppressYear,
  type AdditiveRelation,
  type Insiders,
  type SuppressionConfig,
  type PublicYear,
} from '#core/outcomes/suppression.ts';
import { evaluateEquity } from '#core/outcomes/equity.ts';
import { aggregateNetwork, ratesOf } from '#core/outcomes/rates.ts';
import { reproduction } from './adversary.ts';
import { districtYearArb, type DistrictYear } from './population.ts';

const hidden = (cell: Cell | undefined) => cell !== undefined && isSuppressed(cell);
const shown = (cell: Cell | undefined) => (cell && !isSuppressed(cell) ? cell.value : undefined);

describe('one report', () => {
  it('hides small cells (zero included), with an explicit reason, and shows large ones', () => {
    const view = suppressReport({
      enrolled: { all: 120, english_learner: 30, students_with_disabilities: 0 },
      cohort: { all: 40, english_learner: 15 },
      dropped_out: { all: 12, english_learner: 3 },
    });
    expect(view.enrolled!.all).toEqual({ value: 120 });
    expect(view.enrolled!.students_with_disabilities).toEqual({ suppressed: true, reason: 'privacy' });
    expect(view.dropped_out!.english_learner).toEqual({ suppressed: true, reason: 'privacy' });
    // 12 = 3 + 9 non-EL dropouts: with the 3 hidden, the reader has two unknowns, so the
    // total can stay (neither 3 nor the small 9 follows from it).
    expect(view.dropped_out!.all).toEqual({ value: 12 });
  });

  it('hides a numerator whose complement is small (non-graduates), keeping the larger denominator', () => {
    const view = suppressReport({ cohort: { all: 50 }, graduated_on_time: { all: 47 } });
    expect(view.graduated_on_time!.all).toEqual({ suppressed: true, reason: 'privacy' });
    expect(view.cohort!.all).toEqual({ value: 50 });
    expect(ratesOf(view).graduated_on_time!.all!.rate).toEqual({ suppressed: true, reason: 'privacy' });
  });

  it('hides one more group of a partition when a single one is small: the smallest other', () => {
    const view = suppressReport({ enrolled: { all: 115, hispanic_latino: 80, white: 30, asian: 5 } });
    expect(view.enrolled).toEqual({
      all: { value: 115 },
      hispanic_latino: { value: 80 },
      white: { suppressed: true, reason: 'privacy' },
      asian: { suppressed: true, reason: 'privacy' },
    });
  });

  it('does not let hidden cells add up to zero under a shown total', () => {
    const view = suppressReport({
      enrolled: { all: 115, gender_female: 60, gender_male: 55, gender_nonbinary: 0, gender_not_reported: 0 },
    });
    // Two hidden zeros under 115 = 60 + 55 + ? + ?: non-negativity would reveal both.
    expect(view.enrolled!.gender_male).toEqual({ suppressed: true, reason: 'privacy' });
    expect(view.enrolled!.gender_female).toEqual({ value: 60 });
  });

  it('protects students left out of a family (1 to threshold) but not a complete family', () => {
    const incomplete = suppressReport({ enrolled: { all: 100, hispanic_latino: 60, white: 36 } }); // 4 uncounted
    expect(hidden(incomplete.enrolled!.white)).toBe(true);
    const complete = suppressReport({ enrolled: { all: 96, hispanic_latino: 60, white: 36 } });
    expect(Object.values(complete.enrolled!).every((c) => !isSuppressed(c))).toBe(true);
  });

  it('protects students outside a subset group ("all 40 students are socioeconomically disadvantaged")', () => {
    const view = suppressReport({ enrolled: { all: 40, socioeconomically_disadvantaged: 40 } });
    expect(hidden(view.enrolled!.all) || hidden(view.enrolled!.socioeconomically_disadvantaged)).toBe(true);
  });

  it('rejects a negative or fractional threshold', () => {
    expect(() => suppressReport({ enrolled: { all: 5 } }, { threshold: -1 })).toThrow(RangeError);
    expect(() => suppressReport({ enrolled: { all: 5 } }, { threshold: 2.5 })).toThrow(RangeError);
  });
});

describe('the exact audit', () => {
  // A 4×4 table with margins: suppressed cells form two 2×2 cycles joined by one bridge
  // cell. Every row and column has two or more suppressed cells, yet the bridge cell equals
  // (rows 1+2) − (columns 1+2) of the unknowns: recoverable.
  const values = new Map<string, number>();
  const relations: AdditiveRelation[] = [];
  const grid = [
    [20, 21, 30, 31],
    [22, 23, 24, 32],
    [33, 34, 25, 26],
    [35, 36, 27, 28],
  ];
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) values.set(`c${r}${c}`, grid[r]![c]!);
    values.set(
      `row${r}`,
      grid[r]!.reduce((a, b) => a + b, 0),
    );
    relations.push({ total: `row${r}`, parts: [0, 1, 2, 3].map((c) => `c${r}${c}`), remainder: 'uncounted' });
  }
  for (let c = 0; c < 4; c++) {
    values.set(
      `col${c}`,
      grid.reduce((a, row) => a + row[c]!, 0),
    );
    relations.push({ total: `col${c}`, parts: [0, 1, 2, 3].map((r) => `c${r}${c}`), remainder: 'uncounted' });
  }
  const bridgePattern = new Map(['c00', 'c01', 'c10', 'c11', 'c22', 'c23', 'c32', 'c33', 'c12'].map((id) => [id, 'complementary']));

  it('finds a cell on a bridge between blocks of suppressed cells', () => {
    expect(findDisclosures(values, relations, bridgePattern).disclosedCells).toEqual(['c12']);
    const withoutBridge = new Map([...bridgePattern].filter(([id]) => id !== 'c12'));
    expect(findDisclosures(values, relations, withoutBridge).disclosedCells).toEqual([]);
  });

  it('finds a single suppressed cell and a small remainder left alone', () => {
    expect(findDisclosures(values, relations, new Map([['c00', 'small_cell']])).disclosedCells).toEqual(['c00']);
    const v = new Map([
      ['t', 50],
      ['p', 47],
    ]);
    const rel: AdditiveRelation[] = [{ total: 't', parts: ['p'], remainder: 'complement' }];
    expect(findDisclosures(v, rel, new Map()).disclosedRemainders).toEqual([0]);
    expect(findDisclosures(v, rel, new Map([['p', 'complementary']])).disclosedRemainders).toEqual([]);
  });

  it('suppressCells leaves no disclosure when the grid has small cells', () => {
    const small = new Map(values);
    small.set('c00', 3);
    small.set('c12', 4);
    small.set(
      'row0',
      [3, 21, 30, 31].reduce((a, b) => a + b),
    );
    small.set(
      'row1',
      [22, 23, 4, 32].reduce((a, b) => a + b),
    );
    small.set('col0', 3 + 22 + 33 + 35);
    small.set('col2', 30 + 4 + 25 + 27);
    const pattern = suppressCells(small, relations);
    expect(pattern.suppressed.get('c00')).toBe('small_cell');
    expect(findDisclosures(small, relations, pattern.suppressed)).toEqual({
      disclosedCells: [],
      disclosedRemainders: [],
      disclosedToInsiders: [],
      unauditedUnknowns: 0,
    });
  });
});

describe('a district year', () => {
  it('protects the district students outside its pathways', () => {
    const out = suppressYear({
      districts: [
        {
          districtId: 'dst_A',
          counts: { enrolled: { all: 400, english_learner: 35 } },
          pathways: [{ pathwayId: 'pw_1', counts: { enrolled: { all: 150, english_learner: 30 } } }],
        },
      ],
    });
    // 35 − 30 = 5 English learners outside the pathway: one of the two must be hidden.
    const d = out.districts.get('dst_A')!.enrolled!.english_learner;
    const p = out.pathways.get('pw_1')!.enrolled!.english_learner;
    expect(hidden(d) || hidden(p)).toBe(true);
    expect(shown(out.districts.get('dst_A')!.enrolled!.all)).toBe(400);
  });

  it('gives the same pattern whatever the input order', () => {
    const pathways = [
      { pathwayId: 'pw_2', counts: { enrolled: { all: 60, white: 8, asian: 30, hispanic_latino: 22 } } },
      { pathwayId: 'pw_1', counts: { enrolled: { all: 70, white: 40, asian: 12, hispanic_latino: 18 } } },
    ];
    const a = suppressYear({ districts: [{ districtId: 'dst_A', pathways }], network: true });
    const b = suppressYear({ districts: [{ districtId: 'dst_A', pathways: [...pathways].reverse() }], network: true });
    expect(JSON.stringify(a, mapReplacer)).toBe(JSON.stringify(b, mapReplacer));
  });

  it("withholds a network total whose withheld part is one district's, not a second pathway cell (rule 4a)", () => {
    const out = suppressYear({
      districts: [
        {
          districtId: 'dst_A',
          pathways: [
            { pathwayId: 'pw_1', counts: { enrolled: { all: 100, english_learner: 4 } } },
            { pathwayId: 'pw_2', counts: { enrolled: { all: 100, english_learner: 40 } } },
            { pathwayId: 'pw_3', counts: { enrolled: { all: 100, english_learner: 50 } } },
          ],
        },
      ],
      network: true,
    });
    // 94 − 40 − 50 = 4 if the total were shown; with it withheld the two larger cells stay.
    expect(out.network!.counts.enrolled!.english_learner).toEqual({ suppressed: true, reason: 'privacy' });
    expect(shown(out.pathways.get('pw_2')!.enrolled!.english_learner)).toBe(40);
    expect(shown(out.pathways.get('pw_3')!.enrolled!.english_learner)).toBe(50);
  });
});

describe('insiders (readers who know their own counts)', () => {
  // total = a + c exactly (a complete family): a is district X's cell, c district Y's.
  const values = new Map([
    ['total', 15],
    ['a', 11],
    ['c', 4],
  ]);
  const relations: AdditiveRelation[] = [{ total: 'total', parts: ['a', 'c'], remainder: 'uncounted' }];
  const insiders: Insiders = {
    knownBy: new Map([
      ['a', ['X']],
      ['c', ['Y']],
    ]),
    contributorOf: new Map([
      ['a', 'X'],
      ['c', 'Y'],
    ]),
  };

  it("the issue: hiding X's 11 protects Y's 4 from outsiders only; the total is withheld instead", () => {
    const outsiders = suppressCells(values, relations);
    expect([...outsiders.suppressed.keys()].sort()).toEqual(['a', 'c']);
    expect(findDisclosures(values, relations, outsiders.suppressed).disclosedCells).toEqual([]);
    // Each district subtracts its own cell from the shown total and gets the other's.
    expect(findDisclosures(values, relations, outsiders.suppressed, {}, insiders).disclosedToInsiders).toEqual([
      { reader: 'X', cells: ['c'], remainders: [] },
      { reader: 'Y', cells: ['a'], remainders: [] },
    ]);
    const pattern = suppressCells(values, relations, {}, insiders);
    expect(pattern.suppressed.has('total')).toBe(true);
    expect(findDisclosures(values, relations, pattern.suppressed, {}, insiders).disclosedToInsiders).toEqual([]);
  });

  it('the exact audit runs per insider: own cells known, chains followed', () => {
    // t1 = a + b, t2 = b + c: nothing follows for outsiders; X, who knows a, gets b then c.
    const v = new Map([
      ['t1', 40],
      ['t2', 40],
      ['a', 20],
      ['b', 20],
      ['c', 20],
    ]);
    const rels: AdditiveRelation[] = [
      { total: 't1', parts: ['a', 'b'], remainder: 'uncounted' },
      { total: 't2', parts: ['b', 'c'], remainder: 'uncounted' },
    ];
    const hidden = new Map(['a', 'b', 'c'].map((id) => [id, 'complementary']));
    const who: Insiders = {
      knownBy: new Map([
        ['a', ['X']],
        ['b', ['Y']],
        ['c', ['Z']],
      ]),
      contributorOf: new Map(),
    };
    const found = findDisclosures(v, rels, hidden, {}, who);
    expect(found.disclosedCells).toEqual([]);
    expect(found.disclosedToInsiders.map((d) => ({ ...d, cells: [...d.cells].sort() }))).toEqual([
      { reader: 'X', cells: ['b', 'c'], remainders: [] },
      { reader: 'Y', cells: ['a', 'c'], remainders: [] },
      { reader: 'Z', cells: ['a', 'b'], remainders: [] },
    ]);
  });

  const network = (shares: [string, number][], shown = 100, config: SuppressionConfig = {}) => {
    const v = new Map<string, number>([
      ['N', shares.reduce((s, [, x]) => s + x, 0) + shown],
      ['big', shown],
    ]);
    const contributorOf = new Map<string, string>([['big', 'dBig']]);
    const knownBy = new Map<string, readonly string[]>([['big', ['dBig']]]);
    shares.forEach(([d, x], i) => {
      v.set(`p${i}`, x);
      contributorOf.set(`p${i}`, d);
      knownBy.set(`p${i}`, [d]);
    });
    const rels: AdditiveRelation[] = [
      { total: 'N', parts: ['big', ...shares.map((_, i) => `p${i}`)], remainder: 'uncounted', pooled: true },
    ];
    return suppressCells(v, rels, config, { knownBy, contributorOf }).suppressed.has('N');
  };

  it('rule 4a: a network total whose withheld part comes from fewer than 3 districts is withheld', () => {
    expect(
      network([
        ['d1', 4],
        ['d2', 9],
      ]),
    ).toBe(true);
    expect(
      network([
        ['d1', 4],
        ['d1', 9],
        ['d1', 3],
      ]),
    ).toBe(true); // one district, three pathways
    expect(
      network(
        [
          ['d1', 9],
          ['d2', 8],
          ['d3', 7],
        ],
        100,
        { maxCoalition: 1 },
      ),
    ).toBe(false); // 24 − 9 = 15 remain
  });

  it("rule 4b removes the largest maxCoalition districts' shares (default 2)", () => {
    // d1 and d2 together subtract 17 of 24: d3's 7 would be theirs to read.
    expect(
      network([
        ['d1', 9],
        ['d2', 8],
        ['d3', 7],
      ]),
    ).toBe(true);
    expect(
      network([
        ['d1', 9],
        ['d2', 8],
        ['d3', 7],
        ['d4', 6],
      ]),
    ).toBe(false); // 30 − 17 = 13
    expect(
      network(
        [
          ['d1', 9],
          ['d2', 8],
          ['d3', 7],
          ['d4', 6],
        ],
        100,
        { maxCoalition: 3 },
      ),
    ).toBe(true); // 30 − 24 = 6
  });

  it('rejects a maximum coalition below 1', () => {
    expect(() => suppressCells(values, relations, { maxCoalition: 0 })).toThrow(RangeError);
  });

  it("rule 4b: withheld when removing the largest district's withheld share leaves 10 or fewer", () => {
    expect(
      network([
        ['d1', 9],
        ['d2', 4],
        ['d3', 3],
      ]),
    ).toBe(true); // 16 − 9 = 7
    expect(
      network(
        [
          ['d1', 2],
          ['d2', 9],
          ['d3', 2],
        ],
        300,
      ),
    ).toBe(true); // 13 − 9 = 4
  });

  it("rule 4c: a pathway team subtracting its own part of its district's total", () => {
    // District cohort 11 = P 3 + Q 4 + 4 outside the pathways: P's team would learn 8.
    const out = suppressYear({
      districts: [
        {
          districtId: 'dst_A',
          counts: { cohort: { all: 11 } },
          pathways: [
            { pathwayId: 'pw_P', counts: { cohort: { all: 3 } } },
            { pathwayId: 'pw_Q', counts: { cohort: { all: 4 } } },
          ],
        },
      ],
    });
    expect(out.districts.get('dst_A')!.cohort!.all).toEqual({ suppressed: true, reason: 'privacy' });
  });

  it('rejects a minimum of contributors below 1', () => {
    expect(() => suppressCells(values, relations, { minContributors: 0 })).toThrow(RangeError);
  });

  it('outsidersOnly reproduces the old model (the benchmark\'s "before")', () => {
    const input = { districts: reproduction, network: true };
    expect(shown(suppressYear({ ...input, outsidersOnly: true }).network!.counts.enrolled!.gender_nonbinary)).toBe(15);
    const after = suppressYear(input);
    expect(hidden(after.network!.counts.enrolled!.gender_nonbinary)).toBe(true);
    const networkSuppressed = [after.network!.counts, after.network!.rateBases]
      .flatMap((view) => Object.values(view).flatMap((groups) => Object.values(groups)))
      .filter(isSuppressed).length;
    expect(networkSuppressed).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------
// Property: nothing at or below the threshold is ever revealed, directly or by subtraction.
//
// The checker is independent of the implementation: it rebuilds every additive relation a
// reader knows from the codes, treats hidden cells and unknown remainders as unknowns, and
// decides by floating-point Gaussian elimination (the implementation works modulo a prime)
// whether any hidden value or small remainder is a linear function of revealed numbers.

interface Var {
  value: number;
  known: boolean;
  /** Must not be recoverable. */
  protect: boolean;
}
interface Rel {
  total: string;
  parts: string[];
  remainder: string;
}

class Reader {
  readonly vars = new Map<string, Var>();
  readonly rels: Rel[] = [];
  constructor(private readonly threshold: number) {}

  cell(id: string, value: number, cell: Cell): void {
    if (!isSuppressed(cell)) expect(cell.value, id).toBe(value);
    this.vars.set(id, { value, known: !isSuppressed(cell), protect: isSuppressed(cell) });
  }

  relate(total: string, parts: string[], kind: 'complement' | 'uncounted'): void {
    if (!parts.length) return;
    const value = this.vars.get(total)!.value - parts.reduce((s, p) => s + this.vars.get(p)!.value, 0);
    expect(value, `remainder of ${total}`).toBeGreaterThanOrEqual(0);
    const id = `rem#${this.rels.length}`;
    const T = this.threshold;
    this.vars.set(
      id,
      kind === 'complement'
        ? { value, known: false, protect: value <= T }
        : { value, known: value === 0, protect: value >= 1 && value <= T },
    );
    this.rels.push({ total, parts, remainder: id });
  }

  entity(key: string, counts: OutcomeCounts, view: CountView): void {
    for (const [m, groups] of entriesOf(counts)) for (const [g, v] of entriesOf(groups)) this.cell(`${key}|${m}|${g}`, v, view[m]![g]!);
    const id = (m: Metric, g: StudentGroup) => `${key}|${m}|${g}`;
    const has = (m: Metric, g: StudentGroup) => counts[m]?.[g] !== undefined;
    for (const [m, groups] of entriesOf(counts)) {
      if (groups.all === undefined) continue;
      for (const family of [RACE_GROUPS, GENDER_GROUPS]) {
        this.relate(
          id(m, 'all'),
          family.filter((g) => has(m, g)).map((g) => id(m, g)),
          'uncounted',
        );
      }
      for (const g of SUBSET_GROUPS) if (has(m, g)) this.relate(id(m, 'all'), [id(m, g)], 'complement');
    }
    for (const n of NUMERATOR_METRICS) {
      for (const [g] of entriesOf(counts[n] ?? {}))
        if (has(denominatorOf(n), g)) this.relate(id(denominatorOf(n), g), [id(n, g)], 'complement');
    }
    for (const rule of EXCLUSIVE_OUTCOMES) {
      for (const [g] of entriesOf(counts[rule.denominator] ?? {})) {
        if (rule.parts.every((p) => has(p, g)))
          this.relate(
            id(rule.denominator, g),
            rule.parts.map((p) => id(p, g)),
            'complement',
          );
      }
    }
  }

  /** Unknowns whose value follows from the known ones. */
  recoverable(): string[] {
    const unknown = [...this.vars].filter(([, v]) => !v.known).map(([id]) => id);
    const col = new Map(unknown.map((id, i) => [id, i]));
    const rows: Float64Array[] = [];
    for (const r of this.rels) {
      const row = new Float64Array(unknown.length);
      const add = (id: string, c: number) => {
        const j = col.get(id);
        if (j !== undefined) row[j]! += c;
      };
      add(r.total, 1);
      for (const p of r.parts) add(p, -1);
      add(r.remainder, -1);
      if (row.some((x) => x !== 0)) rows.push(row);
    }
    // Reduced row echelon form with partial pivoting.
    const pivotRowOf = new Map<number, Float64Array>();
    let top = 0;
    for (let c = 0; c < unknown.length && top < rows.length; c++) {
      let best = top;
      for (let i = top + 1; i < rows.length; i++) if (Math.abs(rows[i]![c]!) > Math.abs(rows[best]![c]!)) best = i;
      if (Math.abs(rows[best]![c]!) < 1e-9) continue;
      [rows[top], rows[best]] = [rows[best]!, rows[top]!];
      const p = rows[top]!;
      const f = p[c]!;
      for (let j = 0; j < p.length; j++) p[j]! /= f;
      for (let i = 0; i < rows.length; i++) {
        if (i === top) continue;
        const k = rows[i]![c]!;
        if (Math.abs(k) < 1e-12) continue;
        for (let j = 0; j < p.length; j++) rows[i]![j]! -= k * p[j]!;
      }
      pivotRowOf.set(c, p);
      top++;
    }
    // x_c is determined iff its pivot row has no other unknown.
    return unknown.filter((id) => {
      const c = col.get(id)!;
      const row = pivotRowOf.get(c);
      return row !== undefined && row.every((x, j) => j === c || Math.abs(x) < 1e-9);
    });
  }
}

const mapReplacer = (_key: string, value: unknown) => (value instanceof Map ? [...value] : value);

function readerFor(input: DistrictYear, out: PublicYear, threshold: number, network: boolean): Reader {
  const reader = new Reader(threshold);
  for (const p of input.pathways) reader.entity(`P:${p.pathwayId}`, p.counts, out.pathways.get(p.pathwayId)!);
  if (input.district) {
    reader.entity('D', input.district, out.districts.get(input.districtId)!);
    for (const [m, groups] of entriesOf(input.district)) {
      for (const [g] of entriesOf(groups)) {
        const parts = input.pathways.filter((p) => p.counts[m]?.[g] !== undefined).map((p) => `P:${p.pathwayId}|${m}|${g}`);
        reader.relate(`D|${m}|${g}`, parts, 'complement');
      }
    }
  }
  if (network) {
    const agg = aggregateNetwork(input.pathways.map((p) => p.counts));
    reader.entity('N', agg.counts, out.network!.counts);
    for (const [m, groups] of entriesOf(agg.counts)) {
      for (const [g] of entriesOf(groups)) {
        const parts = input.pathways.filter((p) => p.counts[m]?.[g] !== undefined).map((p) => `P:${p.pathwayId}|${m}|${g}`);
        reader.relate(`N|${m}|${g}`, parts, 'uncounted');
      }
    }
    for (const n of NUMERATOR_METRICS) {
      for (const [g, v] of entriesOf(agg.rateBases[n] ?? {})) {
        const id = `B|${n}|${g}`;
        reader.cell(id, v, out.network!.rateBases[n]![g]!);
        const d = denominatorOf(n);
        const parts = input.pathways.filter((p) => p.counts[n]?.[g] !== undefined).map((p) => `P:${p.pathwayId}|${d}|${g}`);
        reader.relate(id, parts, 'uncounted');
        reader.relate(id, [`N|${n}|${g}`], 'complement');
      }
    }
  }
  return reader;
}

/** Every count cell of a JSON response, wherever it sits. */
function revealedCounts(response: unknown, out: number[] = []): number[] {
  if (Array.isArray(response)) for (const x of response) revealedCounts(x, out);
  else if (response && typeof response === 'object') {
    for (const [k, v] of Object.entries(response)) {
      if (
        ['numerator', 'denominator', 'pathwayDenominator', 'districtEnrolled'].includes(k) &&
        v &&
        typeof v === 'object' &&
        'value' in v
      ) {
        out.push((v as { value: number }).value);
      }
      revealedCounts(v, out);
    }
  }
  return out;
}

describe('property: no count at or below the threshold is revealed, directly or by subtraction', () => {
  it('holds for random district years (seeded)', () => {
    fc.assert(
      fc.property(districtYearArb(2, 40), fc.constantFrom(10, 10, 10, 5, 0), fc.boolean(), (input, threshold, network) => {
        const out = suppressYear(
          { districts: [{ districtId: input.districtId, counts: input.district, pathways: input.pathways }], network },
          { threshold },
        );
        expect(out.unauditedUnknowns).toBe(0);
        const reader = readerFor(input, out, threshold, network);

        // 1. Directly: every revealed count is above the threshold.
        for (const [id, v] of reader.vars) if (v.known && !id.startsWith('rem#')) expect(v.value, id).toBeGreaterThan(threshold);

        // 2. Per relation: a hidden cell is never alone, a small remainder never alone, and
        //    hidden cells under a shown total never add up to zero.
        for (const r of reader.rels) {
          const cells = [r.total, ...r.parts];
          const hiddenCells = cells.filter((c) => !reader.vars.get(c)!.known);
          const rem = reader.vars.get(r.remainder)!;
          const unknowns = hiddenCells.length + (rem.known ? 0 : 1);
          if (hiddenCells.length > 0) expect(unknowns, `${r.total} relation`).toBeGreaterThanOrEqual(2);
          if (rem.protect) expect(hiddenCells.length, `${r.total} remainder`).toBeGreaterThanOrEqual(1);
          if (reader.vars.get(r.total)!.known && unknowns > 0) {
            const sum = r.parts.filter((p) => !reader.vars.get(p)!.known).reduce((s, p) => s + reader.vars.get(p)!.value, 0);
            expect(sum + (rem.known ? 0 : rem.value), `${r.total} hidden sum`).toBeGreaterThan(0);
          }
        }

        // 3. By any combination of relations: no protected unknown is determined.
        const leaked = reader.recoverable().filter((id) => reader.vars.get(id)!.protect);
        expect(leaked).toEqual([]);

        // 4. The equity response built on the public views reveals only revealed counts, and
        //    a rate or difference only when what it comes from is revealed.
        if (input.district) {
          for (const p of input.pathways) {
            const response = evaluateEquity(out.pathways.get(p.pathwayId)!, out.districts.get(input.districtId)!);
            for (const v of revealedCounts(response)) expect(v).toBeGreaterThan(threshold);
            for (const c of response.comparisons) {
              if (!isSuppressed(c.differencePp)) {
                expect(isSuppressed(c.pathwayRate) || isSuppressed(c.referenceRate)).toBe(false);
                expect(shown(c.pathwayDenominator)).toBeGreaterThan(threshold);
              }
            }
            for (const row of response.representation) {
              if (!isSuppressed(row.pathwayShare))
                expect(shown(out.pathways.get(p.pathwayId)!.enrolled![row.group])).toBeGreaterThan(threshold);
            }
          }
        }
        for (const view of out.pathways.values()) {
          for (const groups of Object.values(ratesOf(view))) {
            for (const e of Object.values(groups)) {
              if (!isSuppressed(e.rate)) expect(isSuppressed(e.numerator) || isSuppressed(e.denominator)).toBe(false);
            }
          }
        }

        // 5. Not vacuous: with nothing small to protect, nothing is hidden.
        const nothingSmall = [...reader.vars].every(([id, v]) => (id.startsWith('rem#') ? !v.protect : v.value > threshold));
        if (nothingSmall) expect([...reader.vars].filter(([id, v]) => !id.startsWith('rem#') && !v.known)).toEqual([]);
      }),
      { seed: 20251104, numRuns: 200 },
    );
  });
});
