/**
 * The insider adversary (docs/outcomes.md, "Who is protected from whom"): random networks,
 * the figures every non-staff reader can get from the core functions behind each endpoint,
 * and a linear program per reader bounding every small count of someone else.
 *
 * Replay a failure: the seed and path are printed; run with
 *   FC_SEED=<seed> FC_PATH=<path> npx vitest run --project unit test/unit/core/outcomes/adversary.test.ts
 * (FC_RUNS changes the number of runs, default 100; about 0.1 s each).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HEADLINE_METRICS, NUMERATOR_METRICS, denominatorOf, type Metric, type StudentGroup } from '#core/outcomes/codes.ts';
import { evaluateEquity } from '#core/outcomes/equity.ts';
import { headlineOf } from '#core/outcomes/headline.ts';
import { isSuppressed, type Cell, type CountView } from '#core/outcomes/model.ts';
import { countTrend, rateTrend, ratesOf } from '#core/outcomes/rates.ts';
import { coveredByShared, headlineCellsOf, suppressForReader, type Coalition } from '#core/outcomes/coalitions.ts';
import { DEFAULT_MAX_COALITION, cellId, suppressYear, type PublicYear } from '#core/outcomes/suppression.ts';
import { insiderDisclosures, reproduction, twoDistrictAttack, type DistrictInput, type Reader } from './adversary.ts';
import { districtYearArb } from './population.ts';

const T = 10;
const YEARS = ['2024-25', '2025-26'] as const;

const shown = (c: Cell<unknown> | null | undefined) => c !== null && c !== undefined && !isSuppressed(c);

/**
 * Every figure a non-staff reader can get for the years, through the core functions each
 * endpoint uses (store/outcomes.ts stores the views, the handlers derive the rest), with the
 * checks that a derived figure is shown only when every count it comes from is shown; so the
 * LP over the count cells and network sums is everything the reader has.
 */
function checkDerivedFigures(years: readonly { schoolYear: string; input: readonly DistrictInput[]; out: PublicYear }[]) {
  const rateEntriesOk = (rates: ReturnType<typeof ratesOf>) => {
    for (const groups of Object.values(rates)) {
      for (const e of Object.values(groups)) {
        if (shown(e.rate)) expect(shown(e.numerator) && shown(e.denominator)).toBe(true);
      }
    }
  };
  const trendOk = (points: { schoolYear: string; counts: CountView; bases?: Parameters<typeof ratesOf>[1] }[]) => {
    for (const metric of NUMERATOR_METRICS) {
      for (const group of ['all', 'gender_nonbinary', 'english_learner'] as StudentGroup[]) {
        for (const pt of rateTrend(
          points.map((p) => ({ schoolYear: p.schoolYear, rates: ratesOf(p.counts, p.bases) })),
          metric,
          group,
        )) {
          if (shown(pt.rate)) expect(shown(pt.numerator) && shown(pt.denominator)).toBe(true);
          if (pt.changePp && shown(pt.changePp)) expect(shown(pt.rate)).toBe(true);
        }
      }
    }
    for (const metric of ['enrolled', 'cohort'] as Metric[]) {
      for (const group of ['all', 'gender_nonbinary', 'english_learner'] as StudentGroup[]) {
        const pts = countTrend(points, metric, group);
        pts.forEach((pt, i) => {
          if (pt.change && shown(pt.change)) expect(shown(pt.count) && shown(pts[i - 1]!.count)).toBe(true);
        });
      }
    }
  };

  const pathwayViews = new Map<string, { schoolYear: string; counts: CountView }[]>();
  const networkPoints: { schoolYear: string; counts: CountView; bases: Parameters<typeof ratesOf>[1] }[] = [];
  for (const { schoolYear, input, out } of years) {
    for (const d of input) {
      const dv = out.districts.get(d.districtId);
      if (dv) rateEntriesOk(ratesOf(dv)); // district report
      for (const p of d.pathways) {
        const pv = out.pathways.get(p.pathwayId)!;
        rateEntriesOk(ratesOf(pv)); // pathway outcomes
        const list = pathwayViews.get(p.pathwayId) ?? [];
        list.push({ schoolYear, counts: pv });
        pathwayViews.set(p.pathwayId, list);
        // Directory profile / application headline.
        const headline = headlineOf(schoolYear, pv);
        expect(headline.enrolled).toEqual(pv.enrolled?.all ?? null);
        for (const m of HEADLINE_METRICS) {
          const r = headline.rates[m];
          if (r && shown(r)) expect(shown(pv[m]?.all) && shown(pv[denominatorOf(m)]?.all)).toBe(true);
        }
        // Comparison (equity lens), as the handler calls it for non-staff.
        if (dv) {
          const eq = evaluateEquity(pv, dv, { minGroupSize: T + 1 });
          for (const c of eq.comparisons) if (shown(c.differencePp)) expect(shown(c.pathwayRate) && shown(c.referenceRate)).toBe(true);
          for (const r of eq.representation) {
            if (shown(r.pathwayShare)) expect(shown(pv.enrolled?.[r.group]) && shown(pv.enrolled?.all)).toBe(true);
            if (shown(r.districtShare)) expect(shown(dv.enrolled?.[r.group]) && shown(dv.enrolled?.all)).toBe(true);
          }
        }
      }
    }
    if (out.network) {
      networkPoints.push({ schoolYear, counts: out.network.counts, bases: out.network.rateBases });
      rateEntriesOk(ratesOf(out.network.counts, out.network.rateBases)); // network trends
    }
  }
  for (const points of pathwayViews.values()) trendOk(points); // pathway trends
  trendOk(networkPoints); // network trends
}

