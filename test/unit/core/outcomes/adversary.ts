/**
 * The insider adversary of docs/outcomes.md ("Who is protected from whom"), as a linear
 * program.
 *
 * A reader sees every published figure of a school year (the union of every public view:
 * each district's and pathway's cells, the network sums and rate bases; a withheld cell
 * says only that it is withheld) and knows every raw count of the districts and pathways
 * they belong to.
 * For each count of someone else that is at most the threshold, the LP finds the smallest
 * and largest value consistent with all of that:
 *
 *   variables    every raw cell of every district and pathway report (≥ 0)
 *   published    a shown cell equals its value (a withheld one says nothing more: published
 *                cells carry no reason, see model.ts); the same for network sums (Σ over the
 *                pathways reporting the cell) and rate bases
 *   own data     the reader's cells equal their raw values
 *   arithmetic   within a report: a partition family adds up to at most `all` (exactly, when
 *                the true remainder is 0: a reader may assume a complete family), a subset
 *                group ≤ all, numerator ≤ denominator, exclusive outcomes ≤ their shared
 *                denominator; across reports: a district's pathways add up to at most the
 *                district
 *
 * Integer relaxation: the LP bounds enclose the integer ones, so the check is sound for the
 * attacks it models (an LP minimum above 0 means every integer solution is ≥ 1).
 *
 * Disclosure ("pinned"): a protected quantity (true value 1..T, not the reader's) whose LP
 * interval excludes 0 (min > 0, so every integer solution is ≥ 1: the reader knows the group
 * is not empty) and is narrow: max − min ≤ T. Inside [1, T] is the plain case; exact
 * disclosure is min = max. A withheld zero is protected too (the module's "a zero is a small cell"): its
 * LP maximum must be above 0. A complement remainder of someone else's report (e.g. that
 * pathway's non-graduates, its students outside a subset group, a district's students
 * outside its pathways) with true value 1..T is pinned in the same way.
 */
import { solve, type Constraint, type Model } from 'yalps';
import {
  EXCLUSIVE_OUTCOMES,
  NUMERATOR_METRICS,
  PARTITION_FAMILIES,
  SUBSET_GROUPS,
  denominatorOf,
  type Metric,
  type StudentGroup,
} from '#core/outcomes/codes.ts';
import { entriesOf, isSuppressed, type Cell, type CountView, type OutcomeCounts } from '#core/outcomes/model.ts';
import { cellId, type PublicYear, type YearInput } from '#core/outcomes/suppression.ts';

export type DistrictInput = YearInput['districts'][number];

/** Two districts' reports as in the issue: Y's pathway C has 4 non-binary students, X's pathway A 11. */
export const reproduction: DistrictInput[] = [
  {
    districtId: 'dst_Y',
    pathways: [{ pathwayId: 'pw_C', counts: { enrolled: { all: 100, gender_female: 50, gender_male: 46, gender_nonbinary: 4 } } }],
  },
  {
    districtId: 'dst_X',
    pathways: [{ pathwayId: 'pw_A', counts: { enrolled: { all: 100, gender_female: 50, gender_male: 39, gender_nonbinary: 11 } } }],
  },
];

/**
 * Three districts: X's pathway A and Y's pathway B have 11 and 12 non-binary students (withheld
 * beside their 5 and 6 male students), Z's pathway C has 4. Under the single-insider rules the
 * network showed 27 non-binary students: X alone or Y alone is left with 16 or 15 unknown,
 * but a person with roles in both subtracts 11 + 12 and reads C's 4.
 */
export const twoDistrictAttack: DistrictInput[] = [
  {
    districtId: 'dst_X',
    pathways: [{ pathwayId: 'pw_A', counts: { enrolled: { all: 100, gender_female: 84, gender_male: 5, gender_nonbinary: 11 } } }],
  },
  {
    districtId: 'dst_Y',
    pathways: [{ pathwayId: 'pw_B', counts: { enrolled: { all: 120, gender_female: 102, gender_male: 6, gender_nonbinary: 12 } } }],
  },
  {
    districtId: 'dst_Z',
    pathways: [{ pathwayId: 'pw_C', counts: { enrolled: { all: 100, gender_female: 50, gender_male: 46, gender_nonbinary: 4 } } }],
  },
];

