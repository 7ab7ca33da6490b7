/**
 * The review pipeline: what one certification cycle costs in Step Functions state
 * transitions, and how the local pipeline holds up under many cycles.
 *
 * - Transitions: one cycle with two reviewers (no disagreement) and one with a
 *   disagreement that staff adjudicate, each counted from GetExecutionHistory (every
 *   *StateEntered event is one transition, as Standard workflows bill them), priced at
 *   $0.025 per 1,000 transitions. Target: at most 40 per cycle, so at most $0.001.
 * - Throughput: N cycles (default 500; `npm run bench -- pipeline --cycles=100` or
 *   BENCH_PIPELINE_CYCLES) through the local runtime: DynamoDB Local, the local Step
 *   Functions endpoint running statemachines/review.asl.json with the real task functions.
 *   Simulated reviewers and staff act the way the API handlers do (record the fact in the
 *   table, then answer the waiting task): submit → two reviews → decision → certified.
 *   Wall time, cycles per second, median and p95 cycle time, and the peak RSS of this
 *   process (the engine, the functions and the simulation; DynamoDB Local is a separate
 *   Java process and is not counted).
 */
import './pipeline-env.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchReport } from './run.ts';

const CYCLES = Number(
  process.argv.find((a) => a.startsWith('--cycles='))?.slice('--cycles='.length) ?? process.env.BENCH_PIPELINE_CYCLES ?? 500,
);
const CONCURRENCY = Number(process.env.BENCH_PIPELINE_CONCURRENCY ?? 8);
const REVIEWERS = 24;
const TRANSITION_TARGET = 40;
const PRICE_PER_TRANSITION = 0.025 / 1000;

const rubric = (what: string) =>
  ['beginning', 'developing', 'meeting', 'excelling'].map((level) => ({ level, descriptor: `${level}: ${what}` }));
const CRITERIA = ['RA-1.1', 'RA-1.2', 'WBL-1.1', 'WBL-1.2'];
const FRAMEWORK_ID = 'fw_01KDVDNA0000000000000BENCH';

const framework = {
  id: FRAMEWORK_ID,
  status: 'published' as const,
  publishedAt: '2026-01-01T00:00:00.000Z',
  version: '2026.99',
  title: 'Pipeline bench standards',
  components: [
    {
      id: 'RA',
      title: 'Rigorous academics',
      description: 'Academic core.',
      standards: [
        {
          id: 'RA-1',
          title: 'Sequence',
          criteria: CRITERIA.slice(0, 2).map((id) => ({
            id,
            text: `Criterion ${id}.`,
            levels: ['candidacy' as const],
            evidence: [],
            rubric: rubric(id),
          })),
        },
      ],
    },
    {
      id: 'WBL',
      title: 'Work-based learning',
      description: 'Continuum.',
      standards: [
        {
          id: 'WBL-1',
          title: 'Continuum',
          criteria: CRITERIA.slice(2).map((id) => ({
            id,
            text: `Criterion ${id}.`,
            levels: ['candidacy' as const],
            evidence: [],
            rubric: rubric(id),
          })),
        },
      ],
    },
  ],
};

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(20);
  }
}

function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