/** A network: 2–4 districts, 1–2 pathways each, one or two school years (independent students). */
const networkArb = fc
  .record({
    years: fc.array(fc.array(districtYearArb(2, 45), { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 2 }),
    readerPick: fc.nat(),
  })
  .map(({ years, readerPick }) => ({
    years: years.map((districts, y) => ({
      schoolYear: YEARS[y]!,
      input: districts.map((d, i): DistrictInput => ({
        districtId: `dst_${i}`,
        counts: d.district,
        pathways: d.pathways.map((p, j) => ({ pathwayId: `pw_${i}_${j}`, counts: p.counts })),
      })),
    })),
    readerPick,
  }));

/** A person with roles in several places: district roles in `districtIds`, teams `pathwayIds`. */
type Person = { districtIds: string[]; pathwayIds: string[] };

function readersOf(input: readonly DistrictInput[]): (Reader | Person)[] {
  const ids = input.map((d) => d.districtId);
  const pathwaysOf = (i: number) => input[i]!.pathways.map((p) => p.pathwayId);
  const people: Person[] = [];
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      people.push({ districtIds: [ids[i]!, ids[j]!], pathwayIds: [] }); // two districts
      for (let k = j + 1; k < ids.length; k++) people.push({ districtIds: [ids[i]!, ids[j]!, ids[k]!], pathwayIds: [] }); // three
      people.push({ districtIds: [ids[i]!], pathwayIds: [pathwaysOf(j)[0]!] }); // a district and a team elsewhere
      people.push({
        districtIds: [ids[i]!, ids[j]!],
        pathwayIds: input.flatMap((_, k) => (k !== i && k !== j ? [pathwaysOf(k)[0]!] : [])).slice(0, 1),
      });
      people.push({ districtIds: [], pathwayIds: [pathwaysOf(i)[0]!, pathwaysOf(j)[0]!] }); // two teams
    }
  }
  return [
    null,
    ...input.map((d): Reader => ({ kind: 'district', districtId: d.districtId })),
    ...input.flatMap((d) => d.pathways.map((p): Reader => ({ kind: 'pathway', pathwayId: p.pathwayId }))),
    ...people,
  ];
}

const isPerson = (r: Reader | Person): r is Person => r !== null && !('kind' in r);

/** A person's coalition as store/outcomes-readers.ts derives it (core coalitionOf), from a year's districts. */
function coalitionOfPerson(p: Person, input: readonly DistrictInput[]): Coalition {
  const districtOf = (pathwayId: string) => input.find((d) => d.pathways.some((x) => x.pathwayId === pathwayId))!.districtId;
  const narrow = [
    ...p.districtIds.map((d) => `district:${d}`),
    ...p.pathwayIds.filter((x) => !p.districtIds.includes(districtOf(x))).map((x) => `pathway:${x}`),
  ];
  const wide = [...new Set([...p.districtIds, ...p.pathwayIds.map(districtOf)])].map((d) => `district:${d}`);
  return { narrow: [...new Set(narrow)].sort(), wide: wide.sort() };
}

/** The two readings of a person's knowledge (core/outcomes/coalitions.ts): teams only, or their districts whole. */
function readingsOf(p: Person, input: readonly DistrictInput[]): Reader[] {
  const c = coalitionOfPerson(p, input);
  const strip = (units: string[], kind: string) => units.filter((u) => u.startsWith(`${kind}:`)).map((u) => u.slice(kind.length + 1));
  return [
    { kind: 'coalition', districtIds: strip(c.narrow, 'district'), pathwayIds: strip(c.narrow, 'pathway') },
    { kind: 'coalition', districtIds: strip(c.wide, 'district'), pathwayIds: [] },
  ];
}

