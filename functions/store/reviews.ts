/**
 * Review rounds: one per submission of an application, in the application's partition
 * under `ROUND#<nnnn>` (keys.ts pattern 40), so one Query reads a round whole:
 *
 *   ROUND#0001                  the round: stage, seats, adjudications, aggregate, staff task token
 *   ROUND#0001#SEAT#01          a seat of the panel: its current review and the seat's task token
 *   ROUND#0001#REVIEW#<rev_>    one reviewer's review: scores, status, due date
 *   ROUND#0001#DECISION         staff's decision with the letter to the team
 *   ROUND#0001#SNAP#<criterion> the submission as reviewed (narrative, frozen evidence versions)
 *
 * Plus, outside the partition, the reviewer's assignment item (`PERSON#<sub>` /
 * `ASSIGN#<app>`, read by authorize.ts) and their profile's open-assignment counter.
 *
 * Decisions:
 * - A seat, not a reviewer, is what the workflow waits on: each seat loops until a review
 *   is submitted for it, so recusal, reassignment and staff assignment all become "the
 *   seat's current review changed; wait again".
 * - Task tokens live on the seat (review waits) and on the round (adjudication and
 *   decision waits). Answers follow "write, then read": the API records the fact, then
 *   reads the token; the waiting task stores its token, then re-reads the fact. With
 *   consistent reads one of the two always sees the other, so no answer is lost; when both
 *   answer, the second gets TaskTimedOut, which is harmless.
 * - Every change of a seat is conditional on the review it expects there, and every
 *   assignment increments the reviewer's counter conditionally (reviewers.ts), so racing
 *   assigners can neither double-fill a seat nor overload a reviewer.
 * - Reviewers keep read access (their assignment stays active) until the decision, so they
 *   can follow the thread and adjudication; their load counter drops when they submit.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReviewRole } from '#core/review/assignment.ts';
import { dueAtFor, type ReviewDueConfig } from '#core/review/due-dates.ts';
import type { AggregateResult, CriterionScore } from '#core/review/scoring.ts';
import type { Level } from '#core/levels.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { newId } from '#core/ids.ts';
import type { AuditEvent } from './audit.ts';
import type { Assignment } from './entities.ts';
import { batchGet } from './registry.ts';
import {
  batchWrite,
  getItem,
  itemsThrough,
  putNew,
  queryAll,
  addSets,
  queryPage,
  stripKeys,
  transact,
  TransactionCancelled,
  type Item,
  type Page,
  type TransactItem,
} from './db.ts';
import { partitions } from './keys.ts';
import * as keys from './keys.ts';
import type { BenefitsChange } from './benefits.ts';
import { affiliationUnchanged, closeAssignmentCount, openAssignmentCount, type AffiliationGuard } from './reviewers.ts';

export type { AffiliationGuard } from './reviewers.ts';

export type Actor = AuditEvent['actor'];

export { reviewStages, type ReviewStage } from '#core/review/stages.ts';
import { stageMoves, type ReviewStage, type StageMove, type StageMoveName } from '#core/review/stages.ts';

export const reviewStatuses = ['assigned', 'in_progress', 'submitted', 'recused', 'reassigned'] as const;
export type ReviewStatus = (typeof reviewStatuses)[number];
export const openReviewStatuses: readonly ReviewStatus[] = ['assigned', 'in_progress'];
export const isOpenReview = (r: Pick<Review, 'status'>) => openReviewStatuses.includes(r.status);

export interface RecordedAdjudication {
  level: string;
  reason: string;
  by: Actor;
  at: string;
}

export interface StaffTask {
  kind: 'adjudication' | 'decision';
  token: string;
  since: string;
}

export interface ReviewRound {
  applicationId: string;
  pathwayId: string;
  districtId: string;
  schoolId: string;
  pathwayName: string;
  round: number;
  level: Level;
  frameworkId: string;
  frameworkVersion: string;
  seats: number;
  stage: ReviewStage;
  stageSince: string;
  createdAt: string;
  updatedAt: string;
  /** Execution names that worked on this round, oldest first; the last one is current. */
  executions: string[];
  executionArn?: string;
  snapshotAt?: string;
  adjudications: Record<string, RecordedAdjudication>;
  /** The last aggregation (core/review/scoring.ts), for staff and the decision. */
  aggregate?: AggregateResult;
  aggregatedAt?: string;
  staffTask?: StaffTask;
  /** Staff alerts sent while the round waited for adjudication / a decision (pipeline/wait-deadlines.ts). */
  adjudicationAlerts?: number;
  decisionAlerts?: number;
  failure?: { error: string; cause: string; at: string; execution: string };
}

export interface ReviewSeat {
  applicationId: string;
  round: number;
  seat: number;
  /** The seat's intended role; the review records the role actually held. */
  role: ReviewRole;
  /** The seat's current review (open, submitted, or the one that was just vacated). */
  reviewId: string | null;
  /** Times this seat was reassigned because a review was late. */
  reassignments: number;
  token?: string;
  /** What the seat's token waits for: a review, or staff to assign someone by hand. */
  tokenFor?: 'review' | 'assignment';
  tokenSince?: string;
  /** The vacancy staff were last alerted about (a review id or 'initial'), so each alert goes out once. */
  alertedVacancy?: string;
}

