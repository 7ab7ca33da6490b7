/**
 * Outcome benches against the local platform (DynamoDB Local, in memory):
 * 1. a 100,000-row outcome CSV (one district and ~535 pathways, every metric and group)
 *    streamed through validateOutcomeCsv in 64 KiB chunks, then stored like an upload
 *    (submission items, pointer swap, the year's suppression and views): time and peak
 *    memory (RSS and heap, sampled every 10 ms);
 * 2. network progress with 5,000 pathways in the registry: the refresh (reads every
 *    pathway once) and the read behind GET /network/progress (precomputed items; the
 *    DynamoDB commands per read are counted);
 * 3. what suppression withholds on a realistic network (30 districts, their pathways,
 *    generated students with California-like group shares): the share of network cells and
 *    of district and pathway cells withheld by the outsiders-only model (before issue 15),
 *    by the single-insider rules and by the coalition rules (any two districts together,
 *    the default), the time of each, and the time of one view computed for a person with
 *    roles in three districts.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  METRICS,
  METRIC_DEFINITIONS,
  STUDENT_GROUPS,
  RACE_GROUPS,
  GENDER_GROUPS,
  SUBSET_GROUPS,
  type Metric,
  type StudentGroup,
} from '#core/outcomes/codes.ts';
import { validateOutcomeCsv } from '#core/outcomes/csv.ts';
import { entriesOf, isSuppressed, type BaseView, type CountView, type OutcomeCounts } from '#core/outcomes/model.ts';
import { suppressYear, type PublicYear, type YearInput } from '#core/outcomes/suppression.ts';
import { suppressForReader } from '#core/outcomes/coalitions.ts';
import { newId } from '#core/ids.ts';
import { onClientCreated } from '#lib/aws-clients.ts';
import { batchWriteAll, submitOutcomes } from '#store/outcomes.ts';
import { readNetworkProgress, refreshNetworkProgress } from '#store/outcomes-progress.ts';
import { pathwayItem } from '#store/registry.ts';
import { startPlatform } from '../infra/local/platform.ts';
import { mulberry32 } from '../test/support/random.ts';
import type { BenchReport } from './run.ts';

const ROWS_TARGET = 100_000;
const NETWORK_PATHWAYS = 5_000;
const PROGRESS_READS = 50;

/** Base count per metric; every numerator's base is below its denominator's, so data is consistent. */
const BASE: Record<Metric, number> = {
  enrolled: 1000,
  cohort: 250,
  graduated_on_time: 200,
  dropped_out: 20,
  ag_completed: 150,
  dual_enrollment_credit: 300,
  wbl_awareness: 800,
  wbl_exploration: 500,
  wbl_preparation: 200,
  industry_credential: 100,
  postsecondary_enrolled: 120,
};
const share = (g: StudentGroup) =>
  g === 'all'
    ? 1
    : (SUBSET_GROUPS as readonly string[]).includes(g)
      ? 1 / 4
      : (RACE_GROUPS as readonly string[]).includes(g)
        ? 1 / 10
        : (GENDER_GROUPS as readonly string[]).includes(g)
          ? 1 / 5
          : 0;
const countFor = (m: Metric, g: StudentGroup, scale: number) => Math.floor(BASE[m] * scale * share(g));

