/**
 * Outcome submissions and the precomputed views every read serves from.
 *
 * Storage design (access patterns 70–75 in keys.ts):
 * - A submission (one district, one school year: the district-wide report and its pathways'
 *   reports) is written as IMMUTABLE items `OUTSUB#<submissionId>` / `REPORT#<entity>`, then
 *   made current by ONE transaction that swaps the pointer `DISTRICT#<d>` / `OUTCOMES#<year>`
 *   (conditioned on the submission it replaces) together with the audit event and a bump of
 *   the year's generation. A district may run far more than 100 pathways, so the reports
 *   cannot share one TransactWriteItems call (100-item limit); behind the pointer they need
 *   not: readers never see report items that no pointer names, so a replacement is atomic
 *   for every reader (old or new, never a mix), and a failed write leaves only orphans.
 *   Superseded submissions stay as history (the audit event names both ids).
 * - Idempotent by content: the pointer holds a SHA-256 of the canonical submission; the
 *   same content again answers `unchanged` and writes nothing (no audit noise).
 * - After each change the whole school year is recomputed (`recomputeYear`): ONE small-cell
 *   suppression pattern over every district and pathway of the year plus network sums
 *   (core suppressYear; suppressing pathway by pathway would let two answers disagree and
 *   their union leak), stored as one view item per entity and year (`OUTCOMES#<KIND>#<id>`
 *   / `YEAR#<year>`) holding the raw counts (for staff) and the public view. A read is then
 *   one GetItem or one Query. Concurrent submissions for a year are reconciled by the
 *   generation counter: a recompute repeats while the generation moved under it.
 */
import { createHash } from 'node:crypto';
import type { SchoolYear } from '#core/outcomes/codes.ts';
import { headlineOf, type OutcomeHeadline } from '#core/outcomes/headline.ts';
import { entriesOf, revealAll, type BaseView, type CountView, type OutcomeCounts } from '#core/outcomes/model.ts';
import { aggregateNetwork } from '#core/outcomes/rates.ts';
import { suppressYear, type NetworkView } from '#core/outcomes/suppression.ts';
import { newId } from '#core/ids.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { BusyError, ConflictError } from '#core/errors.ts';
import { auditItem, type AuditEvent } from './audit.ts';
import {
  batchWrite,
  getItem,
  queryAll,
  queryPartition,
  stripKeys,
  transact,
  TransactionCancelled,
  type BatchRequest,
  type Item,
  type TransactItem,
} from './db.ts';
import { partitions } from './keys.ts';
import * as keys from './keys.ts';
import { outcomeSettings } from './outcomes-config.ts';
import { listDistrictPathways } from './registry.ts';

export type Actor = AuditEvent['actor'];

export interface Submission {
  districtId: string;
  schoolYear: SchoolYear;
  /** The district-wide report, when given. */
  district?: OutcomeCounts | undefined;
  pathways: { pathwayId: string; counts: OutcomeCounts }[];
}

export interface SubmissionPointer {
  districtId: string;
  schoolYear: SchoolYear;
  submissionId: string;
  contentHash: string;
  pathwayIds: string[];
  hasDistrictReport: boolean;
  source: 'json' | 'csv';
  uploadId?: string;
  submittedAt: string;
  submittedBy: Actor;
  version: number;
}

export interface SubmitResult {
  pointer: SubmissionPointer;
  /** The submission replaced, if any. */
  replaced: string | null;
  /** Same content as the current submission: nothing was written. */
  unchanged: boolean;
}

// ---------------------------------------------------------------------------------------
// Helpers

/** Canonical JSON: keys sorted, so equal content hashes equally whatever the input order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(s: Submission): string {
  const pathways = [...s.pathways].sort((a, b) => (a.pathwayId < b.pathwayId ? -1 : 1));
  return createHash('sha256')
    .update(canonical({ districtId: s.districtId, schoolYear: s.schoolYear, district: s.district ?? null, pathways }))
    .digest('hex');
}

/** Writes (and deletes) all of `requests`, or fails as busy: a report set is never left half written silently. */
export async function batchWriteAll(requests: readonly BatchRequest[]): Promise<void> {
  if ((await batchWrite(requests, 9)) > 0) throw new BusyError(1);
}