export interface Review {
  id: string;
  applicationId: string;
  pathwayId: string;
  round: number;
  seat: number;
  reviewerSub: string;
  reviewerName?: string;
  role: ReviewRole;
  status: ReviewStatus;
  assignedAt: string;
  /** 'system' for the pipeline, else the staff member's sub. */
  assignedBy: string;
  dueAt: string;
  remindersSent: number[];
  reassignedCount: number;
  escalated: boolean;
  scores: CriterionScore[];
  version: number;
  updatedAt: string;
  submittedAt?: string;
  closedAt?: string;
  recusal?: { reason: string; at: string };
  /** Set when the review was closed because its reviewer became conflicted (core/review/assignment.ts codes). */
  conflict?: string[];
  /** When the ReviewerAssigned event went out (published once). */
  notifiedAt?: string;
  /** When the ReviewSubmitted event went out. */
  submittedNotifiedAt?: string;
}

export const decisionOutcomes = ['certified', 'revise_and_resubmit', 'not_yet'] as const;
export type DecisionOutcome = (typeof decisionOutcomes)[number];

export interface DecisionLetter {
  summary: string;
  strengths: string[];
  areasForGrowth: { componentId: string; text: string }[];
}

export interface ReviewDecision {
  applicationId: string;
  pathwayId: string;
  round: number;
  level: Level;
  decision: DecisionOutcome;
  letter: DecisionLetter;
  /** For revise and resubmit: what must change, per criterion. */
  requiredChanges: { criterionId: string; change: string }[];
  /** The aggregate's recommendation when staff decided (kept for the record). */
  recommendation: string;
  decidedBy: Actor;
  decidedAt: string;
  /** Set once the pipeline applied the decision (status, certification, pathway). */
  applied?: { at: string; certificationId?: string; issuedOn?: string; expiresOn?: string; benefits?: BenefitsChange };
  events?: { decisionMade?: string; certificationIssued?: string; benefitsChanged?: string };
}

export interface SnapshotResponse {
  applicationId: string;
  round: number;
  criterionId: string;
  narrative: string;
  evidence: { evidenceId: string; version?: number; kind?: string }[];
  responseVersion: number;
}

export interface RoundView {
  round: ReviewRound;
  seats: ReviewSeat[];
  reviews: Review[];
  decision?: ReviewDecision;
  snapshot: SnapshotResponse[];
}

/** Raised when a conditional write lost to a concurrent change; the pipeline retries it. */
export class ConcurrentChange extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConcurrentChange';
  }
}

/** A reviewer at their maximum open assignments (the counter's condition failed). */
export class ReviewerAtCapacity extends Error {
  constructor(readonly reviewerSub: string) {
    super(`reviewer ${reviewerSub} is at their maximum of open assignments`);
    this.name = 'ReviewerAtCapacity';
  }
}

// ---------------------------------------------------------------------------------------
// Configuration

/** REVIEW_DUE_DAYS (default 21), REVIEW_GRACE_DAYS (1), STAFF_ALERT_DAYS (7). */
export function reviewDueConfig(): ReviewDueConfig {
  return config.reviewDue;
}

// ---------------------------------------------------------------------------------------
// Items

const roundItem = (r: ReviewRound): Item => ({
  ...keys.reviewRound(r.applicationId, r.round),
  ...keys.reviewStageIndexes(r.stage, r.stageSince, r.applicationId),
  _type: 'review_round',
  ...r,
});

const seatItem = (s: ReviewSeat): Item => ({ ...keys.reviewSeat(s.applicationId, s.round, s.seat), _type: 'review_seat', ...s });

function reviewItem(r: Review): Item {
  const dueIndex = isOpenReview(r) && !r.escalated ? keys.reviewDueIndexes(r.dueAt, r.id) : {};
  return { ...keys.review(r.applicationId, r.round, r.id), ...dueIndex, _type: 'review', ...r };
}

const asRound = (i: Item) => stripKeys(i) as unknown as ReviewRound;
const asSeat = (i: Item) => stripKeys(i) as unknown as ReviewSeat;
const asReview = (i: Item) => stripKeys(i) as unknown as Review;
const asDecision = (i: Item) => stripKeys(i) as unknown as ReviewDecision;
const asSnapshot = (i: Item) => stripKeys(i) as unknown as SnapshotResponse;

// ---------------------------------------------------------------------------------------
// Reads

export async function getRound(applicationId: string, round: number, consistent = true): Promise<ReviewRound | undefined> {
  const item = await getItem(keys.reviewRound(applicationId, round), consistent);
  return item ? asRound(item) : undefined;
}

export async function getSeat(applicationId: string, round: number, seat: number): Promise<ReviewSeat | undefined> {
  const item = await getItem(keys.reviewSeat(applicationId, round, seat), true);
  return item ? asSeat(item) : undefined;
}

export async function getReview(applicationId: string, round: number, reviewId: string, consistent = true): Promise<Review | undefined> {
  const item = await getItem(keys.review(applicationId, round, reviewId), consistent);
  return item ? asReview(item) : undefined;
}

export async function getDecision(applicationId: string, round: number): Promise<ReviewDecision | undefined> {
  const item = await getItem(keys.reviewDecision(applicationId, round), true);
  return item ? asDecision(item) : undefined;
}

