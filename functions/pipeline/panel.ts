/**
 * Filling a round's seats with reviewers: the table's facts turned into the pure
 * assignment rules' input (core/review/assignment.ts), the rules' answer written seat by
 * seat with conditional transactions, and the ReviewerAssigned notice sent once per review.
 *
 * Used by the Assign task (the first panel), by the seat waits (a replacement after a
 * recusal or a late review) and by the staff API (validating a hand assignment).
 *
 * Conflicts come from three places: the reviewer's declared conflicts (profile), the
 * memberships of the pathway and district under review (one Query each, covering everyone
 * with a role there), and the picked reviewers' own memberships (one Query per pick, to
 * catch a reviewer who belongs to another pathway of the same district). A pick that turns
 * out to be conflicted is corrected and the rules run again, so a conflicted reviewer is
 * never written; and the seat's write is conditional on the pick's affiliation stamp and
 * profile version, so one who becomes conflicted between the check and the write is not
 * seated either (the write fails, everything is read again).
 */
import {
  assignReviewers,
  conflictReasons,
  type AssignmentApplication,
  type AssignmentConfig,
  type CurrentAssignment,
  type ReviewerCandidate,
} from '#core/review/assignment.ts';
import { nowIso } from '#lib/clock.ts';
import { publish } from '#events/publish.ts';
import { logger } from '#lib/logger.ts';
import type { Application } from '#store/application-reads.ts';
import { queryPartition } from '#store/db.ts';
import { partitions, type Partition } from '#store/keys.ts';
import { getPathway } from '#store/registry.ts';
import { affiliationGuard, candidateFrom, candidateOf, readAffiliations, reviewerPool, type ReviewerProfile } from '#store/reviewers.ts';
import {
  allReviews,
  assignSeat,
  ConcurrentChange,
  markReviewNotified,
  readRound,
  ReviewerAtCapacity,
  seatHolder,
  setReviewRole,
  type AffiliationGuard,
  type Review,
  type RoundView,
  type SeatAssignment,
} from '#store/reviews.ts';
import { TransientError } from './errors.ts';
import { config } from '#lib/config.ts';

export { MAX_REVIEWERS_PER_PANEL } from '#core/review/assignment.ts';

/**
 * REVIEWERS_PER_LEVEL (`candidacy=1,silver=2,gold=3`, any subset); two everywhere by default.
 * A malformed value throws, naming the variable: the task then fails visibly (recorded on
 * the application, staff alerted) instead of seating a panel of a size nobody chose.
 */
export function assignmentConfig(): AssignmentConfig {
  const reviewersPerLevel = config.reviewersPerLevel;
  return reviewersPerLevel ? { reviewersPerLevel } : {};
}

async function subsIn(partition: Partition): Promise<Set<string>> {
  const subs = new Set<string>();
  for (const i of await queryPartition({ partition })) if (typeof i.sub === 'string') subs.add(i.sub);
  return subs;
}

export interface PanelContext {
  application: AssignmentApplication;
  profiles: Map<string, ReviewerProfile>;
  candidates: ReviewerCandidate[];
  /** Reviewers who recused or were reassigned away from this application (any round). */
  former: string[];
  /** What each verified pick's conflict check read; their seat's write is conditional on it. */
  guards: Map<string, AffiliationGuard>;
}

/** Everything the assignment rules need, from the table. */
export async function panelContext(app: Application): Promise<PanelContext> {
  const [pathway, pool, pathwayMembers, districtMembers, reviews] = await Promise.all([
    getPathway(app.pathwayId, true),
    reviewerPool(),
    subsIn(partitions.pathwayMembers(app.pathwayId)),
    subsIn(partitions.districtMembers(app.districtId)),
    allReviews(app.id),
  ]);
  if (!pathway) throw new TransientError(`pathway ${app.pathwayId} not readable`);
  const application: AssignmentApplication = {
    id: app.id,
    pathwayId: app.pathwayId,
    districtId: app.districtId,
    sector: pathway.sector,
    targetLevel: app.level,
  };
  const profiles = new Map(pool.map((p) => [p.sub, p]));
  const candidates = pool.map((p) => {
    const c = candidateOf(p);
    return {
      ...c,
      pathwayIds: pathwayMembers.has(p.sub) ? [...c.pathwayIds, app.pathwayId] : c.pathwayIds,
      districtId: districtMembers.has(p.sub) ? app.districtId : c.districtId,
    };
  });
  const former = [...new Set(reviews.filter((r) => r.status === 'recused' || r.status === 'reassigned').map((r) => r.reviewerSub))];
  return { application, profiles, candidates, former, guards: new Map() };
}

export function currentPanel(view: RoundView): CurrentAssignment[] {
  const out: CurrentAssignment[] = [];
  for (const seat of view.seats) {
    const holder = seatHolder(view, seat);
    if (holder) out.push({ reviewerId: holder.reviewerSub, role: holder.role });
  }
  return out;
}

/**
 * Checks the picks against their own memberships; returns true when a pick was conflicted
 * (its candidate is corrected in `ctx`, so the next run of the rules excludes it).
 */
