import { httpHandler, implement } from '#lib/http.ts';
import type { Review } from '#store/reviews.ts';
import { adjudicate } from '#use-cases/decisions/adjudicate.ts';
import { getReviewHistory, getReviewRound, type ReviewRoundState } from '#use-cases/decisions/read-review-round.ts';
import { recordDecision } from '#use-cases/decisions/record-decision.ts';
import { seatReviewer } from '#use-cases/decisions/seat-reviewer.ts';
import { startReview } from '#use-cases/decisions/start-review.ts';
import { adjudicateRoute, assignSeatRoute, decideRoute, getReviewHistoryRoute, getReviewRoundRoute, startReviewRoute } from './routes.ts';

function reviewForStaff(r: Review) {
  return {
    id: r.id,
    seat: r.seat,
    reviewerSub: r.reviewerSub,
    ...(r.reviewerName ? { reviewerName: r.reviewerName } : {}),
    role: r.role,
    status: r.status,
    assignedAt: r.assignedAt,
    assignedBy: r.assignedBy,
    dueAt: r.dueAt,
    remindersSent: r.remindersSent,
    reassignedCount: r.reassignedCount,
    escalated: r.escalated,
    ...(r.submittedAt ? { submittedAt: r.submittedAt } : {}),
    ...(r.recusal ? { recusal: r.recusal } : {}),
    ...(r.conflict ? { conflict: r.conflict } : {}),
    scores: r.scores,
    version: r.version,
  };
}

/** The round as staff see it: what each seat waits for, the staff task the round waits on. */
function reviewRoundView({ application: app, reviewFailure, view, seats, execution }: ReviewRoundState) {
  const { staffTask, ...round } = view.round;
  return {
    application: { id: app.id, status: app.status, submissionNumber: app.submissionNumber, ...(reviewFailure ? { reviewFailure } : {}) },
    round: { ...round, ...(staffTask ? { waitingFor: staffTask.kind, waitingSince: staffTask.since } : {}) },
    seats: seats.map(({ seat: s, holder }) => ({
      seat: s.seat,
      role: s.role,
      reassignments: s.reassignments,
      waitingFor:
        s.tokenFor === 'assignment' && !holder
          ? ('staff-assignment' as const)
          : holder?.status === 'submitted'
            ? null
            : ('review' as const),
      review: holder ? reviewForStaff(holder) : null,
    })),
    reviews: view.reviews.map(reviewForStaff),
    ...(view.decision ? { decision: view.decision } : {}),
    execution: execution ?? null,
  };
}

export const handler = httpHandler([
  implement(getReviewRoundRoute, async (req) => ({
    body: reviewRoundView(await getReviewRound(req.principal, req.params.applicationId, req.query.round)),
  })),

  implement(getReviewHistoryRoute, async (req) => ({
    body: await getReviewHistory(req.principal, req.params.applicationId, req.query.execution),
  })),

  implement(startReviewRoute, async (req) => ({ status: 202, body: await startReview(req.principal, req.params.applicationId) })),

  implement(assignSeatRoute, async (req) => {
    const seated = await seatReviewer(req.principal, req.params.applicationId, req.params.seat, req.body);
    return { body: { ...seated, review: reviewForStaff(seated.review) } };
  }),

  implement(adjudicateRoute, async (req) => ({ body: await adjudicate(req.principal, req.params.applicationId, req.body.adjudications) })),

  implement(decideRoute, async (req) => ({ status: 202, body: await recordDecision(req.principal, req.params.applicationId, req.body) })),
]);