/**
 * null: an outsider (anyone signed in); else a district's data contact, a pathway's team, or
 * a coalition: one person knowing every raw count of several districts and pathways.
 */
export type Reader =
  | null
  | { kind: 'district'; districtId: string }
  | { kind: 'pathway'; pathwayId: string }
  | { kind: 'coalition'; districtIds: readonly string[]; pathwayIds: readonly string[] };

export interface Disclosure {
  /** `pathway:<id>|metric|group`, `district:<id>|…`, or `rem:<relation>` for a remainder. */
  what: string;
  value: number;
  min: number;
  max: number;
}

type Term = [string, number];
const EPS = 1e-6;

interface Entity {
  key: string;
  counts: OutcomeCounts;
  view: CountView;
  districtId: string;
}

class Lp {
  private readonly constraints = new Map<string, Constraint>();
  private readonly coefs = new Map<string, Map<string, number>>();
  private n = 0;

  variable(name: string): void {
    if (!this.coefs.has(name)) this.coefs.set(name, new Map());
  }

  add(terms: readonly Term[], bound: Constraint): void {
    const name = `c${this.n++}`;
    this.constraints.set(name, bound);
    for (const [x, c] of terms) {
      this.variable(x);
      const m = this.coefs.get(x)!;
      m.set(name, (m.get(name) ?? 0) + c);
    }
  }

  /** min or max of Σ terms (±Infinity when unbounded); throws when infeasible (the truth is always feasible). */
  optimum(terms: readonly Term[], direction: 'minimize' | 'maximize'): number {
    const obj = new Map(terms);
    const variables = new Map<string, Map<string, number>>();
    for (const [x, m] of this.coefs) {
      const c = obj.get(x);
      variables.set(x, c === undefined ? m : new Map([...m, ['__obj', c]]));
    }
    const model: Model<string, string> = { direction, objective: '__obj', constraints: this.constraints, variables };
    const out = solve(model, { precision: 1e-9 });
    if (out.status === 'unbounded') return direction === 'maximize' ? Infinity : -Infinity;
    if (out.status !== 'optimal') throw new Error(`LP ${direction} ${JSON.stringify(terms)}: ${out.status}`);
    return out.result;
  }
}

function boundOf(cell: Cell): Constraint | null {
  return isSuppressed(cell) ? null : { equal: cell.value };
}

/**
 * Every protected count of someone else that `reader` can pin, for one school year
 * (years share no students, so no relation ties them: the joint LP splits into one per year).
 */