function pathwayRecord(id: string, districtId: string, i: number, level: 'silver' | 'gold' | 'candidacy' | null) {
  const at = new Date().toISOString();
  return pathwayItem({
    id,
    districtId,
    schoolId: newId('school'),
    name: `Bench pathway ${i}`,
    sector: 'engineering_architecture',
    gradesServed: [9, 10, 11, 12],
    model: 'wall_to_wall_academy',
    enrollment: 100 + (i % 400),
    status: 'active',
    certificationLevel: level,
    certifiedUntil: level ? '2099-06-30' : null,
    schoolName: 'Bench High',
    districtName: `Bench district ${districtId.slice(-4)}`,
    state: ['CA', 'OR', 'WA', 'NY'][i % 4]!,
    version: 1,
    createdAt: at,
    updatedAt: at,
  } as never);
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async generator is what the upload stream takes
async function* csvChunks(districtId: string, pathwayIds: string[], year: string): AsyncGenerator<string> {
  let buf = 'school_year,entity_type,entity_id,metric,student_group,count\r\n';
  const emit = (type: string, id: string, scale: number) => {
    const lines: string[] = [];
    for (const m of METRICS) for (const g of STUDENT_GROUPS) lines.push(`${year},${type},${id},${m},${g},${countFor(m, g, scale)}`);
    return lines.join('\r\n') + '\r\n';
  };
  buf += emit('district', districtId, pathwayIds.length * 2);
  for (const id of pathwayIds) {
    buf += emit('pathway', id, 1);
    if (buf.length >= 65_536) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

function memorySampler() {
  let rss = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 10);
  return { stop: () => (clearInterval(timer), { rss, heap }) };
}

/**
 * A realistic school year: 30 districts of 1–6 pathways (60–500 students each) and 1–3
 * times as many students outside them; race shares vary by district around California's,
 * 1% non-binary and 1% gender not reported; every metric, reported for every group.
 */
export function realisticYear(seed: number): YearInput {
  const r = mulberry32(seed); // seeded: the same network on every run
  const pick = <T>(weights: [T, number][]) => {
    let x = r() * weights.reduce((s, [, w]) => s + w, 0);
    for (const [v, w] of weights) if ((x -= w) <= 0) return v;
    return weights[weights.length - 1]![0];
  };
  const districts: { districtId: string; counts: OutcomeCounts; pathways: { pathwayId: string; counts: OutcomeCounts }[] }[] = [];
  for (let d = 0; d < 30; d++) {
    const race: [StudentGroup, number][] = [
      ['hispanic_latino', 0.2 + 0.5 * r()],
      ['white', 0.1 + 0.3 * r()],
      ['asian', 0.04 + 0.16 * r()],
      ['black_african_american', 0.02 + 0.12 * r()],
      ['filipino', 0.01 + 0.04 * r()],
      ['two_or_more_races', 0.02 + 0.04 * r()],
      ['american_indian_alaska_native', 0.002 + 0.01 * r()],
      ['native_hawaiian_pacific_islander', 0.002 + 0.008 * r()],
      ['not_reported', 0.005 + 0.02 * r()],
    ];
    const gender: [StudentGroup, number][] = [
      ['gender_female', 0.49],
      ['gender_male', 0.49],
      ['gender_nonbinary', 0.01],
      ['gender_not_reported', 0.01],
    ];
    const students = (n: number) => {
      const counts: OutcomeCounts = {};
      const add = (m: Metric, groups: StudentGroup[]) => {
        const c = (counts[m] ??= Object.fromEntries(STUDENT_GROUPS.map((g) => [g, 0])));
        for (const g of groups) c[g] = c[g]! + 1;
      };
      for (let i = 0; i < n; i++) {
        const groups: StudentGroup[] = ['all', pick(race), pick(gender)];
        if (r() < 0.2) groups.push('english_learner');
        if (r() < 0.12) groups.push('students_with_disabilities');
        if (r() < 0.6) groups.push('socioeconomically_disadvantaged');
        add('enrolled', groups);
        for (const [m, p] of [
          ['dual_enrollment_credit', 0.3],
          ['wbl_awareness', 0.8],
          ['wbl_exploration', 0.5],
          ['wbl_preparation', 0.2],
          ['industry_credential', 0.15],
        ] as const) {
          add(m, r() < p ? groups : []);
        }
        const inCohort = r() < 0.25;
        add('cohort', inCohort ? groups : []);
        const outcome = inCohort
          ? pick<'grad' | 'drop' | 'other'>([
              ['grad', 0.87],
              ['drop', 0.06],
              ['other', 0.07],
            ])
          : 'other';
        add('graduated_on_time', outcome === 'grad' ? groups : []);
        add('dropped_out', outcome === 'drop' ? groups : []);
        add('ag_completed', outcome === 'grad' && r() < 0.55 ? groups : []);
        add('postsecondary_enrolled', outcome === 'grad' && r() < 0.65 ? groups : []);
      }
      return counts;
    };
    const pathways = Array.from({ length: 1 + Math.floor(r() * 6) }, (_, j) => ({
      pathwayId: `pw_${d}_${j}`,
      counts: students(60 + Math.floor(r() * 440)),
    }));
    const outside = students(Math.floor(pathways.reduce((s, p) => s + p.counts.enrolled!.all!, 0) * (1 + 2 * r())));
    const counts: OutcomeCounts = {};
    for (const m of METRICS) {
      counts[m] = Object.fromEntries(
        STUDENT_GROUPS.map((g) => [g, [outside, ...pathways.map((p) => p.counts)].reduce((s, c) => s + (c[m]?.[g] ?? 0), 0)]),
      );
    }
    districts.push({ districtId: `dst_${d}`, counts, pathways });
  }
  return { districts, network: true };
}

/** Cells and withheld cells of a year's views: the network's (sums and rate bases), and the districts' and pathways'. */
export function withheldCells(year: PublicYear) {
  const tally = (views: readonly (CountView | BaseView)[]) => {
    let cells = 0;
    let suppressed = 0;
    for (const view of views) {
      for (const groups of Object.values(view)) {
        for (const [, cell] of entriesOf(groups ?? {})) {
          cells++;
          if (isSuppressed(cell)) suppressed++;
        }
      }
    }
    return { cells, suppressed };
  };
  const network = tally(year.network ? [year.network.counts, year.network.rateBases] : []);
  const entities = tally([...year.districts.values(), ...year.pathways.values()]);
  return {
    networkCells: network.cells,
    networkSuppressed: network.suppressed,
    entityCells: entities.cells,
    entitySuppressed: entities.suppressed,
  };
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const ms = (n: number) => `${n.toFixed(0)} ms`;

export async function run(): Promise<BenchReport> {
  const commands: string[] = [];
  const stopCounting = onClientCreated((client, service) => {
    if (service !== 'dynamodb') return;
    (client as DynamoDBClient).middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'benchCount' },
    );
  });
  process.env.LOG_LEVEL ??= 'ERROR';
  const platform = await startPlatform({
    persist: false,
    withStepFunctions: false,
    tableName: `bench-outcomes-${Date.now()}`,
    bucketName: `bench-outcomes-${Date.now()}`,
  });
  const rows: string[] = ['| measure | value |', '|---|---|'];
  const flags: string[] = [];
  try {
    // 1. CSV
    const perEntity = METRICS.length * STUDENT_GROUPS.length;
    const pathwayCount = Math.ceil(ROWS_TARGET / perEntity) - 1;
    const districtId = newId('district');
    const pathwayIds = Array.from({ length: pathwayCount }, () => newId('pathway'));
    await batchWriteAll(pathwayIds.map((id, i) => ({ put: pathwayRecord(id, districtId, i, null) })));
    const year = '2025-26';
    const base = process.memoryUsage();
    const sampler = memorySampler();
    let t0 = performance.now();
    const result = await validateOutcomeCsv(csvChunks(districtId, pathwayIds, year), {
      districtId,
      pathwayIdsOfDistrict: new Set(pathwayIds),
      maxBytes: 50 * 1024 * 1024,
      maxRows: 500_000,
    });
    const validateMs = performance.now() - t0;
    if (!result.ok) throw new Error(`bench CSV invalid: ${JSON.stringify(result.errors.slice(0, 3))}`);
    t0 = performance.now();
    const district = result.reports.find((r) => r.entity.kind === 'district')!.counts;
    const pathways = result.reports.flatMap((r) =>
      r.entity.kind === 'pathway' ? [{ pathwayId: r.entity.pathwayId, counts: r.counts }] : [],
    );
    await submitOutcomes(
      { districtId, schoolYear: year, district, pathways },
      { sub: 'bench' },
      { kind: 'csv', uploadId: newId('outcome') },
    );
    const storeMs = performance.now() - t0;
    const peak = sampler.stop();
    rows.push(`| CSV data rows | ${result.dataRows.toLocaleString('en-US')} (${pathwayCount} pathways + district) |`);
    rows.push(`| validate (stream, 64 KiB chunks) | ${ms(validateMs)} |`);
    rows.push(`| store: reports, pointer + audit, year suppression and views | ${ms(storeMs)} |`);
    rows.push(`| peak RSS / heap during both (start: ${mb(base.rss)} / ${mb(base.heapUsed)}) | ${mb(peak.rss)} / ${mb(peak.heap)} |`);
    if (validateMs > 10_000) flags.push(`validating 100k rows took ${ms(validateMs)} (budget 10 s)`);

    // 2. Network progress over 5,000 pathways.
    const more = NETWORK_PATHWAYS - pathwayCount;
    const levels = ['silver', 'gold', 'candidacy', null] as const;
    await batchWriteAll(
      Array.from({ length: more }, (_, i) => ({ put: pathwayRecord(newId('pathway'), newId('district'), i, levels[i % 4]!) })),
    );
    t0 = performance.now();
    const progress = await refreshNetworkProgress();
    const refreshMs = performance.now() - t0;
    const times: number[] = [];
    commands.length = 0;
    for (let i = 0; i < PROGRESS_READS; i++) {
      const s = performance.now();
      await readNetworkProgress();
      times.push(performance.now() - s);
    }
    const perRead = commands.length / PROGRESS_READS;
    times.sort((a, b) => a - b);
    rows.push(
      `| registry pathways | ${NETWORK_PATHWAYS.toLocaleString('en-US')} (${progress.pathways} counted, ${progress.students.toLocaleString('en-US')} students) |`,
    );
    rows.push(`| refreshNetworkProgress (reads every pathway once) | ${ms(refreshMs)} |`);
    rows.push(`| progress read: DynamoDB commands per read | ${perRead} |`);
    rows.push(
      `| progress read: median / p95 of ${PROGRESS_READS} | ${ms(times[Math.floor(times.length / 2)]!)} / ${ms(times[Math.floor(times.length * 0.95)]!)} |`,
    );
    if (perRead !== 1) flags.push(`a progress read sent ${perRead} DynamoDB commands; expected 1`);
    void METRIC_DEFINITIONS;

    // 3. What suppression withholds, before (outsiders only) and after (insider rules).
    const network = realisticYear(20261206);
    t0 = performance.now();
    const beforeYear = suppressYear({ ...network, outsidersOnly: true });
    const beforeMs = performance.now() - t0;
    t0 = performance.now();
    const singleYear = suppressYear(network, { maxCoalition: 1 });
    const singleMs = performance.now() - t0;
    t0 = performance.now();
    const afterYear = suppressYear(network);
    const afterMs = performance.now() - t0;
    const three = network.districts.slice(0, 3).map((d) => `district:${d.districtId}`);
    t0 = performance.now();
    const readerYear = suppressForReader(network, afterYear, { narrow: three, wide: three });
    const readerMs = performance.now() - t0;
    const [before, single, after, reader] = [
      withheldCells(beforeYear),
      withheldCells(singleYear),
      withheldCells(afterYear),
      withheldCells(readerYear),
    ];
    const pathwaysInNetwork = network.districts.reduce((s, d) => s + d.pathways.length, 0);
    rows.push(
      `| realistic year: districts / pathways / cells (network + districts and pathways) | ${network.districts.length} / ${pathwaysInNetwork} / ${before.networkCells} + ${before.entityCells.toLocaleString('en-US')} |`,
    );
    const three3 = (a: number, b: number, c: number, d: number, e: number, f: number) => `${pct(a, b)} → ${pct(c, d)} → ${pct(e, f)}`;
    rows.push(
      `| network cells withheld: outsiders only → single insiders → coalitions of 2 districts | ${three3(before.networkSuppressed, before.networkCells, single.networkSuppressed, single.networkCells, after.networkSuppressed, after.networkCells)} |`,
    );
    rows.push(
      `| district and pathway cells withheld: same three | ${three3(before.entitySuppressed, before.entityCells, single.entitySuppressed, single.entityCells, after.entitySuppressed, after.entityCells)} |`,
    );
    rows.push(`| suppressYear on it: same three | ${ms(beforeMs)} → ${ms(singleMs)} → ${ms(afterMs)} |`);
    rows.push(
      `| a view for a person with roles in 3 districts: network / district and pathway cells withheld, time | ${pct(reader.networkSuppressed, reader.networkCells)} / ${pct(reader.entitySuppressed, reader.entityCells)}, ${ms(readerMs)} |`,
    );
  } finally {
    stopCounting();
    await platform.stop();
  }
  return {
    title: 'Outcome data: 100,000-row CSV, network progress and what suppression withholds',
    method:
      'bench/outcomes.ts on the local platform (DynamoDB Local in memory). A generated CSV of one district and its pathways (every metric and student group, consistent counts) is streamed through `validateOutcomeCsv` in 64 KiB chunks and stored with `submitOutcomes` (immutable report items, pointer swap with audit, one suppression pattern for the school year, a view item per entity); peak memory is sampled every 10 ms. Then the registry is filled to 5,000 pathways, `refreshNetworkProgress()` recomputes the totals, and the read behind `GET /network/progress` is timed with its DynamoDB commands counted (it reads precomputed items only). Last, a realistic school year (30 districts with 1–6 pathways of 60–500 generated students each and 1–3 times as many outside them, race shares varying by district around California\'s, 1% non-binary, every metric and group; seeded) goes through `suppressYear` with the outsiders-only model of before issue 15, with the single-insider rules (`maxCoalition: 1`) and with the coalition rules (the default: any two districts together): the share of cells withheld, network-wide and in district and pathway reports (docs/outcomes.md, "Privacy" and "Coalitions"); then `suppressForReader` computes the view of a person with roles in three districts.',
    table: rows.join('\n'),
    flags,
  };
}