/** Everything of one round in one (consistent) Query. */
export async function readRound(applicationId: string, round: number): Promise<RoundView | undefined> {
  const items = await queryAll(keys.applicationPartition(applicationId), keys.roundPrefix(round), true);
  let header: ReviewRound | undefined;
  const seats: ReviewSeat[] = [];
  const reviews: Review[] = [];
  const snapshot: SnapshotResponse[] = [];
  let decision: ReviewDecision | undefined;
  const base = keys.roundPrefix(round);
  for (const item of items) {
    const sk = String(item.SK);
    if (sk === base) header = asRound(item);
    else if (sk.startsWith(`${base}#SEAT#`)) seats.push(asSeat(item));
    else if (sk.startsWith(`${base}#REVIEW#`)) reviews.push(asReview(item));
    else if (sk === `${base}#DECISION`) decision = asDecision(item);
    else if (sk.startsWith(`${base}#SNAP#`)) snapshot.push(asSnapshot(item));
  }
  if (!header) return undefined;
  seats.sort((a, b) => a.seat - b.seat);
  return { round: header, seats, reviews, decision, snapshot };
}

/**
 * A person's assignment item (`PERSON#<sub>` / `ASSIGN#<app>`, pattern 21) as assignSeat
 * writes it and the vacating writes change it.
 */
export interface StoredAssignment extends Assignment {
  reviewId?: string;
  round?: number;
  endedAt?: string;
  /** A seat vacated for a conflict whose workflow was not told yet (conflicts.ts). */
  seatAnswerPending?: boolean;
}

/** Every assignment of a person, active or ended (one consistent Query of their partition). */
export async function assignmentsOf(sub: string): Promise<StoredAssignment[]> {
  const items = await queryAll(keys.personPartition(sub), keys.assignmentPrefix, true);
  return items.map((i) => stripKeys(i) as unknown as StoredAssignment);
}

/** Every review of an application, all rounds (for former reviewers and history). */
export async function allReviews(applicationId: string): Promise<Review[]> {
  const items = await queryAll(keys.applicationPartition(applicationId), 'ROUND#', true);
  return items.filter((i) => String(i.SK).includes('#REVIEW#')).map(asReview);
}

/** The seat's current review, if it is open or submitted (a vacated seat has none). */
export function seatHolder(view: RoundView, seat: ReviewSeat): Review | undefined {
  const r = seat.reviewId ? view.reviews.find((x) => x.id === seat.reviewId) : undefined;
  return r && (isOpenReview(r) || r.status === 'submitted') ? r : undefined;
}

