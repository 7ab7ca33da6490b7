import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { revealAll, type CountView, type OutcomeCounts } from '#core/outcomes/model.ts';
import { aggregateNetwork, countTrend, differencePp, rate, rateTrend, ratesOf } from '#core/outcomes/rates.ts';
import { compareRates, DEFAULT_EQUITY_CONFIG, evaluateEquity, representation, resolveEquityConfig } from '#core/outcomes/equity.ts';
import { DEFAULT_SUPPRESSION_THRESHOLD, suppressReport } from '#core/outcomes/suppression.ts';

const pathway: OutcomeCounts = {
  enrolled: { all: 200, english_learner: 20, hispanic_latino: 100, white: 60, asian: 40, gender_female: 90, gender_male: 110 },
  cohort: { all: 50, english_learner: 20, hispanic_latino: 25 },
  graduated_on_time: { all: 45, english_learner: 14, hispanic_latino: 23 },
  dropped_out: { all: 3, english_learner: 3, hispanic_latino: 1 },
  wbl_preparation: { all: 80 },
};
const district: OutcomeCounts = {
  enrolled: { all: 2000, english_learner: 400, hispanic_latino: 900, white: 500, asian: 600, gender_female: 1000, gender_male: 1000 },
  cohort: { all: 500, english_learner: 100, hispanic_latino: 220 },
  graduated_on_time: { all: 430, english_learner: 80, hispanic_latino: 190 },
  dropped_out: { all: 20, english_learner: 2, hispanic_latino: 10 },
  wbl_preparation: { all: 500 },
};

describe('rates', () => {
  it('divides numerators by their denominators, null on zero', () => {
    expect(rate(3, 4)).toBe(0.75);
    expect(rate(0, 0)).toBeNull();
    expect(differencePp(0.7, 0.65)).toBe(5);
    const rates = ratesOf(revealAll(pathway));
    expect(rates.graduated_on_time!.english_learner).toEqual({
      numerator: { value: 14 },
      denominator: { value: 20 },
      rate: { value: 0.7 },
    });
    expect(rates.wbl_preparation!.all!.rate).toEqual({ value: 0.4 });
    expect(ratesOf(revealAll({ cohort: { all: 0 }, dropped_out: { all: 0 } })).dropped_out!.all!.rate).toEqual({ value: null });
  });

  it('a rate is hidden when its numerator or denominator is', () => {
    const view: CountView = {
      cohort: { all: { value: 50 }, english_learner: { suppressed: true, reason: 'privacy' } },
      graduated_on_time: { all: { suppressed: true, reason: 'privacy' }, english_learner: { value: 14 } },
    };
    const rates = ratesOf(view);
    expect(rates.graduated_on_time!.all!.rate).toEqual({ suppressed: true, reason: 'privacy' });
    expect(rates.graduated_on_time!.english_learner!.rate).toEqual({ suppressed: true, reason: 'privacy' });
  });

  it('network rates count only pathways that report the numerator', () => {
    const agg = aggregateNetwork([
      { enrolled: { all: 100 }, wbl_awareness: { all: 50 } },
      { enrolled: { all: 300 } }, // no work-based learning data
    ]);
    expect(agg.counts.enrolled!.all).toBe(400);
    expect(agg.rateBases.wbl_awareness!.all).toBe(100);
    const rates = ratesOf(revealAll(agg.counts), { wbl_awareness: { all: { value: agg.rateBases.wbl_awareness!.all! } } });
    expect(rates.wbl_awareness!.all!.rate).toEqual({ value: 0.5 });
  });

  it('trends: year by year, sorted, with the change since the previous year with data', () => {
    const years = [
      { schoolYear: '2025-26', rates: ratesOf(revealAll({ cohort: { all: 100 }, graduated_on_time: { all: 90 } })) },
      { schoolYear: '2023-24', rates: ratesOf(revealAll({ cohort: { all: 100 }, graduated_on_time: { all: 80 } })) },
      { schoolYear: '2024-25', rates: ratesOf(revealAll({ cohort: { all: 100 } })) },
    ];
    const t = rateTrend(years, 'graduated_on_time', 'all');
    expect(t.map((p) => [p.schoolYear, p.rate, p.changePp, p.since])).toEqual([
      ['2023-24', { value: 0.8 }, null, null],
      ['2025-26', { value: 0.9 }, { value: 10 }, '2023-24'],
    ]);
    const hiddenYear = suppressReport({ enrolled: { all: 8 } });
    const c = countTrend(
      [
        { schoolYear: '2024-25', counts: revealAll({ enrolled: { all: 40 } }) },
        { schoolYear: '2025-26', counts: hiddenYear },
      ],
      'enrolled',
      'all',
    );
    expect(c[1]).toEqual({
      schoolYear: '2025-26',
      count: { suppressed: true, reason: 'privacy' },
      change: { suppressed: true, reason: 'privacy' },
      since: '2024-25',
    });
  });
});