/**
 * What a person reads for a year: the shared views when the shared pattern covers their
 * coalition, else their own (suppressForReader), plus the shared headlines anyone can read
 * signed out.
 */
function publishedFor(input: readonly DistrictInput[], shared: PublicYear, p: Person): PublicYear {
  const c = coalitionOfPerson(p, input);
  if (coveredByShared(c, DEFAULT_MAX_COALITION)) return shared;
  const own = suppressForReader({ districts: input }, shared, c);
  const headline = new Set(headlineCellsOf(shared));
  for (const [id, view] of own.pathways) {
    const sharedView = shared.pathways.get(id)!;
    for (const [m, groups] of Object.entries(view)) {
      for (const g of Object.keys(groups)) {
        if (headline.has(cellId(`pathway:${id}`, m, g as StudentGroup)))
          (groups as Record<string, Cell>)[g] = sharedView[m as Metric]![g as StudentGroup]!;
      }
    }
  }
  return own;
}

describe('insider adversary (LP bounds)', () => {
  it("reproduction: district X cannot subtract its 11 from the network total to get pathway C's 4", () => {
    const out = suppressYear({ districts: reproduction, network: true });
    // The figure of the issue: the network's non-binary enrollment is withheld.
    expect(shown(out.network!.counts.enrolled!.gender_nonbinary)).toBe(false);
    expect(out.pathways.get('pw_C')!.enrolled!.gender_nonbinary).toEqual({ suppressed: true, reason: 'privacy' });
    for (const reader of readersOf(reproduction)) {
      const readers = isPerson(reader) ? readingsOf(reader, reproduction) : [reader];
      const published = isPerson(reader) ? publishedFor(reproduction, out, reader) : out;
      for (const r of readers) expect(insiderDisclosures(reproduction, published, r, T), JSON.stringify(r)).toEqual([]);
    }
  });

  it("the LP finds the issue's attack on the old published figures (the check can fail)", () => {
    const out = suppressYear({ districts: reproduction, network: true });
    // What was published before: network non-binary 15, X's 11 complementary-suppressed.
    out.network!.counts.enrolled = {
      all: { value: 200 },
      gender_female: { value: 100 },
      gender_male: { value: 85 },
      gender_nonbinary: { value: 15 },
    };
    out.pathways.set('pw_A', {
      enrolled: {
        all: { value: 100 },
        gender_female: { value: 50 },
        gender_male: { suppressed: true, reason: 'privacy' },
        gender_nonbinary: { suppressed: true, reason: 'privacy' },
      },
    });
    expect(insiderDisclosures(reproduction, out, null, T)).toEqual([]); // an outsider sees C + A = 15 only
    expect(insiderDisclosures(reproduction, out, { kind: 'district', districtId: 'dst_X' }, T)).toEqual([
      expect.objectContaining({
        what: 'pathway:pw_C|enrolled|gender_nonbinary',
        value: 4,
        min: expect.closeTo(4, 6),
        max: expect.closeTo(4, 6),
      }),
    ]);
  });

  it('two districts together cannot subtract their parts from the network total (coalitions)', () => {
    const out = suppressYear({ districts: twoDistrictAttack, network: true });
    expect(shown(out.network!.counts.enrolled!.gender_nonbinary)).toBe(false);
    const xy: Reader = { kind: 'coalition', districtIds: ['dst_X', 'dst_Y'], pathwayIds: [] };
    expect(insiderDisclosures(twoDistrictAttack, out, xy, T)).toEqual([]);
    for (const reader of readersOf(twoDistrictAttack)) {
      const readers = isPerson(reader) ? readingsOf(reader, twoDistrictAttack) : [reader];
      const published = isPerson(reader) ? publishedFor(twoDistrictAttack, out, reader) : out;
      for (const r of readers) expect(insiderDisclosures(twoDistrictAttack, published, r, T), JSON.stringify(r)).toEqual([]);
    }
  });

  it("the single-insider model (maxCoalition 1, the rules before) lets X and Y together read C's 4", () => {
    const out = suppressYear({ districts: twoDistrictAttack, network: true }, { maxCoalition: 1 });
    expect(out.network!.counts.enrolled!.gender_nonbinary).toEqual({ value: 27 });
    // Each district alone learns nothing …
    expect(insiderDisclosures(twoDistrictAttack, out, { kind: 'district', districtId: 'dst_X' }, T)).toEqual([]);
    expect(insiderDisclosures(twoDistrictAttack, out, { kind: 'district', districtId: 'dst_Y' }, T)).toEqual([]);
    // … a person with roles in both subtracts 11 + 12 from 27.
    const xy: Reader = { kind: 'coalition', districtIds: ['dst_X', 'dst_Y'], pathwayIds: [] };
    expect(insiderDisclosures(twoDistrictAttack, out, xy, T)).toContainEqual(
      expect.objectContaining({
        what: 'pathway:pw_C|enrolled|gender_nonbinary',
        value: 4,
        min: expect.closeTo(4, 6),
        max: expect.closeTo(4, 6),
      }),
    );
  });

  it("a three-district person's own pattern: subtracting from the network total does not pin another district's students outside its pathways", () => {
    // Shrunk from FC_SEED=7 FC_RUNS=300: the network's 33 less the person's 22 is dst_3's
    // pathways' 11, and dst_3's district total 18 would then give its 7 outside them.
    const year: DistrictInput[] = [
      { districtId: 'dst_0', pathways: [{ pathwayId: 'pw_0_0', counts: { enrolled: { all: 0 } } }] },
      {
        districtId: 'dst_1',
        pathways: [
          { pathwayId: 'pw_1_0', counts: { enrolled: { all: 2 } } },
          { pathwayId: 'pw_1_1', counts: { enrolled: { all: 9 } } },
        ],
      },
      {
        districtId: 'dst_2',
        pathways: [
          { pathwayId: 'pw_2_0', counts: { enrolled: { all: 2 } } },
          { pathwayId: 'pw_2_1', counts: { enrolled: { all: 9 } } },
        ],
      },
      {
        districtId: 'dst_3',
        counts: { enrolled: { all: 18 } },
        pathways: [
          { pathwayId: 'pw_3_0', counts: { enrolled: { all: 4 } } },
          { pathwayId: 'pw_3_1', counts: { enrolled: { all: 7 } } },
        ],
      },
    ];
    const person: Person = { districtIds: ['dst_0', 'dst_1', 'dst_2'], pathwayIds: [] };
    const view = publishedFor(year, suppressYear({ districts: year, network: true }), person);
    for (const r of readingsOf(person, year)) expect(insiderDisclosures(year, view, r, T)).toEqual([]);
  });

  it("no reader pins another district's or pathway's small count (random networks, seeded)", () => {
    const seed = Number(process.env.FC_SEED ?? 20261206);
    const path = process.env.FC_PATH;
    const numRuns = Number(process.env.FC_RUNS ?? 100);
    console.info(`insider adversary: FC_SEED=${seed}${path ? ` FC_PATH=${path}` : ''} runs=${numRuns}`);
    let checked = 0;
    fc.assert(
      fc.property(networkArb, ({ years, readerPick }) => {
        const published = years.map((y) => ({ ...y, out: suppressYear({ districts: y.input, network: true }) }));
        checkDerivedFigures(published);
        // One reader per run, the same across years (a person keeps their memberships).
        const readers = readersOf(years[0]!.input);
        const reader = readers[readerPick % readers.length]!;
        for (const y of published) {
          if (isPerson(reader)) {
            // Roles in several districts and teams: the later year may lack some of them.
            const present = {
              districtIds: reader.districtIds.filter((d) => y.input.some((x) => x.districtId === d)),
              pathwayIds: reader.pathwayIds.filter((p) => y.input.some((x) => x.pathways.some((q) => q.pathwayId === p))),
            };
            const view = publishedFor(y.input, y.out, present);
            checkDerivedFigures([{ ...y, out: view }]);
            for (const r of readingsOf(present, y.input)) {
              expect(
                insiderDisclosures(y.input, view, r, T),
                `${y.schoolYear} person ${JSON.stringify(reader)} as ${JSON.stringify(r)}`,
              ).toEqual([]);
            }
            checked++;
            continue;
          }
          const inYear =
            reader === null ||
            y.input.some((d) =>
              reader.kind === 'district'
                ? d.districtId === reader.districtId
                : reader.kind === 'pathway' && d.pathways.some((p) => p.pathwayId === reader.pathwayId),
            );
          const found = insiderDisclosures(y.input, y.out, inYear ? reader : null, T);
          expect(found, `${y.schoolYear} reader ${JSON.stringify(reader)}`).toEqual([]);
          checked++;
        }
      }),
      { seed, numRuns, ...(path ? { path } : {}) },
    );
    expect(checked).toBeGreaterThan(0);
  }, 180_000);
});