export async function listRoundsByStage(stage: ReviewStage, limit?: number, cursor?: string): Promise<Page<ReviewRound>> {
  const page = await queryPage({ partition: partitions.reviewStage(stage), limit, cursor });
  return { items: page.items.map(asRound), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** Submitted reviews (all rounds, all applications), oldest first, for calibration. */
export async function submittedReviews(since?: string): Promise<Review[]> {
  const out: Review[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryPage({
      partition: partitions.submittedReviews,
      limit: 100,
      cursor,
      ...(since ? { filter: { expression: '#s >= :since', names: { '#s': 'submittedAt' }, values: { ':since': since } } } : {}),
    });
    out.push(...page.items.map(asReview));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * Open reviews due at or before `until` (reminders and lateness), soonest due first: a key
 * condition on the sparse due index, so the read covers the reviews that can have something
 * due, never the whole history.
 */
export async function reviewsDueBy(
  until: string,
  limit = 100,
  exclusiveStartKey?: Record<string, unknown>,
): Promise<{ items: Review[]; next?: Record<string, unknown> }> {
  const page = await itemsThrough(partitions.reviewsDue, `${until}\uffff`, limit, exclusiveStartKey);
  return { ...page, items: page.items.map(asReview) };
}

// ---------------------------------------------------------------------------------------
// Round lifecycle

export interface NewRound {
  applicationId: string;
  pathwayId: string;
  districtId: string;
  schoolId: string;
  pathwayName: string;
  round: number;
  level: Level;
  frameworkId: string;
  frameworkVersion: string;
  seats: number;
}

/** Creates the round and its seats once; a second call finds them and returns the existing round. */
export async function ensureRound(n: NewRound): Promise<ReviewRound> {
  const existing = await getRound(n.applicationId, n.round);
  if (existing) return existing;
  const at = nowIso();
  const round: ReviewRound = { ...n, stage: 'assigning', stageSince: at, createdAt: at, updatedAt: at, executions: [], adjudications: {} };
  const seats: ReviewSeat[] = Array.from({ length: n.seats }, (_, i) => ({
    applicationId: n.applicationId,
    round: n.round,
    seat: i + 1,
    role: i === 0 ? 'lead' : 'co-reviewer',
    reviewId: null,
    reassignments: 0,
  }));
  try {
    await transact([putNew(roundItem(round)), ...seats.map((s) => putNew(seatItem(s)))]);
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedCondition(0)) return (await getRound(n.applicationId, n.round))!;
    throw error;
  }
  return round;
}

function update(
  key: { PK: string; SK: string },
  o: {
    set?: Record<string, unknown>;
    remove?: string[];
    condition?: string;
    names?: Record<string, string>;
    values?: Record<string, unknown>;
    add?: Record<string, number>;
    /** Extra SET clauses written by hand (nested paths). */
    raw?: string;
  },
): TransactItem {
  const names: Record<string, string> = { ...o.names };
  const values: Record<string, unknown> = { ...o.values };
  const parts: string[] = [];
  const { sets } = addSets({ names, values, sets: [] }, o.set ?? {}, { prefix: 's' });
  const adds = Object.entries(o.add ?? {}).map(([field, by], i) => {
    names[`#a${i}`] = field;
    values[`:a${i}`] = by;
    values[':zero'] = 0;
    return `#a${i} = if_not_exists(#a${i}, :zero) + :a${i}`;
  });
  const all = [...sets, ...adds, ...(o.raw ? [o.raw] : [])];
  if (all.length) parts.push(`SET ${all.join(', ')}`);
  const removes = (o.remove ?? []).map((field, i) => {
    names[`#r${i}`] = field;
    return `#r${i}`;
  });
  if (removes.length) parts.push(`REMOVE ${removes.join(', ')}`);
  return {
    Update: {
      TableName: config.tableName,
      Key: key,
      UpdateExpression: parts.join(' '),
      ConditionExpression: o.condition,
      ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
      ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
      ReturnValuesOnConditionCheckFailure: o.condition ? 'ALL_OLD' : undefined,
    },
  };
}

async function updateOne(item: TransactItem): Promise<boolean> {
  const u = item.Update!;
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: u.TableName,
        Key: u.Key as Record<string, unknown>,
        UpdateExpression: u.UpdateExpression,
        ConditionExpression: u.ConditionExpression,
        ExpressionAttributeNames: u.ExpressionAttributeNames,
        ExpressionAttributeValues: u.ExpressionAttributeValues as Record<string, unknown> | undefined,
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * Makes a stage move (core/review/stages.ts stageMoves) and moves the round's queue
 * position with it; conditioned on the round being at one of the move's `from` stages, so
 * a round that moved on is never moved back.
 */
export function stageUpdate(
  applicationId: string,
  round: number,
  move: StageMoveName,
  set: Record<string, unknown> = {},
  owner?: string,
): TransactItem {
  const { to: stage, from } = stageMoves[move] as StageMove;
  const at = nowIso();
  const idx = keys.reviewStageIndexes(stage, at, applicationId);
  const fromValues = Object.fromEntries(from.map((s, i) => [`:from${i}`, s]));
  const conditions = ['attribute_exists(PK)', `#stage IN (${Object.keys(fromValues).join(', ')})`];
  // Only while `owner` holds the round (or nobody has claimed it): roundOwnedBy, as a condition.
  if (owner) conditions.push('(attribute_not_exists(#owner) OR #owner = :owner)');
  return update(keys.reviewRound(applicationId, round), {
    set: { stage, stageSince: at, updatedAt: at, GSI3PK: idx.GSI3PK, GSI3SK: idx.GSI3SK, ...set },
    condition: conditions.join(' AND '),
    names: { '#stage': 'stage', ...(owner ? { '#owner': 'executionArn' } : {}) },
    values: { ...fromValues, ...(owner ? { ':owner': owner } : {}) },
  });
}

/**
 * Makes a stage move unless the round is not at one of its `from` stages, and, with
 * `owner`, only while that execution owns the round; true when it changed.
 */
export async function moveStage(
  applicationId: string,
  round: number,
  move: StageMoveName,
  set: Record<string, unknown> = {},
  owner?: string,
): Promise<boolean> {
  return updateOne(stageUpdate(applicationId, round, move, set, owner));
}

export type RoundClaim = { owner: true } | { owner: false; current: string };

/**
 * The execution that acts on a round: claimed by the review workflow's first task with a
 * conditional write on `executionArn`, so racing starts of one application (submit, staff,
 * console) find one winner. A later start takes over only when `isLive` says the current
 * owner is no longer running (failed, stopped, timed out); otherwise it loses.
 */
export async function claimRound(
  applicationId: string,
  round: number,
  executionName: string,
  executionArn: string,
  isLive: (executionArn: string) => Promise<boolean>,
): Promise<RoundClaim> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await getRound(applicationId, round);
    if (!current) throw new ConcurrentChange(`no round ${round} for ${applicationId}`);
    const previous = current.executionArn;
    if (previous && previous !== executionArn && (await isLive(previous))) return { owner: false, current: previous };
    const executions = current.executions.includes(executionName) ? current.executions : [...current.executions, executionName];
    const claimed = await updateOne(
      update(keys.reviewRound(applicationId, round), {
        set: { executions, executionArn, updatedAt: nowIso() },
        remove: ['failure'],
        condition: previous ? 'attribute_exists(PK) AND #owner = :previous' : 'attribute_exists(PK) AND attribute_not_exists(#owner)',
        names: { '#owner': 'executionArn' },
        values: previous ? { ':previous': previous } : {},
      }),
    );
    if (claimed) return { owner: true };
  }
  throw new ConcurrentChange(`the owner of round ${round} of ${applicationId} kept changing`);
}

/**
 * Whether `executionArn` (when given) is the execution that owns the round as read (a
 * round nobody claimed yet, or none, is nobody's to lose); tasks of any other one stand
 * down. Tasks check the round they read anyway, with the consistency they read it with.
 */
export function roundOwnedBy(round: Pick<ReviewRound, 'executionArn'> | undefined, executionArn: string | undefined): boolean {
  if (!executionArn) return true;
  return !round?.executionArn || round.executionArn === executionArn;
}

/** roundOwnedBy on a consistent read of the round (for a caller that needs nothing else of it). */
export async function ownsRound(applicationId: string, round: number, executionArn: string | undefined): Promise<boolean> {
  if (!executionArn) return true;
  return roundOwnedBy(await getRound(applicationId, round), executionArn);
}

/** Counts one staff alert of a staff wait (`k` alerts sent before): false when another run counted it. */
export async function countStaffAlert(applicationId: string, round: number, kind: StaffTask['kind'], k: number): Promise<boolean> {
  const field = kind === 'adjudication' ? 'adjudicationAlerts' : 'decisionAlerts';
  return updateOne(
    update(keys.reviewRound(applicationId, round), {
      set: { [field]: k + 1, updatedAt: nowIso() },
      condition: k === 0 ? 'attribute_exists(PK) AND (attribute_not_exists(#n) OR #n = :k)' : 'attribute_exists(PK) AND #n = :k',
      names: { '#n': field },
      values: { ':k': k },
    }),
  );
}

export async function setRoundFields(
  applicationId: string,
  round: number,
  set: Record<string, unknown>,
  remove: string[] = [],
): Promise<void> {
  await updateOne(
    update(keys.reviewRound(applicationId, round), { set: { ...set, updatedAt: nowIso() }, remove, condition: 'attribute_exists(PK)' }),
  );
}

/** Writes the submission as reviewed (idempotent: the same content each time). */
export async function writeSnapshot(
  applicationId: string,
  round: number,
  responses: Omit<SnapshotResponse, 'applicationId' | 'round'>[],
): Promise<void> {
  const items = responses.map((r) => ({
    ...keys.submissionSnapshot(applicationId, round, r.criterionId),
    _type: 'snapshot',
    applicationId,
    round,
    ...r,
  }));
  if ((await batchWrite(items.map((put) => ({ put })))) > 0) throw new ConcurrentChange('snapshot writes stayed unprocessed');
  await setRoundFields(applicationId, round, { snapshotAt: nowIso() });
}

// ---------------------------------------------------------------------------------------
// Seats and assignments

export interface SeatAssignment {
  round: Pick<ReviewRound, 'applicationId' | 'pathwayId' | 'round'>;
  seat: number;
  /** The seat's review the caller saw (null for an empty seat); the write fails if it changed. */
  expectedReviewId: string | null;
  reviewer: { sub: string; name?: string };
  role: ReviewRole;
  assignedBy: string;
  reassignedCount: number;
  overrideLoad?: boolean;
  /** Extra items (e.g. vacating the previous review when staff replace a reviewer). */
  extra?: TransactItem[];
  /**
   * What the conflict check of this pick read: the seat is filled only if the reviewer's
   * memberships (stamp) and profile (version) are unchanged since, so nobody who became
   * conflicted meanwhile is seated (ConcurrentChange: check again).
   */
  guard?: AffiliationGuard;
}

/**
 * Fills a seat: the review, the seat pointer, the reviewer's assignment item (access) and
 * their load counter, in one transaction. Throws ConcurrentChange when the seat changed,
 * ReviewerAtCapacity when the counter refused.
 */
export async function assignSeat(a: SeatAssignment): Promise<Review> {
  const at = nowIso();
  const { applicationId, pathwayId, round } = a.round;
  const review: Review = {
    id: newId('review'),
    applicationId,
    pathwayId,
    round,
    seat: a.seat,
    reviewerSub: a.reviewer.sub,
    ...(a.reviewer.name ? { reviewerName: a.reviewer.name } : {}),
    role: a.role,
    status: 'assigned',
    assignedAt: at,
    assignedBy: a.assignedBy,
    dueAt: dueAtFor(at, reviewDueConfig()),
    remindersSent: [],
    reassignedCount: a.reassignedCount,
    escalated: false,
    scores: [],
    version: 1,
    updatedAt: at,
  };
  const items: TransactItem[] = [
    putNew(reviewItem(review)),
    update(keys.reviewSeat(applicationId, round, a.seat), {
      // The seat's token stays: whoever filled the seat answers it after this write (write, then read).
      set: { reviewId: review.id, role: a.role },
      condition:
        a.expectedReviewId === null
          ? 'attribute_exists(PK) AND (attribute_not_exists(#rid) OR #rid = :null)'
          : 'attribute_exists(PK) AND #rid = :expected',
      names: { '#rid': 'reviewId' },
      values: a.expectedReviewId === null ? { ':null': null } : { ':expected': a.expectedReviewId },
    }),
    {
      Put: {
        TableName: config.tableName,
        Item: {
          ...keys.assignment(a.reviewer.sub, applicationId),
          _type: 'assignment',
          sub: a.reviewer.sub,
          applicationId,
          pathwayId,
          active: true,
          role: a.role === 'lead' ? 'lead' : 'reviewer',
          assignedAt: at,
          dueAt: review.dueAt,
          reviewId: review.id,
          round,
        },
        // A reviewer holds one seat per application: an active assignment blocks a second.
        ConditionExpression: 'attribute_not_exists(PK) OR #active = :false',
        ExpressionAttributeNames: { '#active': 'active' },
        ExpressionAttributeValues: { ':false': false },
      },
    },
    openAssignmentCount(a.reviewer.sub, a.overrideLoad, a.guard?.profileVersion),
    ...(a.extra ?? []),
    ...(a.guard ? [affiliationUnchanged(a.reviewer.sub, a.guard.stamp)] : []),
  ];
  try {
    await transact(items);
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      if (
        a.guard &&
        (error.failedCondition(items.length - 1) ||
          (error.failedCondition(3) && error.reasons[3]?.item?.version !== a.guard.profileVersion))
      ) {
        throw new ConcurrentChange(`reviewer ${a.reviewer.sub}'s memberships or profile changed`);
      }
      if (error.failedCondition(3)) throw new ReviewerAtCapacity(a.reviewer.sub);
      if (error.failedCondition(2)) throw new ConcurrentChange(`reviewer ${a.reviewer.sub} already holds a seat on ${applicationId}`);
      throw new ConcurrentChange(`seat ${a.seat} of ${applicationId} round ${round} changed`);
    }
    throw error;
  }
  return review;
}

/**
 * Stores the task token a seat waits with. Conditional on the seat still holding
 * `reviewId` (null: still empty), so a token never attaches to a seat that changed.
 */
export async function storeSeatToken(
  applicationId: string,
  round: number,
  seat: number,
  reviewId: string | null,
  token: string,
  tokenFor: 'review' | 'assignment',
  alertedVacancy?: string,
): Promise<boolean> {
  return updateOne(
    update(keys.reviewSeat(applicationId, round, seat), {
      set: { token, tokenFor, tokenSince: nowIso(), ...(alertedVacancy ? { alertedVacancy } : {}) },
      condition:
        reviewId === null
          ? 'attribute_exists(PK) AND (attribute_not_exists(#rid) OR #rid = :null)'
          : 'attribute_exists(PK) AND #rid = :rid',
      names: { '#rid': 'reviewId' },
      values: reviewId === null ? { ':null': null } : { ':rid': reviewId },
    }),
  );
}

/** Marks the vacancy staff were alerted about (once per vacancy). */
export async function markVacancyAlerted(applicationId: string, round: number, seat: number, vacancy: string): Promise<boolean> {
  return updateOne(
    update(keys.reviewSeat(applicationId, round, seat), {
      set: { alertedVacancy: vacancy },
      condition: 'attribute_exists(PK) AND (attribute_not_exists(#v) OR #v <> :v)',
      names: { '#v': 'alertedVacancy' },
      values: { ':v': vacancy },
    }),
  );
}

const openCondition = {
  condition: 'attribute_exists(PK) AND #status IN (:assigned, :progress)',
  names: { '#status': 'status' },
  values: { ':assigned': 'assigned', ':progress': 'in_progress' },
};

/** Saves draft scores (replacing the draft), conditional on the version the reviewer edited. */
export async function saveDraft(review: Review, scores: CriterionScore[], expectedVersion: number): Promise<Review | 'stale' | 'closed'> {
  const at = nowIso();
  const item = update(keys.review(review.applicationId, review.round, review.id), {
    set: { scores, status: 'in_progress', version: expectedVersion + 1, updatedAt: at },
    condition: `${openCondition.condition} AND #v = :v`,
    names: { ...openCondition.names, '#v': 'version' },
    values: { ...openCondition.values, ':v': expectedVersion },
  });
  if (await updateOne(item)) return { ...review, scores, status: 'in_progress', version: expectedVersion + 1, updatedAt: at };
  const now = await getReview(review.applicationId, review.round, review.id);
  return now && isOpenReview(now) ? 'stale' : 'closed';
}

/**
 * Submits a review once: status, scores, the calibration index on, the due index off, and
 * the reviewer's load down, in one transaction. 'closed' when it was no longer open;
 * 'affiliations-changed' when the reviewer's memberships or profile changed after the
 * conflict check (`guard`) read them: check again.
 */
export async function submitReview(
  review: Review,
  scores: CriterionScore[],
  expectedVersion: number,
  guard?: AffiliationGuard,
): Promise<Review | 'stale' | 'closed' | 'affiliations-changed'> {
  const at = nowIso();
  const idx = keys.submittedReviewIndexes(at, review.id);
  try {
    await transact([
      update(keys.review(review.applicationId, review.round, review.id), {
        set: { scores, status: 'submitted', submittedAt: at, closedAt: at, version: expectedVersion + 1, updatedAt: at, ...idx },
        remove: ['GSI3PK', 'GSI3SK'],
        condition: `${openCondition.condition} AND #v = :v`,
        names: { ...openCondition.names, '#v': 'version' },
        values: { ...openCondition.values, ':v': expectedVersion },
      }),
      closeAssignmentCount(review.reviewerSub, guard?.profileVersion),
      ...(guard ? [affiliationUnchanged(review.reviewerSub, guard.stamp)] : []),
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      // The load counter's cancellation reason carries the profile as it was (ALL_OLD).
      if (guard && !error.failedCondition(0)) {
        if (error.failedCondition(2) || (error.failedCondition(1) && error.reasons[1]?.item?.version !== guard.profileVersion))
          return 'affiliations-changed';
      }
      const now = await getReview(review.applicationId, review.round, review.id);
      return now && isOpenReview(now) ? 'stale' : 'closed';
    }
    throw error;
  }
  return { ...review, scores, status: 'submitted', submittedAt: at, closedAt: at, version: expectedVersion + 1, updatedAt: at };
}

/**
 * The items that close an open review as recused or reassigned: the review, its
 * assignment (access ends), the reviewer's load, and (for lateness) the seat's count.
 */
export function vacateItems(
  review: Review,
  status: 'recused' | 'reassigned',
  reason: string,
  countReassignment: boolean,
  extra: { review?: Record<string, unknown>; assignment?: Record<string, unknown> } = {},
): TransactItem[] {
  const at = nowIso();
  return [
    update(keys.review(review.applicationId, review.round, review.id), {
      set: { status, closedAt: at, updatedAt: at, recusal: { reason, at }, version: review.version + 1, ...extra.review },
      remove: ['GSI3PK', 'GSI3SK'],
      ...openCondition,
    }),
    update(keys.assignment(review.reviewerSub, review.applicationId), {
      set: { active: false, endedAt: at, ...extra.assignment },
      condition: 'attribute_exists(PK) AND #rid = :rid',
      names: { '#rid': 'reviewId' },
      values: { ':rid': review.id },
    }),
    closeAssignmentCount(review.reviewerSub),
    ...(countReassignment
      ? [
          update(keys.reviewSeat(review.applicationId, review.round, review.seat), {
            add: { reassignments: 1 },
            condition: 'attribute_exists(PK)',
          }),
        ]
      : []),
  ];
}

/** Closes an open review (recusal, lateness, staff replacement); false when it was no longer open. */
export async function vacateReview(
  review: Review,
  status: 'recused' | 'reassigned',
  reason: string,
  countReassignment = false,
): Promise<boolean> {
  try {
    await transact(vacateItems(review, status, reason, countReassignment));
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedCondition(0)) return false;
    throw error;
  }
}

/**
 * Closes an open review whose reviewer became conflicted (recused, with the conflict's
 * codes), and writes the staff alert in the same transaction, so the seat is vacated and
 * staff are told exactly once however often the caller retries. The assignment keeps
 * `seatAnswerPending` until the workflow was told (clearSeatAnswerPending), so a retry
 * that finds the review closed still tells it. False when the review was no longer open.
 */
export async function vacateForConflict(review: Review, reason: string, codes: readonly string[], alert: Item): Promise<boolean> {
  try {
    await transact([
      ...vacateItems(review, 'recused', reason, false, { review: { conflict: [...codes] }, assignment: { seatAnswerPending: true } }),
      putNew(alert),
    ]);
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedCondition(0)) return false;
    throw error;
  }
}

