/**
 * "A team never scores itself", at every moment and not only at assignment: conflicts of
 * interest that arise while a review is open.
 *
 * - enforceConflicts(sub) runs after anything that can make a person conflicted: an
 *   accepted invitation (a new membership), their own or staff's change of their reviewer
 *   profile (declared conflicts, home district). It reads the person's assignments (pattern
 *   21) and vacates every open seat whose application the person is now conflicted with.
 * - guardReview() runs on the review's own writes (draft save, submit): it re-checks the
 *   rule against the person's memberships and profile as they are now, vacates the seat if
 *   they conflict, and otherwise hands back what it read, so the submission's transaction
 *   can be conditional on it (store/reviews.ts submitReview): a membership or profile change
 *   landing between the check and the submission cancels the submission.
 *
 * A vacated seat goes the way of a recusal: the review is closed as recused (with the
 * conflict's codes), the reviewer's access and load end, and the seat's wait is told
 * 'vacated', so the workflow seats a replacement (await-review.ts) or alerts staff when
 * nobody qualifies. Staff get a `review.conflict` alert written in the same transaction as
 * the vacancy, so it goes out exactly once. Everything here may run again: a closed review
 * is left alone, and an assignment still marked `seatAnswerPending` (the process died
 * before telling the workflow) is answered by the next run.
 */
import { conflictReasons, type ExclusionReason } from '#core/review/assignment.ts';
import { logger } from '#lib/logger.ts';
import { getApplication, getApplications, type Application } from '#store/application-reads.ts';
import * as keys from '#store/keys.ts';
import { notificationItem } from '#store/messages.ts';
import { affiliationGuard, candidateFrom, readAffiliations, type Affiliations } from '#store/reviewers.ts';
import {
  assignmentsOf,
  clearSeatAnswerPending,
  getReview,
  isOpenReview,
  vacateForConflict,
  type AffiliationGuard,
  type Review,
} from '#store/reviews.ts';
import { answerSeat } from './answers.ts';

type AppRef = Pick<Application, 'id' | 'pathwayId' | 'districtId' | 'pathwayName' | 'level'>;

/** The conflicts the person has with the application's pathway, from what was read. */
export function conflictsFrom(a: Affiliations, sub: string, app: Pick<Application, 'pathwayId' | 'districtId'>): ExclusionReason[] {
  return conflictReasons(candidateFrom(a, sub, app), app);
}

/**
 * Vacates the review for a conflict (once), then tells the seat's wait; false when the
 * review was no longer open (submitted, recused or reassigned meanwhile).
 */
export async function vacateConflictedReview(review: Review, app: AppRef, reasons: readonly ExclusionReason[]): Promise<boolean> {
  const codes = reasons.map((r) => r.code);
  const reason = `Conflict of interest: ${reasons.map((r) => r.message).join(' ')}`;
  const alert = notificationItem({
    recipient: keys.staffInbox,
    kind: 'review.conflict',
    title: 'A reviewer became conflicted and lost their seat',
    body: `A reviewer of ${app.pathwayName}'s ${app.level} application (seat ${review.seat}) is now in conflict (${codes.join(', ')}); their review was closed and the seat is being filled again.`,
    applicationId: app.id,
    link: `/applications/${app.id}/review-round`,
  });
  const vacated = await vacateForConflict(review, reason, codes, alert);
  if (!vacated) return false;
  logger.info('vacated a conflicted review', { applicationId: app.id, reviewId: review.id, seat: review.seat, codes });
  await tellSeat(review);
  return true;
}

/** Tells the seat's wait that its review ended (the workflow seats a replacement), then clears the reminder. */
async function tellSeat(review: Pick<Review, 'applicationId' | 'round' | 'seat' | 'reviewerSub' | 'id'>): Promise<void> {
  await answerSeat(review.applicationId, review.round, review.seat, 'vacated');
  await clearSeatAnswerPending(review);
}

/**
 * Vacates every open seat the person holds on an application they are now conflicted with,
 * and finishes any earlier vacancy whose workflow was not told. Answers the reviews vacated
 * by this call.
 */
export async function enforceConflicts(sub: string): Promise<Review[]> {
  const assignments = await assignmentsOf(sub);
  const vacated: Review[] = [];
  for (const a of assignments) {
    if (a.seatAnswerPending && a.reviewId && a.round !== undefined) {
      const review = await getReview(a.applicationId, a.round, a.reviewId);
      if (review) await tellSeat(review);
    }
  }
  const open = assignments.filter((a) => a.active === true && a.reviewId && a.round !== undefined);
  if (open.length === 0) return vacated;
  const affiliations = await readAffiliations(sub);
  const apps = await getApplications(
    open.map((a) => a.applicationId),
    true,
  );
  for (const a of open) {
    // One the batch did not return (gone, or left unprocessed after its retries) is read by itself.
    const app = apps.get(a.applicationId) ?? (await getApplication(a.applicationId, true));
    if (!app) continue;
    const reasons = conflictsFrom(affiliations, sub, app);
    if (reasons.length === 0) continue;
    const review = await getReview(a.applicationId, a.round!, a.reviewId!);
    if (!review || !isOpenReview(review)) continue;
    if (await vacateConflictedReview(review, app, reasons)) vacated.push(review);
  }
  return vacated;
}

export type GuardResult = { conflicted: false; guard: AffiliationGuard } | { conflicted: true; reasons: ExclusionReason[] };

/**
 * The write path's own check: is the reviewer conflicted with this application now? When
 * they are, their seat is vacated before answering. Otherwise the answer carries what the
 * check read, for the submission's condition.
 */
export async function guardReview(review: Review, app: AppRef): Promise<GuardResult> {
  const affiliations = await readAffiliations(review.reviewerSub);
  const reasons = conflictsFrom(affiliations, review.reviewerSub, app);
  if (reasons.length > 0) {
    await vacateConflictedReview(review, app, reasons);
    return { conflicted: true, reasons };
  }
  return { conflicted: false, guard: affiliationGuard(affiliations) };
}