// ---------------------------------------------------------------------------------------
// Submissions

export async function getCurrentSubmission(
  districtId: string,
  schoolYear: SchoolYear,
  consistent = false,
): Promise<SubmissionPointer | undefined> {
  const item = await getItem(keys.outcomeCurrent(districtId, schoolYear), consistent);
  return item ? (stripKeys(item) as unknown as SubmissionPointer) : undefined;
}

const entityKeyOf = (e: { kind: 'pathway' | 'district'; id: string }) => `${e.kind}:${e.id}`;

/**
 * Makes `s` the district's current submission for its year (see the module comment), then
 * recomputes the year's views. Throws 409 when another submission replaced the current one
 * between our read and our write.
 */
export async function submitOutcomes(
  s: Submission,
  actor: Actor,
  source: { kind: 'json' } | { kind: 'csv'; uploadId: string },
  extra: TransactItem[] = [],
): Promise<SubmitResult> {
  const hash = contentHash(s);
  const before = await getCurrentSubmission(s.districtId, s.schoolYear, true);
  if (before && before.contentHash === hash) return { pointer: before, replaced: null, unchanged: true };

  const at = nowIso();
  const submissionId = newId('outcome', Date.parse(at));
  const reports: Item[] = [];
  if (s.district) {
    reports.push({
      ...keys.outcomeReport(submissionId, entityKeyOf({ kind: 'district', id: s.districtId })),
      _type: 'outcomeReport',
      entity: { kind: 'district', districtId: s.districtId },
      counts: s.district,
    });
  }
  for (const p of s.pathways) {
    reports.push({
      ...keys.outcomeReport(submissionId, entityKeyOf({ kind: 'pathway', id: p.pathwayId })),
      _type: 'outcomeReport',
      entity: { kind: 'pathway', pathwayId: p.pathwayId },
      counts: p.counts,
    });
  }
  await batchWriteAll(reports.map((put) => ({ put })));

  const pointer: SubmissionPointer = {
    districtId: s.districtId,
    schoolYear: s.schoolYear,
    submissionId,
    contentHash: hash,
    pathwayIds: s.pathways.map((p) => p.pathwayId).sort(),
    hasDistrictReport: s.district !== undefined,
    source: source.kind,
    ...(source.kind === 'csv' ? { uploadId: source.uploadId } : {}),
    submittedAt: at,
    submittedBy: actor,
    version: (before?.version ?? 0) + 1,
  };
  const pointerPut: TransactItem = {
    Put: {
      TableName: config.tableName,
      Item: {
        ...keys.outcomeCurrent(s.districtId, s.schoolYear),
        ...keys.outcomeCurrentIndexes(s.districtId, s.schoolYear),
        _type: 'outcomeSubmission',
        ...pointer,
      },
      ConditionExpression: before ? 'submissionId = :prev' : 'attribute_not_exists(PK)',
      ...(before ? { ExpressionAttributeValues: { ':prev': before.submissionId } } : {}),
    },
  };
  const generationBump: TransactItem = {
    Update: {
      TableName: config.tableName,
      Key: keys.outcomeYearState(s.schoolYear),
      UpdateExpression: 'ADD #g :one SET #t = if_not_exists(#t, :type), #y = :year',
      ExpressionAttributeNames: { '#g': 'generation', '#t': '_type', '#y': 'schoolYear' },
      ExpressionAttributeValues: { ':one': 1, ':type': 'outcomeYearState', ':year': s.schoolYear },
    },
  };
  const audit = auditItem(
    { kind: 'district', id: s.districtId },
    {
      at,
      actor,
      action: before ? 'outcomes.replaced' : 'outcomes.submitted',
      entity: { kind: 'outcomeSubmission', id: submissionId },
      changes: [
        { field: 'schoolYear', to: s.schoolYear },
        { field: 'submissionId', ...(before ? { from: before.submissionId } : {}), to: submissionId },
        { field: 'pathwayIds', ...(before ? { from: before.pathwayIds } : {}), to: pointer.pathwayIds },
        { field: 'source', to: source.kind === 'csv' ? `csv:${source.uploadId}` : 'json' },
      ],
    },
  );
  try {
    await transact([pointerPut, generationBump, audit, ...extra]);
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedCondition(0)) {
      throw new ConflictError('Another submission for this district and school year was stored at the same time; reload and submit again.');
    }
    throw error;
  }
  await recomputeYear(s.schoolYear);
  return { pointer, replaced: before?.submissionId ?? null, unchanged: false };
}