/** The workflow was told about the vacated seat: the assignment's reminder goes. */
export async function clearSeatAnswerPending(review: Pick<Review, 'reviewerSub' | 'applicationId' | 'id'>): Promise<boolean> {
  return updateOne(
    update(keys.assignment(review.reviewerSub, review.applicationId), {
      remove: ['seatAnswerPending'],
      condition: 'attribute_exists(PK) AND #rid = :rid',
      names: { '#rid': 'reviewId' },
      values: { ':rid': review.id },
    }),
  );
}

/** Changes the role a reviewer holds on the panel (a co-reviewer promoted to lead). */
export async function setReviewRole(review: Review, role: ReviewRole): Promise<void> {
  await transact([
    update(keys.review(review.applicationId, review.round, review.id), { set: { role }, condition: 'attribute_exists(PK)' }),
    update(keys.reviewSeat(review.applicationId, review.round, review.seat), { set: { role }, condition: 'attribute_exists(PK)' }),
    update(keys.assignment(review.reviewerSub, review.applicationId), {
      set: { role: role === 'lead' ? 'lead' : 'reviewer' },
      condition: 'attribute_exists(PK) AND #rid = :rid',
      names: { '#rid': 'reviewId' },
      values: { ':rid': review.id },
    }),
  ]);
}

