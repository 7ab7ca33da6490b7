import { criteriaFor, rubricScaleOf } from '../../core/framework.ts';
import { scoringCriteriaFor, validateReviewScores, type CriterionScore } from '../../core/review/scoring.ts';
import { authorize, loadAccess } from '../../use-cases/access.ts';
import { publish } from '../../../events/publish.ts';
import { httpHandler, implement } from '../../lib/http.ts';
import { logger } from '../../lib/logger.ts';
import type { Principal } from '../../lib/principal.ts';
import { problems, type FieldError } from '../../lib/problem.ts';
import { getApplication, type Application } from '../../store/applications.ts';
import { getItem, queryPage, type Item } from '../../store/db.ts';
import type { Assignment } from '../../store/entities.ts';
import { getPublishedFramework, type StoredFramework } from '../../store/frameworks.ts';
import { keys } from '../../store/keys.ts';
import { listSessions } from '../../store/messages.ts';
import { batchGet } from '../../store/registry.ts';
import { getReviewer, updateOwnProfile, type ReviewerProfile } from '../../store/reviewers.ts';
import {
  getReview,
  getRound,
  isOpenReview,
  markReviewNotified,
  readRound,
  saveDraft,
  submitReview,
  vacateReview,
  type Review,
} from '../../store/reviews.ts';
import { answerSeat } from '../../pipeline/answers.ts';
import { enforceConflicts, guardReview } from '../../pipeline/conflicts.ts';
import type { ExclusionReason } from '../../core/review/assignment.ts';
import { etag, expectedVersion } from '../../lib/preconditions.ts';
import { applicationTarget } from '../../use-cases/applications/load-application.ts';
import { reviewView } from './shared.ts';
import {
  getMyReviewerProfileRoute,
  getMyReviewRoute,
  listMyReviewsRoute,
  recuseRoute,
  saveReviewDraftRoute,
  submitReviewRoute,
  updateMyReviewerProfileRoute,
} from './routes.ts';

const answerReview = (r: Review, status = 200) => ({ status, body: reviewView(r), headers: { etag: etag(r.version) } });

/** The caller's review of the application's current round (404 when they hold none). */
async function loadMyReview(principal: Principal, applicationId: string) {
  const application = await getApplication(applicationId, true);
  if (!application) throw problems.notFound('application');
  const access = await loadAccess(principal);
  const assignment = (await getItem(keys.assignment(principal.sub, applicationId), true)) as (Assignment & { reviewId?: string; round?: number }) | undefined;
  // The review the caller holds in the current round, if any.
  const reviewId = assignment?.active === true && assignment.round === application.submissionNumber ? assignment.reviewId : undefined;
  // A former reviewer (recused, reassigned, or unseated by a conflict, perhaps by joining the
  // team, whose role alone would answer 403) holds no review here: 404.
  if (assignment && !reviewId) throw problems.notFound('review');
  authorize(access, 'application.review', applicationTarget(application), 'application');
  if (!reviewId) throw problems.notFound('review');
  const review = await getReview(applicationId, application.submissionNumber, reviewId);
  if (!review) throw problems.notFound('review');
  return { application, review };
}

async function pinnedFramework(a: Application): Promise<StoredFramework> {
  const f = await getPublishedFramework(a.frameworkId);
  if (!f) throw new Error(`application ${a.id} pins framework ${a.frameworkId}, which is not published`);
  return f;
}

/** Scores that name criteria of the level and levels of the scale (a draft may be partial). */
function checkScores(framework: StoredFramework, a: Application, scores: readonly CriterionScore[]): void {
  const criteria = new Set(scoringCriteriaFor(framework, a.level).map((c) => c.id));
  const scale = rubricScaleOf(framework);
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  scores.forEach((s, i) => {
    if (!criteria.has(s.criterionId)) errors.push({ in: 'body', field: `scores.${i}.criterionId`, message: `${s.criterionId} is not assessed at ${a.level}`, code: 'unknown_criterion' });
    if (!scale.includes(s.level)) errors.push({ in: 'body', field: `scores.${i}.level`, message: `must be one of ${scale.join(', ')}`, code: 'invalid_level' });
    if (seen.has(s.criterionId)) errors.push({ in: 'body', field: `scores.${i}.criterionId`, message: 'scored twice', code: 'duplicate' });
    seen.add(s.criterionId);
  });
  if (errors.length) throw problems.unprocessable('Some scores do not fit the rubric.', errors);
}

const alreadyClosed = (r: Review) =>
  problems.conflict(
    r.status === 'submitted'
      ? 'This review was already submitted; the review workflow has it.'
      : `This review is ${r.status}; it can no longer be changed.`,
    { status: r.status },
  );

/**
 * A round whose workflow stopped (failed, timed out, stopped) takes no reviews until staff
 * restart it: nothing would carry them on, and the restart re-reads the table anyway.
 */