async function correctPicks(ctx: PanelContext, picks: readonly string[], verified: Set<string>): Promise<boolean> {
  let changed = false;
  for (const sub of picks) {
    if (verified.has(sub)) continue;
    verified.add(sub);
    // Consistent reads (the pool came from an index): the seat's write is conditional on them.
    const affiliations = await readAffiliations(sub);
    const i = ctx.candidates.findIndex((c) => c.id === sub);
    if (i < 0) continue;
    const after = candidateFrom(affiliations, sub, ctx.application, ctx.candidates[i]);
    ctx.candidates[i] = after;
    ctx.guards.set(sub, affiliationGuard(affiliations));
    if (conflictReasons(after, ctx.application).length > 0) changed = true;
  }
  return changed;
}

export interface FillResult {
  /** Reviews created by this call. */
  assigned: Review[];
  /** Seats still without a reviewer. */
  vacant: number[];
}

const MAX_ROUNDS = 6;

/**
 * Fills the given vacant seats of the round where the rules find someone; leaves the rest
 * vacant (staff assign them by hand). Safe to run concurrently for different seats and to
 * repeat: each seat write is conditional on the seat's current review.
 */
export async function fillSeats(app: Application, seatNumbers: readonly number[], now = nowIso()): Promise<FillResult> {
  const assigned: Review[] = [];
  let ctx = await panelContext(app);
  const verified = new Set<string>();
  for (let attempt = 0; attempt < MAX_ROUNDS; attempt++) {
    const view = await readRound(app.id, app.submissionNumber);
    if (!view) throw new TransientError(`round ${app.submissionNumber} of ${app.id} not readable`);
    const vacant = view.seats.filter((s) => seatNumbers.includes(s.seat) && !seatHolder(view, s));
    if (vacant.length === 0) return { assigned, vacant: [] };
    const current = currentPanel(view);
    const result = assignReviewers({
      application: ctx.application,
      candidates: ctx.candidates,
      current,
      formerReviewerIds: ctx.former,
      now,
      // Only as many seats as the round has: the panel size was fixed when the round opened.
      config: { defaultReviewers: view.round.seats, reviewersPerLevel: { [app.level]: view.round.seats } },
    });
    if (
      await correctPicks(
        ctx,
        result.added.map((a) => a.reviewerId),
        verified,
      )
    )
      continue;
    await applyPromotions(
      view,
      result.panel.filter((p) => p.promoted).map((p) => p.reviewerId),
    );

    // The lead (if one was picked) takes the lead seat when it is vacant, others the rest in order.
    const queue = [...result.added].sort((a, b) => (a.role === b.role ? 0 : a.role === 'lead' ? -1 : 1));
    const seats = [...vacant].sort((a, b) => (a.role === b.role ? a.seat - b.seat : a.role === 'lead' ? -1 : 1));
    let retry = false;
    for (const seat of seats) {
      const pick = queue.shift();
      if (!pick) break;
      const profile = ctx.profiles.get(pick.reviewerId)!;
      const input: SeatAssignment = {
        round: { applicationId: app.id, pathwayId: app.pathwayId, round: app.submissionNumber },
        seat: seat.seat,
        expectedReviewId: seat.reviewId,
        reviewer: { sub: profile.sub, ...(profile.name ? { name: profile.name } : {}) },
        role: pick.role,
        assignedBy: 'system',
        reassignedCount: seat.reassignments,
        ...(ctx.guards.has(pick.reviewerId) ? { guard: ctx.guards.get(pick.reviewerId)! } : {}),
      };
      try {
        assigned.push(await assignSeat(input));
      } catch (error) {
        if (error instanceof ReviewerAtCapacity || error instanceof ConcurrentChange) {
          // Someone else took the seat or the reviewer's last slot: read everything again.
          logger.info('seat assignment lost a race; retrying', { applicationId: app.id, seat: seat.seat, reason: error.name });
          retry = true;
          break;
        }
        throw error;
      }
    }
    if (retry) {
      ctx = await panelContext(app);
      verified.clear();
      continue;
    }
    const after = await readRound(app.id, app.submissionNumber);
    const still = after ? after.seats.filter((s) => seatNumbers.includes(s.seat) && !seatHolder(after, s)).map((s) => s.seat) : [];
    return { assigned, vacant: still };
  }
  throw new TransientError(`could not settle the panel of ${app.id} after ${MAX_ROUNDS} attempts`);
}

/** A kept co-reviewer promoted to lead because the panel lost its lead. */
async function applyPromotions(view: RoundView, subs: readonly string[]): Promise<void> {
  if (subs.length === 0) return;
  for (const seat of view.seats) {
    const holder = seatHolder(view, seat);
    if (holder && subs.includes(holder.reviewerSub) && holder.role !== 'lead') await setReviewRole(holder, 'lead');
  }
}

/** Publishes ReviewerAssigned once per review (marked on the review after publishing). */
export async function ensureNotified(review: Review): Promise<void> {
  if (review.notifiedAt) return;
  await publish([
    {
      detailType: 'ReviewerAssigned',
      detail: {
        applicationId: review.applicationId,
        pathwayId: review.pathwayId,
        reviewId: review.id,
        reviewerSub: review.reviewerSub,
        dueOn: review.dueAt.slice(0, 10),
      },
    },
  ]);
  await markReviewNotified(review, 'notifiedAt');
}