// ---------------------------------------------------------------------------------------
// Precomputed views

export interface EntityViewItem {
  schoolYear: SchoolYear;
  entity: { kind: 'pathway'; pathwayId: string; districtId: string } | { kind: 'district'; districtId: string };
  submissionId: string;
  /** Raw counts: for staff only. */
  counts: OutcomeCounts;
  /** The year's suppression pattern applied: for everyone else. */
  public: CountView;
  /** Pathway views: the profile and application headline, from the raw counts and from `public`. */
  headline?: { raw: OutcomeHeadline; public: OutcomeHeadline };
  computedAt: string;
  generation: number;
}

export interface NetworkViewItem {
  schoolYear: SchoolYear;
  counts: OutcomeCounts;
  rateBases: { [k: string]: { [g: string]: number } };
  pathways: number;
  districts: number;
  public: NetworkView;
  unauditedUnknowns: number;
  computedAt: string;
  generation: number;
}

async function yearGeneration(schoolYear: SchoolYear): Promise<number> {
  const state = await getItem(keys.outcomeYearState(schoolYear), true);
  return Number(state?.generation ?? 0);
}

/**
 * Recomputes and stores every view of a school year from the current submissions: one
 * suppression pattern over the whole network. Repeats (up to 5 times) while a concurrent
 * submission bumped the year's generation during the computation.
 */
export async function recomputeYear(schoolYear: SchoolYear): Promise<{ entities: number; generation: number }> {
  let result = { entities: 0, generation: 0 };
  for (let round = 0; round < 5; round++) {
    const generation = await yearGeneration(schoolYear);
    result = await computeYearOnce(schoolYear, generation);
    if ((await yearGeneration(schoolYear)) === generation) return result;
  }
  return result;
}