export function insiderDisclosures(year: readonly DistrictInput[], published: PublicYear, reader: Reader, threshold: number): Disclosure[] {
  const lp = new Lp();
  const entities: Entity[] = [];
  const pathways: Entity[] = [];
  /**
   * Quantities the reader must not pin. `assumable`: a family's uncounted students, whose
   * zero a reader may assume (nothing to protect when there are none).
   */
  type Quantity = { what: string; terms: Term[]; value: number; entity: string; assumable?: boolean };
  // A district's students outside its pathways (after the reports' own remainders).
  const outsidePathways: Quantity[] = [];
  for (const d of year) {
    const own: Entity[] = [];
    for (const p of d.pathways) {
      const e = { key: `pathway:${p.pathwayId}`, counts: p.counts, view: published.pathways.get(p.pathwayId)!, districtId: d.districtId };
      entities.push(e);
      pathways.push(e);
      own.push(e);
    }
    if (d.counts) {
      const district = {
        key: `district:${d.districtId}`,
        counts: d.counts,
        view: published.districts.get(d.districtId)!,
        districtId: d.districtId,
      };
      entities.push(district);
      // A district's pathways add up to at most the district; the rest is its students
      // outside them.
      for (const [m, groups] of entriesOf(d.counts)) {
        for (const [g, value] of entriesOf(groups)) {
          const inPathways = own.filter((p) => p.counts[m]?.[g] !== undefined);
          if (!inPathways.length) continue;
          const parts = inPathways.map((p): Term => [cellId(p.key, m, g), 1]);
          lp.add([...parts, [cellId(district.key, m, g), -1]], { max: 0 });
          outsidePathways.push({
            what: `rem:${district.key}|${m}|${g}−pathways`,
            terms: [[cellId(district.key, m, g), 1], ...parts.map(([x]): Term => [x, -1])],
            value: value - inPathways.reduce((s, p) => s + p.counts[m]![g]!, 0),
            entity: district.key,
          });
        }
      }
    }
  }
  const ownDistricts =
    reader === null ? [] : reader.kind === 'district' ? [reader.districtId] : reader.kind === 'coalition' ? reader.districtIds : [];
  const ownPathways =
    reader === null ? [] : reader.kind === 'pathway' ? [reader.pathwayId] : reader.kind === 'coalition' ? reader.pathwayIds : [];
  const knows = (e: Entity) => ownDistricts.includes(e.districtId) || ownPathways.some((p) => e.key === `pathway:${p}`);

  const remainders: Quantity[] = [];
  for (const e of entities) {
    for (const [m, groups] of entriesOf(e.counts)) {
      for (const [g, value] of entriesOf(groups)) {
        const x = cellId(e.key, m, g);
        lp.variable(x);
        const cell = e.view[m]?.[g];
        if (!cell) throw new Error(`${x} is missing from the public view`);
        const shown = knows(e) ? { equal: value } : boundOf(cell);
        if (shown) lp.add([[x, 1]], shown);
      }
      // Arithmetic within the report.
      const all = groups.all;
      if (all === undefined) continue;
      for (const family of PARTITION_FAMILIES) {
        const parts = family.groups.filter((g) => groups[g] !== undefined);
        if (!parts.length) continue;
        const uncounted = all - parts.reduce((s, g) => s + groups[g]!, 0);
        const terms: Term[] = [[cellId(e.key, m, 'all'), 1], ...parts.map((g): Term => [cellId(e.key, m, g), -1])];
        lp.add(terms, uncounted === 0 ? { equal: 0 } : { min: 0 });
        remainders.push({ what: `rem:${e.key}|${m}|${family.id}-uncounted`, terms, value: uncounted, entity: e.key, assumable: true });
      }
      for (const g of SUBSET_GROUPS) {
        if (groups[g] === undefined) continue;
        const terms: Term[] = [
          [cellId(e.key, m, 'all'), 1],
          [cellId(e.key, m, g), -1],
        ];
        lp.add(terms, { min: 0 });
        remainders.push({ what: `rem:${e.key}|${m}|all−${g}`, terms, value: all - groups[g], entity: e.key });
      }
    }
    for (const n of NUMERATOR_METRICS) {
      const d = denominatorOf(n);
      for (const [g, num] of entriesOf(e.counts[n] ?? {})) {
        const den = e.counts[d]?.[g];
        if (den === undefined) continue;
        const terms: Term[] = [
          [cellId(e.key, d, g), 1],
          [cellId(e.key, n, g), -1],
        ];
        lp.add(terms, { min: 0 });
        remainders.push({ what: `rem:${e.key}|${d}−${n}|${g}`, terms, value: den - num, entity: e.key });
      }
    }
    for (const rule of EXCLUSIVE_OUTCOMES) {
      for (const [g, den] of entriesOf(e.counts[rule.denominator] ?? {})) {
        const vals = rule.parts.map((p) => e.counts[p]?.[g]);
        if (vals.some((x) => x === undefined)) continue;
        const terms: Term[] = [[cellId(e.key, rule.denominator, g), 1], ...rule.parts.map((p): Term => [cellId(e.key, p, g), -1])];
        lp.add(terms, { min: 0 });
        remainders.push({
          what: `rem:${e.key}|${rule.denominator}−outcomes|${g}`,
          terms,
          value: den - (vals as number[]).reduce((a, b) => a + b, 0),
          entity: e.key,
        });
      }
    }
  }
  remainders.push(...outsidePathways);

  // Network sums and rate bases, over the pathways that report each cell.
  const net = published.network;
  if (net) {
    for (const [m, groups] of entriesOf(net.counts)) {
      for (const [g, cell] of entriesOf(groups)) {
        const terms = pathways.filter((p) => p.counts[m]?.[g] !== undefined).map((p): Term => [cellId(p.key, m, g), 1]);
        const bound = boundOf(cell);
        if (bound) lp.add(terms, bound);
      }
    }
    for (const n of NUMERATOR_METRICS) {
      const d = denominatorOf(n);
      for (const [g, cell] of entriesOf(net.rateBases[n] ?? {})) {
        const terms = pathways
          .filter((p) => p.counts[n]?.[g] !== undefined && p.counts[d]?.[g] !== undefined)
          .map((p): Term => [cellId(p.key, d, g), 1]);
        const bound = boundOf(cell);
        if (bound) lp.add(terms, bound);
      }
    }
  }

  // What the reader must not pin: each count of someone else, and each complement
  // remainder of someone else's report. A pathway's team counts its own students in its
  // district's figures, so there the protected quantity is the district's figure minus the
  // team's own part (the rest of the district), when the team's pathway reports those cells
  // (for a coalition with several pathways of a district: minus each that reports them).
  const protectedQuantities: Quantity[] = [];
  for (const e of entities) {
    for (const [m, groups] of entriesOf(e.counts)) {
      for (const [g, value] of entriesOf(groups))
        protectedQuantities.push({ what: cellId(e.key, m, g), terms: [[cellId(e.key, m, g), 1]], value, entity: e.key });
    }
  }
  protectedQuantities.push(...remainders);
  const ownPathwayEntities = entities.filter((e) => ownPathways.some((p) => e.key === `pathway:${p}`));
  const valueOf = (x: string) => {
    const [key, m, g] = x.split('|') as [string, Metric, StudentGroup];
    return entities.find((e) => e.key === key)?.counts[m]?.[g];
  };

  const out: Disclosure[] = [];
  for (const q of protectedQuantities) {
    const owner = entities.find((e) => e.key === q.entity)!;
    if (knows(owner)) continue;
    let { terms, value } = q;
    for (const ownPathway of ownPathwayEntities) {
      if (owner.key !== `district:${ownPathway.districtId}` || !q.terms.every(([x]) => x.startsWith(`${owner.key}|`))) continue;
      const mine = q.terms.map(([x, c]): Term => [x.replace(owner.key, ownPathway.key), -c]);
      if (mine.every(([x]) => valueOf(x) !== undefined)) {
        terms = [...terms, ...mine];
        value += mine.reduce((s, [x, c]) => s + c * valueOf(x)!, 0);
      }
    }
    if (value > threshold) continue;
    if (value >= 1) {
      const min = lp.optimum(terms, 'minimize');
      if (min <= EPS) continue;
      const max = lp.optimum(terms, 'maximize');
      if (max - min <= threshold + EPS) out.push({ what: q.what, value, min, max });
    } else if (!q.assumable) {
      // A withheld zero is a small cell too: the reader must not be able to rule out a
      // student. (A family's zero uncounted students may be assumed: nothing to protect.)
      const max = lp.optimum(terms, 'maximize');
      if (max < 1 - EPS) out.push({ what: q.what, value, min: 0, max });
    }
  }
  return out;
}
