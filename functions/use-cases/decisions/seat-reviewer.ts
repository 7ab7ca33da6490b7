/**
 * Staff seat a reviewer by hand (a seat nobody qualified took, or a replacement): checked
 * against the same rules as automatic assignment (core/review/assignment.ts), written
 * conditionally on what the check read, then the reviewer is told and the seat's wait answered.
 */
import { ConflictError, NotFoundError, UnprocessableError } from '#core/errors.ts';
import { validateManualAssignment, type ExclusionReason, type ManualAssignmentInput, type ReviewRole } from '#core/review/assignment.ts';
import { nowIso } from '#lib/clock.ts';
import type { Principal } from '#lib/principal.ts';
import { affiliationGuard, candidateFrom, readAffiliations } from '#store/reviewers.ts';
import { assignSeat, ConcurrentChange, readRound, ReviewerAtCapacity, seatHolder, vacateItems, type Review } from '#store/reviews.ts';
import { answerSeat } from '#pipeline/answers.ts';
import { currentPanel, ensureNotified, panelContext } from '#pipeline/panel.ts';
import type { Answer } from '#pipeline/workflow.ts';
import { loadApplication } from '../applications/load-application.ts';

export interface SeatRequest {
  reviewerSub: string;
  /** Lead unless the panel has one already. */
  role?: ReviewRole;
  override?: ManualAssignmentInput['override'];
  /** Why the seat's current reviewer is replaced. */
  reason?: string;
}

export interface SeatedReviewer {
  review: Review;
  /** Rules the assignment knowingly went past (load limit, recorded absence). */
  overridden: ExclusionReason[];
  workflow: Answer | 'not-waiting';
}

export async function seatReviewer(
  principal: Principal,
  applicationId: string,
  seatNumber: number,
  request: SeatRequest,
): Promise<SeatedReviewer> {
  const { application: app } = await loadApplication(principal, applicationId, 'application.assign');
  if (!['in_review', 'submitted'].includes(app.status)) {
    throw new ConflictError(`The application is ${app.status}; reviewers are assigned only while it is in review.`, { status: app.status });
  }
  const view = await readRound(app.id, app.submissionNumber);
  const seat = view?.seats.find((s) => s.seat === seatNumber);
  if (!view || !seat) throw new NotFoundError('seat');
  const holder = seatHolder(view, seat);
  if (holder?.status === 'submitted') throw new ConflictError('This seat\u2019s review is submitted; it cannot be reassigned.');
  if (holder?.reviewerSub === request.reviewerSub) throw new ConflictError('This reviewer already holds the seat.');
  // Consistent reads: the profile, the person's own memberships (a member of a pathway in the
  // same district is conflicted) and their stamp, which the seat's write is conditional on.
  const affiliations = await readAffiliations(request.reviewerSub);
  const profile = affiliations.profile;
  if (!profile) {
    throw new UnprocessableError('No reviewer profile for this person.', [
      { in: 'body', field: 'reviewerSub', message: 'is not a reviewer', code: 'not_a_reviewer' },
    ]);
  }
  const ctx = await panelContext(app);
  const current = currentPanel(view).filter((c) => c.reviewerId !== holder?.reviewerSub);
  const role: ReviewRole = request.role ?? (current.some((c) => c.role === 'lead') ? 'co-reviewer' : 'lead');
  // Conflicts and home district from the profile just read, not from the pool's index.
  const reviewer = candidateFrom(
    affiliations,
    profile.sub,
    ctx.application,
    ctx.candidates.find((c) => c.id === profile.sub),
  );
  const check = validateManualAssignment({
    application: ctx.application,
    reviewer,
    role,
    current,
    formerReviewerIds: ctx.former,
    now: nowIso(),
    ...(request.override ? { override: request.override } : {}),
  });
  if (!check.ok) {
    throw new UnprocessableError(
      'This reviewer cannot take the seat.',
      check.reasons.map((r) => ({ in: 'body', field: 'reviewerSub', message: r.message, code: r.code })),
      { reasons: check.reasons.map((r) => r.code) },
    );
  }
  let review: Review;
  try {
    review = await assignSeat({
      round: { applicationId: app.id, pathwayId: app.pathwayId, round: app.submissionNumber },
      seat: seat.seat,
      expectedReviewId: seat.reviewId,
      reviewer: { sub: profile.sub, ...(profile.name ? { name: profile.name } : {}) },
      role,
      assignedBy: principal.sub,
      reassignedCount: seat.reassignments,
      overrideLoad: request.override?.load === true,
      extra: holder ? vacateItems(holder, 'reassigned', request.reason ?? 'Reassigned by staff', false) : [],
      // Conditional on the memberships and profile checked above (a conflict arising meanwhile: 409).
      guard: affiliationGuard(affiliations),
    });
  } catch (error) {
    if (error instanceof ReviewerAtCapacity) {
      throw new UnprocessableError('The reviewer is at their maximum of open assignments.', [
        { in: 'body', field: 'override.load', message: 'set to assign past the load limit', code: 'at-capacity' },
      ]);
    }
    if (error instanceof ConcurrentChange) throw new ConflictError('The seat changed meanwhile; reload the round and try again.');
    throw error;
  }
  await ensureNotified(review);
  const workflow = await answerSeat(app.id, app.submissionNumber, seat.seat, 'assigned');
  return { review, overridden: check.overridden, workflow };
}