describe('equity', () => {
  it('compares each group with the same group in the district, in percentage points', () => {
    const c = compareRates(ratesOf(revealAll(pathway)), ratesOf(revealAll(district)));
    const el = c.find((x) => x.metric === 'graduated_on_time' && x.group === 'english_learner')!;
    expect(el.pathwayRate).toEqual({ value: 0.7 });
    expect(el.referenceRate).toEqual({ value: 0.8 });
    expect(el.differencePp).toEqual({ value: -10 });
    const vsAll = compareRates(ratesOf(revealAll(pathway)), ratesOf(revealAll(district)), { compareAgainst: 'district_all' });
    expect(vsAll.find((x) => x.metric === 'graduated_on_time' && x.group === 'english_learner')!.referenceRate).toEqual({ value: 0.86 });
  });

  it('measures representation against district enrollment', () => {
    const rows = representation(revealAll(pathway), revealAll(district));
    const el = rows.find((r) => r.group === 'english_learner')!;
    expect(el.pathwayShare).toEqual({ value: 0.1 });
    expect(el.districtShare).toEqual({ value: 0.2 });
    expect(el.ratio).toEqual({ value: 0.5 });
  });

  it('flags outcome gaps beyond the gap (direction-aware) and under-representation below the ratio', () => {
    const { flags } = evaluateEquity(revealAll(pathway), revealAll(district));
    expect(flags).toEqual([
      {
        kind: 'outcome_gap',
        metric: 'graduated_on_time',
        group: 'english_learner',
        pathwayRate: 0.7,
        referenceRate: 0.8,
        differencePp: -10,
      },
      // 3/20 EL dropouts vs 2/100: dropouts are worse when higher.
      { kind: 'outcome_gap', metric: 'dropped_out', group: 'english_learner', pathwayRate: 0.15, referenceRate: 0.02, differencePp: 13 },
      { kind: 'under_represented', group: 'english_learner', pathwayShare: 0.1, districtShare: 0.2, ratio: 0.5 },
      { kind: 'under_represented', group: 'asian', pathwayShare: 0.2, districtShare: 0.3, ratio: expect.closeTo(2 / 3, 10) },
    ]);
    // A 10-point gap is not flagged with a 12-point allowance; 0.5 is flagged below 0.6 only.
    const loose = evaluateEquity(revealAll(pathway), revealAll(district), { gapPp: 12, underRepresentationRatio: 0.6 }).flags;
    expect(loose.map((f) => [f.kind, f.group])).toEqual([
      ['outcome_gap', 'english_learner'],
      ['under_represented', 'english_learner'],
    ]);
  });

  it('does not flag groups smaller than minGroupSize', () => {
    const small = { cohort: { all: 10 }, graduated_on_time: { all: 5 } };
    const big = { cohort: { all: 100 }, graduated_on_time: { all: 90 } };
    expect(evaluateEquity(revealAll(small), revealAll(big)).flags).toEqual([]);
    expect(evaluateEquity(revealAll(small), revealAll(big), { minGroupSize: 1 }).flags).toHaveLength(1);
  });

  it('on a suppressed view, flags and differences come only from revealed numbers', () => {
    const report = evaluateEquity(suppressReport(pathway), suppressReport(district));
    const dropEl = report.comparisons.find((c) => c.metric === 'dropped_out' && c.group === 'english_learner')!;
    expect(dropEl.differencePp).toEqual({ suppressed: true, reason: 'privacy' });
    expect(report.flags.some((f) => f.kind === 'outcome_gap' && f.metric === 'dropped_out')).toBe(false);
  });

  it('a flag always agrees with the numbers it reports (property)', () => {
    const counts = fc.record({ d: fc.integer({ min: 1, max: 500 }), n: fc.nat() }).map(({ d, n }) => ({ d, n: n % (d + 1) }));
    fc.assert(
      fc.property(counts, counts, fc.integer({ min: 0, max: 30 }), fc.double({ min: 0.1, max: 1, noNaN: true }), (p, d, gap, ratio) => {
        const pv = revealAll({ enrolled: { all: p.d * 2, english_learner: p.d }, cohort: { all: p.d }, graduated_on_time: { all: p.n } });
        const dv = revealAll({ enrolled: { all: d.d * 2, english_learner: d.d }, cohort: { all: d.d }, graduated_on_time: { all: d.n } });
        const r = evaluateEquity(pv, dv, { gapPp: gap, underRepresentationRatio: ratio, minGroupSize: 0 });
        const diff = (p.n / p.d - d.n / d.d) * 100;
        const gapFlag = r.flags.some((f) => f.kind === 'outcome_gap');
        if (diff < -gap - 1e-6) expect(gapFlag).toBe(true);
        if (diff > -gap + 1e-6) expect(gapFlag).toBe(false);
        // Shares are both 0.5: never under-represented unless the ratio threshold exceeds 1.
        expect(r.flags.some((f) => f.kind === 'under_represented')).toBe(false);
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe('equity configuration', () => {
  it('flags only groups above the suppression threshold, by default and when it is configured', () => {
    expect(DEFAULT_EQUITY_CONFIG.minGroupSize).toBe(DEFAULT_SUPPRESSION_THRESHOLD + 1);
    expect(resolveEquityConfig({}, 4).minGroupSize).toBe(5);
  });

  it('takes the defaults for what the caller leaves out and keeps what it chose', () => {
    expect(resolveEquityConfig({}, DEFAULT_SUPPRESSION_THRESHOLD)).toEqual(DEFAULT_EQUITY_CONFIG);
    expect(resolveEquityConfig({ gapPp: 2, underRepresentationRatio: undefined, compareAgainst: 'district_all' }, 10)).toEqual({
      gapPp: 2,
      underRepresentationRatio: DEFAULT_EQUITY_CONFIG.underRepresentationRatio,
      compareAgainst: 'district_all',
      minGroupSize: 11,
    });
  });
});