export async function run(): Promise<BenchReport> {
  const { startPlatform } = await import('../infra/local/platform.ts');
  const { putPublishedFramework } = await import('#store/frameworks.ts');
  const { createDistrict, createSchool, createPathway, getPathway } = await import('#store/registry.ts');
  const { newId } = await import('#core/ids.ts');
  const { openApplication, submitApplication, writeResponse } = await import('#store/applications.ts');
  const { getApplication } = await import('#store/application-reads.ts');
  const { putReviewerByStaff } = await import('#store/reviewers.ts');
  const { readRound, seatHolder, saveDraft, submitReview, recordAdjudications, recordDecision, getRound } =
    await import('#store/reviews.ts');
  const { answerSeat, answerStaffTask } = await import('#pipeline/answers.ts');
  const { startReview, executionName, executionHistory, describeExecution } = await import('#pipeline/workflow.ts');

  const platform = await startPlatform({
    persist: false,
    withStepFunctions: true,
    stepFunctionsWaitTimeScale: 0,
    tableName: `pathcert-bench-pipeline-${Date.now()}`,
    bucketName: `bench-pipeline-${Date.now()}`,
  });
  const actor = { sub: 'bench', name: 'Bench' };
  try {
    await putPublishedFramework(framework);
    const at = new Date().toISOString();
    const stamp = { version: 1, createdAt: at, updatedAt: at };
    const district = { id: newId('district'), name: 'Bench Unified', state: 'CA', ...stamp };
    await createDistrict(district, actor);
    const school = { id: newId('school'), districtId: district.id, name: 'Bench High', ...stamp };
    await createSchool(school, actor);
    for (let i = 0; i < REVIEWERS; i++) {
      const sub = `00000000-0000-5000-b000-${String(i).padStart(12, '0')}`;
      await putReviewerByStaff(
        sub,
        {
          name: `Reviewer ${i}`,
          sectors: ['engineering_architecture'],
          conflicts: { districtIds: [], pathwayIds: [] },
          available: true,
          unavailable: [],
          maxOpenAssignments: 1000,
          leadEligible: true,
          active: true,
        },
        0,
      );
    }

    async function newSubmission(n: number) {
      const pathway = {
        id: newId('pathway'),
        districtId: district.id,
        schoolId: school.id,
        name: `Bench Academy ${n}`,
        sector: 'engineering_architecture' as const,
        gradesServed: [9, 10, 11, 12],
        model: 'school_within_a_school' as const,
        enrollment: 200,
        status: 'active' as const,
        certificationLevel: null,
        certifiedUntil: null,
        schoolName: school.name,
        districtName: district.name,
        state: 'CA',
        ...stamp,
      };
      await createPathway(pathway, actor);
      const app = await openApplication({
        pathway: (await getPathway(pathway.id, true))!,
        target: 'candidacy',
        level: 'candidacy',
        renewal: false,
        framework: { id: FRAMEWORK_ID, version: framework.version },
        actor,
      });
      for (const c of CRITERIA) {
        await writeResponse({
          application: app,
          criterionId: c,
          narrative: `Narrative for ${c}.`,
          evidence: [],
          expectedVersion: 0,
          before: undefined,
          actor,
        });
      }
      return submitApplication({ application: app, expectedVersion: app.version, actor, transitionActor: 'team_lead', framework });
    }

    /** One whole cycle, as reviewers and staff would drive it; answers the execution ARN. */
    async function cycle(n: number, disagree = false): Promise<string> {
      const app = await newSubmission(n);
      const { executionArn } = await startReview(app.id, executionName(app.id, app.submissionNumber));
      const view = await until(`panel of ${app.id}`, async () => {
        const v = await readRound(app.id, 1);
        return v && v.seats.every((s) => seatHolder(v, s) && s.token && s.tokenFor === 'review') ? v : undefined;
      });
      await Promise.all(
        view.seats.map(async (seat, i) => {
          const review = seatHolder(view, seat)!;
          const level = disagree && i === 1 ? 'beginning' : 'meeting';
          const scores = CRITERIA.map((c) => ({
            criterionId: c,
            level: c === 'WBL-1.2' ? level : 'meeting',
            comment: 'Seen in the evidence.',
          }));
          const draft = await saveDraft(review, scores, review.version);
          if (typeof draft === 'string') throw new Error(`draft ${draft}`);
          const done = await submitReview(draft, scores, draft.version);
          if (typeof done === 'string') throw new Error(`submit ${done}`);
          await answerSeat(app.id, 1, seat.seat, 'submitted');
        }),
      );
      if (disagree) {
        await until(`adjudication wait of ${app.id}`, async () => (await getRound(app.id, 1))?.staffTask?.kind === 'adjudication');
        await recordAdjudications(app.id, 1, [{ criterionId: 'WBL-1.2', level: 'developing', reason: 'Bench.' }], actor);
        await answerStaffTask(app.id, 1, 'adjudication', 'adjudicated');
      }
      await until(`decision wait of ${app.id}`, async () => (await getRound(app.id, 1))?.staffTask?.kind === 'decision');
      const ok = await recordDecision({
        applicationId: app.id,
        pathwayId: app.pathwayId,
        round: 1,
        level: app.level,
        decision: 'certified',
        letter: { summary: 'Bench.', strengths: [], areasForGrowth: [] },
        requiredChanges: [],
        recommendation: 'meets',
        decidedBy: actor,
        decidedAt: new Date().toISOString(),
      });
      if (!ok) throw new Error(`decision not recorded for ${app.id}`);
      await answerStaffTask(app.id, 1, 'decision', 'decided');
      await until(`execution of ${app.id}`, async () => {
        const d = await describeExecution(executionArn);
        if (d?.status === 'FAILED') throw new Error(`${app.id} failed: ${d.error} ${d.cause}`);
        return d?.status === 'SUCCEEDED';
      });
      const certified = await getApplication(app.id, true);
      if (certified?.status !== 'certified') throw new Error(`${app.id} ended ${certified?.status}`);
      return executionArn;
    }

    const transitionsOf = async (arn: string) => (await executionHistory(arn))!.filter((e) => e.type.endsWith('StateEntered')).length;
    const plain = await transitionsOf(await cycle(0));
    const adjudicated = await transitionsOf(await cycle(1, true));

    const durations: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, CYCLES) }, async () => {
        for (;;) {
          const n = next++;
          if (n >= CYCLES) return;
          const t0 = performance.now();
          await cycle(n + 2);
          durations.push(performance.now() - t0);
        }
      }),
    );
    const wallS = (performance.now() - started) / 1000;
    const peak = peakRssMb();

    const flags: string[] = [];
    for (const [name, n] of [
      ['two reviewers', plain],
      ['two reviewers + adjudication', adjudicated],
    ] as const) {
      if (n > TRANSITION_TARGET) flags.push(`${name}: ${n} transitions per cycle, over the target of ${TRANSITION_TARGET}`);
    }
    const cost = (n: number) => `$${(n * PRICE_PER_TRANSITION).toFixed(6)}`;
    const table = [
      '| measure | value |',
      '|---|---:|',
      `| transitions per cycle, two reviewers | ${plain} (target ≤ ${TRANSITION_TARGET}) |`,
      `| cost per cycle at $0.025 / 1,000 transitions | ${cost(plain)} (target ≤ $0.001) |`,
      `| transitions per cycle, two reviewers + one adjudication | ${adjudicated} |`,
      `| cost per cycle with adjudication | ${cost(adjudicated)} |`,
      `| cycles through the local pipeline (concurrency ${CONCURRENCY}) | ${CYCLES} |`,
      `| wall time | ${fmt(wallS)} s |`,
      `| cycles per second | ${fmt(CYCLES / wallS, 2)} |`,
      `| cycle time, median / p95 | ${fmt(percentile(durations, 50) / 1000, 2)} s / ${fmt(percentile(durations, 95) / 1000, 2)} s |`,
      `| peak RSS of the bench process | ${fmt(peak)} MB |`,
    ].join('\n');
    return {
      title: 'Review pipeline',
      method:
        'bench/pipeline.ts. Transitions are the `*StateEntered` events of GetExecutionHistory for one cycle (submit → two reviews → decision → certified), priced at Standard workflow rates. The throughput run drives N cycles through the local runtime (DynamoDB Local, the local Step Functions endpoint with statemachines/review.asl.json and the real task functions, retry pauses skipped); simulated reviewers and staff record their work in the table and answer the waiting task, as the API handlers do. Peak RSS is this Node process (engine, functions, simulation), read from VmHWM.',
      table,
      flags,
    };
  } finally {
    await platform.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const report = await run();
  console.log(report.table);
  for (const f of report.flags) console.log(`⚠ ${f}`);
}