/** Marks a review's event as published; false when another run already marked it. */
export async function markReviewNotified(
  review: Pick<Review, 'applicationId' | 'round' | 'id'>,
  field: 'notifiedAt' | 'submittedNotifiedAt',
): Promise<boolean> {
  return updateOne(
    update(keys.review(review.applicationId, review.round, review.id), {
      set: { [field]: nowIso() },
      condition: `attribute_exists(PK) AND attribute_not_exists(#f)`,
      names: { '#f': field },
    }),
  );
}

/** Records reminders (and superseded ones) as sent; false when another run recorded one of them first. */
export async function recordReminders(review: Review, record: number[]): Promise<boolean> {
  const values: Record<string, unknown> = {};
  const checks = record.map((d, i) => {
    values[`:d${i}`] = d;
    return `NOT contains(#sent, :d${i})`;
  });
  return updateOne(
    update(keys.review(review.applicationId, review.round, review.id), {
      set: { remindersSent: [...new Set([...review.remindersSent, ...record])].sort((a, b) => b - a) },
      condition: [openCondition.condition, ...checks].join(' AND '),
      names: { ...openCondition.names, '#sent': 'remindersSent' },
      values: { ...openCondition.values, ...values },
    }),
  );
}

/** Marks a late review escalated to staff (once); it leaves the due index. */
export async function markEscalated(review: Review): Promise<boolean> {
  return updateOne(
    update(keys.review(review.applicationId, review.round, review.id), {
      set: { escalated: true, escalatedAt: nowIso() },
      remove: ['GSI3PK', 'GSI3SK'],
      condition: `${openCondition.condition} AND #esc = :false`,
      names: { ...openCondition.names, '#esc': 'escalated' },
      values: { ...openCondition.values, ':false': false },
    }),
  );
}

