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
import { HEADLINE_METRICS, NUMERATOR_METRICS, denominatorOf, type Metric, type StudentGroup } from '../../../../functions/core/outcomes/codes.ts';
import { evaluateEquity } from '../../../../functions/core/outcomes/equity.ts';
import { headlineOf } from '../../../../functions/core/outcomes/headline.ts';
import { isSuppressed, type Cell, type CountView } from '../../../../functions/core/outcomes/model.ts';
import { countTrend, rateTrend, ratesOf } from '../../../../functions/core/outcomes/rates.ts';
import { suppressYear, type PublicYear } from '../../../../functions/core/outcomes/suppression.ts';
import { insiderDisclosures, reproduction, type DistrictInput, type Reader } from './adversary.ts';
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
        for (const pt of rateTrend(points.map((p) => ({ schoolYear: p.schoolYear, rates: ratesOf(p.counts, p.bases) })), metric, group)) {
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

/** A network: 2–3 districts, 1–2 pathways each, one or two school years (independent students). */
const networkArb = fc
  .record({
    years: fc.array(fc.array(districtYearArb(2, 45), { minLength: 2, maxLength: 3 }), { minLength: 1, maxLength: 2 }),
    readerPick: fc.nat(),
  })
  .map(({ years, readerPick }) => ({
    years: years.map((districts, y) => ({
      schoolYear: YEARS[y]!,
      input: districts.map(
        (d, i): DistrictInput => ({
          districtId: `dst_${i}`,
          counts: d.district,
          pathways: d.pathways.map((p, j) => ({ pathwayId: `pw_${i}_${j}`, counts: p.counts })),
        }),
      ),
    })),
    readerPick,
  }));

function readersOf(input: readonly DistrictInput[]): Reader[] {
  return [
    null,
    ...input.map((d): Reader => ({ kind: 'district', districtId: d.districtId })),
    ...input.flatMap((d) => d.pathways.map((p): Reader => ({ kind: 'pathway', pathwayId: p.pathwayId }))),
  ];
}

describe('insider adversary (LP bounds)', () => {
  it('reproduction: district X cannot subtract its 11 from the network total to get pathway C\'s 4', () => {
    const out = suppressYear({ districts: reproduction, network: true });
    // The figure of the issue: the network's non-binary enrollment is withheld.
    expect(shown(out.network!.counts.enrolled!.gender_nonbinary)).toBe(false);
    expect(out.pathways.get('pw_C')!.enrolled!.gender_nonbinary).toEqual({ suppressed: true, reason: 'privacy' });
    for (const reader of readersOf(reproduction)) {
      expect(insiderDisclosures(reproduction, out, reader, T), JSON.stringify(reader)).toEqual([]);
    }
  });

  it('the LP finds the issue\'s attack on the old published figures (the check can fail)', () => {
    const out = suppressYear({ districts: reproduction, network: true });
    // What was published before: network non-binary 15, X's 11 complementary-suppressed.
    out.network!.counts.enrolled = { all: { value: 200 }, gender_female: { value: 100 }, gender_male: { value: 85 }, gender_nonbinary: { value: 15 } };
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
      expect.objectContaining({ what: 'pathway:pw_C|enrolled|gender_nonbinary', value: 4, min: expect.closeTo(4, 6), max: expect.closeTo(4, 6) }),
    ]);
  });

  it('no reader pins another district\'s or pathway\'s small count (random networks, seeded)', () => {
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
          const inYear = reader === null || y.input.some((d) => (reader.kind === 'district' ? d.districtId === reader.districtId : d.pathways.some((p) => p.pathwayId === reader.pathwayId)));
          const found = insiderDisclosures(y.input, y.out, inYear ? reader : null, T);
          expect(found, `${y.schoolYear} reader ${JSON.stringify(reader)}`).toEqual([]);
          checked++;
        }
      }),
      { seed, numRuns, ...(path ? { path } : {}), endOnFailure: true },
    );
    expect(checked).toBeGreaterThan(0);
  }, 180_000);
});