async function refuseWhileFailed(application: Application, review: Review): Promise<void> {
  const round = await getRound(application.id, review.round);
  if (round?.stage === 'failed') {
    throw problems.conflict('The review workflow of this application stopped; staff must restart it before reviews are accepted.', { stage: 'failed' });
  }
}

/**
 * refuseWhileFailed and the pinned framework, read at once (independent reads): the
 * failed-round 409 still wins over a framework error, as when they ran one after the other.
 */
async function frameworkOfOpenRound(application: Application, review: Review): Promise<StoredFramework> {
  const [open, framework] = await Promise.allSettled([refuseWhileFailed(application, review), pinnedFramework(application)]);
  if (open.status === 'rejected') throw open.reason;
  if (framework.status === 'rejected') throw framework.reason;
  return framework.value;
}

/** The reviewer is now in conflict with the pathway: their seat was vacated (409, then 404 on the next try). */
const conflicted = (reasons: readonly ExclusionReason[]) =>
  problems.conflict('You now have a conflict of interest with this pathway; your review was closed and the seat is being filled again.', {
    code: 'conflict_of_interest',
    reasons: reasons.map((r) => r.code),
  });

function profileView(p: ReviewerProfile) {
  return p;
}

export const handler = httpHandler([
  implement(listMyReviewsRoute, async (req) => {
    const state = req.query.state ?? 'open';
    const page = await queryPage({
      partition: { value: keys.personPartition(req.principal.sub) },
      skBeginsWith: keys.assignmentPrefix,
      limit: req.query.limit,
      cursor: req.query.cursor,
      ...(state === 'open' ? { filter: { expression: '#active = :true', names: { '#active': 'active' }, values: { ':true': true } } } : {}),
    });
    const assignments = page.items as unknown as (Assignment & { reviewId: string; round: number })[];
    const found = await batchGet([
      ...assignments.map((a) => keys.application(a.applicationId)),
      ...assignments.filter((a) => a.reviewId).map((a) => keys.review(a.applicationId, a.round, a.reviewId)),
    ]);
    const apps = new Map(found.filter((i: Item) => i._type === 'application').map((i) => [String(i.id), i]));
    const reviews = new Map(found.filter((i: Item) => i._type === 'review').map((i) => [String(i.id), i as unknown as Review]));
    const items = assignments.map((a) => {
      const app = apps.get(a.applicationId);
      const review = reviews.get(a.reviewId);
      return {
        applicationId: a.applicationId,
        ...(app ? { pathwayName: String(app.pathwayName), level: String(app.level) } : {}),
        reviewId: a.reviewId,
        round: a.round,
        role: review?.role ?? a.role,
        status: review?.status ?? 'unknown',
        assignedAt: a.assignedAt,
        ...(review?.dueAt ? { dueAt: review.dueAt } : {}),
        active: a.active,
      };
    });
    return { body: { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),

  implement(getMyReviewRoute, async (req) => {
    const { application, review } = await loadMyReview(req.principal, req.params.applicationId);
    const [framework, view, sessions] = await Promise.all([
      pinnedFramework(application),
      readRound(application.id, review.round),
      listSessions(application.id),
    ]);
    const rubric = criteriaFor(framework, application.level).map((c) => ({
      id: c.criterion.id,
      componentId: c.component.id,
      componentTitle: c.component.title,
      standardId: c.standard.id,
      standardTitle: c.standard.title,
      text: c.criterion.text,
      rubric: c.criterion.rubric,
    }));
    const submission = (view?.snapshot ?? []).map((s) => ({
      criterionId: s.criterionId,
      narrative: s.narrative,
      evidence: s.evidence.map((e) => ({ ...e, download: `/applications/${application.id}/evidence/${e.evidenceId}` })),
    }));
    return {
      body: {
        review: reviewView(review),
        application: {
          id: application.id,
          pathwayId: application.pathwayId,
          pathwayName: application.pathwayName,
          level: application.level,
          target: application.target,
          renewal: application.renewal,
          frameworkId: application.frameworkId,
          frameworkVersion: application.frameworkVersion,
          submittedAt: application.submittedAt,
          round: review.round,
        },
        rubric: { scale: rubricScaleOf(framework), criteria: rubric },
        submission,
        sessions,
      },
      headers: { etag: etag(review.version) },
    };
  }),

  implement(saveReviewDraftRoute, async (req) => {
    const { application, review } = await loadMyReview(req.principal, req.params.applicationId);
    const version = expectedVersion(req.headers, req.body.version);
    if (!isOpenReview(review)) throw alreadyClosed(review);
    await refuseWhileFailed(application, review);
    const check = await guardReview(review, application);
    if (check.conflicted) throw conflicted(check.reasons);
    checkScores(await pinnedFramework(application), application, req.body.scores);
    const result = await saveDraft(review, req.body.scores, version);
    if (result === 'stale') throw problems.preconditionFailed((await getReview(application.id, review.round, review.id))!.version);
    if (result === 'closed') throw alreadyClosed((await getReview(application.id, review.round, review.id))!);
    return answerReview(result);
  }),

  implement(submitReviewRoute, async (req) => {
    const { application, review } = await loadMyReview(req.principal, req.params.applicationId);
    const version = expectedVersion(req.headers);
    if (!isOpenReview(review)) {
      // Re-telling the workflow is harmless and cures an earlier answer that failed half-way.
      if (review.status === 'submitted') await answerSeat(application.id, review.round, review.seat, 'submitted');
      throw alreadyClosed(review);
    }
    if (review.version !== version) throw problems.preconditionFailed(review.version);
    const framework = await frameworkOfOpenRound(application, review);
    const check = validateReviewScores(scoringCriteriaFor(framework, application.level), review.scores, rubricScaleOf(framework));
    const errors: FieldError[] = [
      ...check.missing.map((c) => ({ in: 'body' as const, field: `scores.${c}`, message: 'not scored yet', code: 'missing_score' })),
      ...check.unknown.map((c) => ({ in: 'body' as const, field: `scores.${c}`, message: 'not a criterion of this level', code: 'unknown_criterion' })),
      ...check.invalidLevel.map((c) => ({ in: 'body' as const, field: `scores.${c}`, message: 'level not on the rubric', code: 'invalid_level' })),
      ...review.scores
        .filter((s) => !s.comment || s.comment.trim() === '')
        .map((s) => ({ in: 'body' as const, field: `scores.${s.criterionId}.comment`, message: 'a comment is required', code: 'missing_comment' })),
    ];
    if (errors.length > 0) throw problems.unprocessable(`The review is not complete: ${errors.length} problem(s).`, errors);

    // The conflict rule is checked again here, and the submission is conditional on what the
    // check read: a membership or conflict that lands in between cancels it, and the loop
    // checks again (then vacates the seat and answers 409).
    let result: Awaited<ReturnType<typeof submitReview>> = 'affiliations-changed';
    for (let attempt = 0; attempt < 3 && result === 'affiliations-changed'; attempt++) {
      const check = await guardReview(review, application);
      if (check.conflicted) throw conflicted(check.reasons);
      result = await submitReview(review, review.scores, version, check.guard);
    }
    if (result === 'affiliations-changed') throw problems.unavailable(1);
    if (result === 'stale') throw problems.preconditionFailed((await getReview(application.id, review.round, review.id))!.version);
    if (result === 'closed') throw alreadyClosed((await getReview(application.id, review.round, review.id))!);
    try {
      await publish([
        {
          detailType: 'ReviewSubmitted',
          detail: { applicationId: application.id, pathwayId: application.pathwayId, reviewId: review.id, reviewerSub: review.reviewerSub, submittedAt: result.submittedAt! },
        },
      ]);
      await markReviewNotified(result, 'submittedNotifiedAt');
    } catch (error) {
      // The review is recorded; a lost notice must not undo it.
      logger.error('ReviewSubmitted could not be published', { error, applicationId: application.id });
    }
    await answerSeat(application.id, review.round, review.seat, 'submitted');
    return answerReview(result);
  }),

  implement(recuseRoute, async (req) => {
    const { application, review } = await loadMyReview(req.principal, req.params.applicationId);
    if (!isOpenReview(review)) throw alreadyClosed(review);
    if (!(await vacateReview(review, 'recused', req.body.reason))) {
      throw alreadyClosed((await getReview(application.id, review.round, review.id))!);
    }
    await answerSeat(application.id, review.round, review.seat, 'vacated');
    const after = (await getReview(application.id, review.round, review.id))!;
    return answerReview(after);
  }),

  implement(getMyReviewerProfileRoute, async (req) => {
    const profile = await getReviewer(req.principal.sub, true);
    if (!profile) throw problems.notFound('reviewer profile');
    return { body: profileView(profile), headers: { etag: etag(profile.version) } };
  }),

  implement(updateMyReviewerProfileRoute, async (req) => {
    const profile = await getReviewer(req.principal.sub, true);
    if (!profile) throw problems.notFound('reviewer profile');
    const version = expectedVersion(req.headers, req.body.version);
    const { version: _v, ...fields } = req.body;
    let after: ReviewerProfile;
    try {
      after = await updateOwnProfile(req.principal.sub, fields, version);
    } finally {
      // Also after a refused update: a retry of a write that succeeded but failed before this
      // ran (412 now) must still vacate the seats the declared conflicts forbid.
      await enforceConflicts(req.principal.sub);
    }
    return { body: profileView(after), headers: { etag: etag(after.version) } };
  }),
]);