/** Staff extend a review's due date: reminders run again against the new date. */
export async function extendDue(review: Review, dueAt: string): Promise<boolean> {
  return updateOne(
    update(keys.review(review.applicationId, review.round, review.id), {
      set: { dueAt, remindersSent: [], escalated: false, ...keys.reviewDueIndexes(dueAt, review.id), updatedAt: nowIso() },
      ...openCondition,
    }),
  );
}

// ---------------------------------------------------------------------------------------
// Staff waits: adjudication and decision

/** Stores the round's staff task token while the round is at the matching stage. */
export async function storeStaffToken(applicationId: string, round: number, kind: StaffTask['kind'], token: string): Promise<boolean> {
  const task: StaffTask = { kind, token, since: nowIso() };
  return updateOne(
    update(keys.reviewRound(applicationId, round), {
      set: { staffTask: task },
      condition: 'attribute_exists(PK) AND #stage = :stage',
      names: { '#stage': 'stage' },
      values: { ':stage': kind },
    }),
  );
}

/** Adds staff adjudications (criterion → level and reason) while the round awaits them. */
export async function recordAdjudications(
  applicationId: string,
  round: number,
  entries: { criterionId: string; level: string; reason: string }[],
  by: Actor,
): Promise<boolean> {
  const at = nowIso();
  const names: Record<string, string> = { '#adj': 'adjudications', '#stage': 'stage' };
  const values: Record<string, unknown> = { ':stage': 'adjudication' };
  const sets = entries.map((e, i) => {
    names[`#c${i}`] = e.criterionId;
    values[`:c${i}`] = { level: e.level, reason: e.reason, by, at } satisfies RecordedAdjudication;
    return `#adj.#c${i} = :c${i}`;
  });
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.reviewRound(applicationId, round),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(PK) AND #stage = :stage',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Records staff's decision once, while the round awaits it; false when it does not (or one exists). */
export async function recordDecision(d: ReviewDecision): Promise<boolean> {
  try {
    await transact([
      putNew({ ...keys.reviewDecision(d.applicationId, d.round), _type: 'review_decision', events: {}, ...d }),
      update(keys.reviewRound(d.applicationId, d.round), {
        set: { decidedAt: d.decidedAt },
        condition: 'attribute_exists(PK) AND #stage = :stage',
        names: { '#stage': 'stage' },
        values: { ':stage': 'decision' },
      }),
    ]);
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelled) return false;
    throw error;
  }
}

