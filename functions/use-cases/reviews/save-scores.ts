/**
 * A reviewer saves draft scores on their open review: the scores must name criteria of the
 * level and levels of the rubric (a draft may be partial), and the conflict rule is checked
 * again on the way (a conflicted reviewer's seat is vacated instead).
 */
import { PreconditionFailedError, UnprocessableError, type FieldIssue } from '#core/errors.ts';
import { rubricScaleOf } from '#core/framework.ts';
import { scoringCriteriaFor, type CriterionScore } from '#core/review/scoring.ts';
import type { Principal } from '#lib/principal.ts';
import type { Application } from '#store/application-reads.ts';
import type { StoredFramework } from '#store/frameworks.ts';
import { getReview, isOpenReview, saveDraft, type Review } from '#store/reviews.ts';
import { guardReview } from '#pipeline/conflicts.ts';
import type { Deferred } from '../deferred.ts';
import { pinnedFramework } from '../applications/editing.ts';
import { alreadyClosed, conflicted, loadMyReview, refuseWhileFailed } from './my-review.ts';

/** Scores that name criteria of the level and levels of the scale (a draft may be partial). */
function checkScores(framework: StoredFramework, a: Application, scores: readonly CriterionScore[]): void {
  const criteria = new Set(scoringCriteriaFor(framework, a.level).map((c) => c.id));
  const scale = rubricScaleOf(framework);
  const errors: FieldIssue[] = [];
  const seen = new Set<string>();
  scores.forEach((s, i) => {
    if (!criteria.has(s.criterionId))
      errors.push({
        in: 'body',
        field: `scores.${i}.criterionId`,
        message: `${s.criterionId} is not assessed at ${a.level}`,
        code: 'unknown_criterion',
      });
    if (!scale.includes(s.level))
      errors.push({ in: 'body', field: `scores.${i}.level`, message: `must be one of ${scale.join(', ')}`, code: 'invalid_level' });
    if (seen.has(s.criterionId)) errors.push({ in: 'body', field: `scores.${i}.criterionId`, message: 'scored twice', code: 'duplicate' });
    seen.add(s.criterionId);
  });
  if (errors.length) throw new UnprocessableError('Some scores do not fit the rubric.', errors);
}

/**
 * `expectedVersion` is read once the caller is known to hold the review, so a stranger
 * learns 404 before a missing or malformed precondition, as it always has.
 */
export async function saveReviewScores(
  principal: Principal,
  applicationId: string,
  scores: CriterionScore[],
  expectedVersion: Deferred<number>,
): Promise<Review> {
  const { application, review } = await loadMyReview(principal, applicationId);
  const version = expectedVersion();
  if (!isOpenReview(review)) throw alreadyClosed(review);
  await refuseWhileFailed(application, review);
  const check = await guardReview(review, application);
  if (check.conflicted) throw conflicted(check.reasons);
  checkScores(await pinnedFramework(application), application, scores);
  const result = await saveDraft(review, scores, version);
  if (result === 'stale') throw new PreconditionFailedError((await getReview(application.id, review.round, review.id))!.version);
  if (result === 'closed') throw alreadyClosed((await getReview(application.id, review.round, review.id))!);
  return result;
}