async function computeYearOnce(schoolYear: SchoolYear, generation: number): Promise<{ entities: number; generation: number }> {
  const pointers = (await queryPartition({ partition: partitions.outcomeSubmissionsOfYear(schoolYear) })) as unknown as SubmissionPointer[];
  const districts = await Promise.all(
    pointers.map(async (p) => {
      const items = await queryAll(keys.outcomeSubmissionPartition(p.submissionId));
      let counts: OutcomeCounts | undefined;
      const pathways: { pathwayId: string; counts: OutcomeCounts }[] = [];
      for (const item of items) {
        const entity = item.entity as { kind: 'pathway'; pathwayId: string } | { kind: 'district'; districtId: string };
        if (entity.kind === 'district') counts = item.counts as OutcomeCounts;
        else pathways.push({ pathwayId: entity.pathwayId, counts: item.counts as OutcomeCounts });
      }
      return { districtId: p.districtId, submissionId: p.submissionId, counts, pathways };
    }),
  );
  const publicYear = suppressYear(
    { districts: districts.map(({ districtId, counts, pathways }) => ({ districtId, counts, pathways })), network: true },
    outcomeSettings.suppression,
  );
  const at = nowIso();
  const puts: Item[] = [];
  const fresh = new Set<string>();
  for (const d of districts) {
    if (d.counts) {
      const key = keys.outcomeView({ kind: 'district', id: d.districtId }, schoolYear);
      fresh.add(`${key.PK}|${key.SK}`);
      const view: EntityViewItem = {
        schoolYear,
        entity: { kind: 'district', districtId: d.districtId },
        submissionId: d.submissionId,
        counts: d.counts,
        public: publicYear.districts.get(d.districtId) ?? {},
        computedAt: at,
        generation,
      };
      puts.push({ ...key, ...keys.outcomeViewIndexes(schoolYear, `district:${d.districtId}`), _type: 'outcomeView', ...view });
    }
    for (const p of d.pathways) {
      const key = keys.outcomeView({ kind: 'pathway', id: p.pathwayId }, schoolYear);
      fresh.add(`${key.PK}|${key.SK}`);
      const publicView = publicYear.pathways.get(p.pathwayId) ?? {};
      const view: EntityViewItem = {
        schoolYear,
        entity: { kind: 'pathway', pathwayId: p.pathwayId, districtId: d.districtId },
        submissionId: d.submissionId,
        counts: p.counts,
        public: publicView,
        headline: { raw: headlineOf(schoolYear, revealAll(p.counts)), public: headlineOf(schoolYear, publicView) },
        computedAt: at,
        generation,
      };
      puts.push({ ...key, ...keys.outcomeViewIndexes(schoolYear, `pathway:${p.pathwayId}`), _type: 'outcomeView', ...view });
    }
  }
  const aggregate = aggregateNetwork(districts.flatMap((d) => d.pathways.map((p) => p.counts)));
  const networkKey = keys.outcomeView({ kind: 'network' }, schoolYear);
  fresh.add(`${networkKey.PK}|${networkKey.SK}`);
  const network: NetworkViewItem = {
    schoolYear,
    counts: aggregate.counts,
    rateBases: aggregate.rateBases,
    pathways: aggregate.pathways,
    districts: districts.length,
    public: publicYear.network ?? { counts: {}, rateBases: {}, pathways: 0 },
    unauditedUnknowns: publicYear.unauditedUnknowns,
    computedAt: at,
    generation,
  };
  puts.push({ ...networkKey, ...keys.outcomeViewIndexes(schoolYear, 'network'), _type: 'outcomeView', ...network });

  // Views of entities no longer in any current submission (a pathway dropped on resubmission).
  const existing = await queryPartition({ partition: partitions.outcomeViewsOfYear(schoolYear), projection: ['PK', 'SK'] });
  const stale = existing.filter((i) => !fresh.has(`${String(i.PK)}|${String(i.SK)}`)).map((i) => ({ PK: String(i.PK), SK: String(i.SK) }));
  await batchWriteAll([...puts.map((put) => ({ put })), ...stale.map((k) => ({ delete: k }))]);
  return { entities: puts.length, generation };
}

export async function getEntityView(kind: 'pathway' | 'district', id: string, schoolYear: SchoolYear): Promise<EntityViewItem | undefined> {
  const item = await getItem(keys.outcomeView({ kind, id }, schoolYear));
  return item ? (stripKeys(item) as unknown as EntityViewItem) : undefined;
}

/** Every year's view of one entity, oldest first: one Query. */
export async function listEntityViews(kind: 'pathway' | 'district', id: string): Promise<EntityViewItem[]> {
  const items = await queryAll(keys.outcomeViewPartition({ kind, id }), 'YEAR#');
  return items.map((i) => stripKeys(i) as unknown as EntityViewItem);
}

export async function listNetworkViews(): Promise<NetworkViewItem[]> {
  const items = await queryAll(keys.outcomeViewPartition({ kind: 'network' }), 'YEAR#');
  return items.map((i) => stripKeys(i) as unknown as NetworkViewItem);
}

/** Every pathway and district view of a year (the staff export). */
export async function listYearViews(schoolYear: SchoolYear): Promise<EntityViewItem[]> {
  const items = await queryPartition({ partition: partitions.outcomeViewsOfYear(schoolYear) });
  return items.filter((i) => i.GSI1SK !== 'network').map((i) => stripKeys(i) as unknown as EntityViewItem);
}

/** Staff see every cell; a network's rate bases in the same shape. */
export function revealBases(bases: NetworkViewItem['rateBases']): BaseView {
  const out: Record<string, Record<string, { value: number }>> = {};
  for (const [n, groups] of Object.entries(bases)) {
    out[n] = {};
    for (const [g, v] of entriesOf(groups)) out[n][g] = { value: v };
  }
  return out;
}

/** Every pathway id of a district, through the registry's paginated list. */
export async function districtPathwayIds(districtId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await listDistrictPathways(districtId, {}, 100, cursor);
    for (const p of page.items) ids.add(p.id);
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

export { latestHeadline, type OutcomeHeadline } from './outcomes-headline.ts';