export function decisionUpdate(
  applicationId: string,
  round: number,
  set: Record<string, unknown>,
  condition?: string,
  names?: Record<string, string>,
): TransactItem {
  return update(keys.reviewDecision(applicationId, round), { set, condition: condition ?? 'attribute_exists(PK)', names });
}

/** Marks a decision's event as published (the decision item is written with `events: {}`); false when already marked. */
export async function markDecisionEvent(
  applicationId: string,
  round: number,
  event: 'decisionMade' | 'certificationIssued' | 'benefitsChanged',
): Promise<boolean> {
  return updateOne(
    update(keys.reviewDecision(applicationId, round), {
      set: {},
      condition: 'attribute_exists(PK) AND attribute_not_exists(#events.#e)',
      names: { '#events': 'events', '#e': event },
      values: { ':at': nowIso() },
      raw: '#events.#e = :at',
    }),
  );
}

/** The assignments of a round's reviewers end with the decision (their access ends). */
export function endAssignmentItems(reviews: readonly Review[]): TransactItem[] {
  const at = nowIso();
  return reviews
    .filter((r) => r.status === 'submitted' || isOpenReview(r))
    .map((r) =>
      update(keys.assignment(r.reviewerSub, r.applicationId), {
        set: { active: false, endedAt: at },
        condition: 'attribute_exists(PK) AND #rid = :rid',
        names: { '#rid': 'reviewId' },
        values: { ':rid': r.id },
      }),
    );
}

/** A reviewer's assignment item for an application: which review of which round they hold (consistent read). */
export type HeldAssignment = Assignment & { reviewId?: string; round?: number };

export async function getAssignment(reviewerSub: string, applicationId: string): Promise<HeldAssignment | undefined> {
  return (await getItem(keys.assignment(reviewerSub, applicationId), true)) as HeldAssignment | undefined;
}

export interface AssignedReview {
  assignment: Assignment & { reviewId: string; round: number };
  /** The application's pathway name and level, when the application item exists. */
  application?: { pathwayName: string; level: string };
  review?: Review;
}

/**
 * A reviewer's assignments, newest first by key, open ones only unless `all`: one Query of
 * their partition, then one BatchGet of the applications and reviews those assignments name.
 */
export async function listAssignedReviews(
  reviewerSub: string,
  options: { all: boolean; limit?: number; cursor?: string },
): Promise<Page<AssignedReview>> {
  const page = await queryPage({
    partition: { value: keys.personPartition(reviewerSub) },
    skBeginsWith: keys.assignmentPrefix,
    limit: options.limit,
    cursor: options.cursor,
    ...(options.all ? {} : { filter: { expression: '#active = :true', names: { '#active': 'active' }, values: { ':true': true } } }),
  });
  const assignments = page.items as unknown as AssignedReview['assignment'][];
  const found = await batchGet([
    ...assignments.map((a) => keys.application(a.applicationId)),
    ...assignments.filter((a) => a.reviewId).map((a) => keys.review(a.applicationId, a.round, a.reviewId)),
  ]);
  const apps = new Map(found.filter((i) => i._type === 'application').map((i) => [String(i.id), i]));
  const reviews = new Map(found.filter((i) => i._type === 'review').map((i) => [String(i.id), i as unknown as Review]));
  const items = assignments.map((assignment) => {
    const app = apps.get(assignment.applicationId);
    const review = reviews.get(assignment.reviewId);
    return {
      assignment,
      ...(app ? { application: { pathwayName: String(app.pathwayName), level: String(app.level) } } : {}),
      ...(review ? { review } : {}),
    };
  });
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
