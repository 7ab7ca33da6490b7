import { isTerminal } from '../../core/application-status.ts';
import { rubricScaleOf } from '../../core/framework.ts';
import { validateManualAssignment, type ReviewRole } from '../../core/review/assignment.ts';
import { nowIso } from '../../lib/clock.ts';
import { httpHandler, implement } from '../../lib/http.ts';
import { actorOf } from '../../lib/principal.ts';
import { problems, type FieldError } from '../../lib/problem.ts';
import type { Application } from '../../store/applications.ts';
import { getItem } from '../../store/db.ts';
import { getPublishedFramework } from '../../store/frameworks.ts';
import { keys } from '../../store/keys.ts';
import { affiliationGuard, candidateFrom, readAffiliations } from '../../store/reviewers.ts';
import {
  assignSeat,
  ConcurrentChange,
  getDecision,
  getRound,
  readRound,
  recordAdjudications,
  recordDecision,
  ReviewerAtCapacity,
  seatHolder,
  vacateItems,
  type Review,
  type ReviewDecision,
} from '../../store/reviews.ts';
import { answerSeat, answerStaffTask } from '../../pipeline/answers.ts';
import { currentPanel, ensureNotified, panelContext } from '../../pipeline/panel.ts';
import { describeExecution, executionArnFor, executionHistory, executionName, startReview } from '../../pipeline/workflow.ts';
import { loadApplication } from '../../use-cases/applications/load-application.ts';
import {
  adjudicateRoute,
  assignSeatRoute,
  decideRoute,
  getReviewHistoryRoute,
  getReviewRoundRoute,
  startReviewRoute,
} from './routes.ts';

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

/** The round that is current for the application (its latest submission), or the one asked for. */
async function roundNumber(app: Application, asked?: number): Promise<number> {
  const n = asked ?? app.submissionNumber;
  if (n < 1) throw problems.conflict('The application has not been submitted yet; it has no review round.', { status: app.status });
  return n;
}

export const handler = httpHandler([
  implement(getReviewRoundRoute, async (req) => {
    const { application: app } = await loadApplication(req.principal, req.params.applicationId, 'application.workflow');
    const n = await roundNumber(app, req.query.round);
    const view = await readRound(app.id, n);
    if (!view) throw problems.notFound('review round');
    const header = await getItem(keys.application(app.id), true);
    const execution = view.round.executionArn ? await describeExecution(view.round.executionArn) : undefined;
    const { staffTask, ...round } = view.round;
    return {
      body: {
        application: { id: app.id, status: app.status, submissionNumber: app.submissionNumber, ...(header?.reviewFailure ? { reviewFailure: header.reviewFailure } : {}) },
        round: { ...round, ...(staffTask ? { waitingFor: staffTask.kind, waitingSince: staffTask.since } : {}) },
        seats: view.seats.map((s) => {
          const holder = seatHolder(view, s);
          return {
            seat: s.seat,
            role: s.role,
            reassignments: s.reassignments,
            waitingFor: s.tokenFor === 'assignment' && !holder ? 'staff-assignment' : holder?.status === 'submitted' ? null : 'review',
            review: holder ? reviewForStaff(holder) : null,
          };
        }),
        reviews: view.reviews.map(reviewForStaff),
        ...(view.decision ? { decision: view.decision } : {}),
        execution: execution ?? null,
      },
    };
  }),

  implement(getReviewHistoryRoute, async (req) => {
    const { application: app } = await loadApplication(req.principal, req.params.applicationId, 'application.workflow');
    const round = await getRound(app.id, Math.max(1, app.submissionNumber));
    const arn = req.query.execution ? executionArnFor(req.query.execution) : round?.executionArn;
    if (!arn || (req.query.execution && !req.query.execution.startsWith(app.id))) throw problems.notFound('execution');
    const [execution, events] = await Promise.all([describeExecution(arn), executionHistory(arn)]);
    if (!execution || !events) throw problems.notFound('execution');
    return { body: { execution, executions: round?.executions ?? [], events } };
  }),

  implement(startReviewRoute, async (req) => {
    const { application: app } = await loadApplication(req.principal, req.params.applicationId, 'application.assign');
    // The same rules as the workflow's own first task (pipeline/prepare.ts), answered here
    // before anything starts; a start that slips past them (a race) still ends at once there.
    if (app.submissionNumber < 1 || app.status === 'draft') {
      throw problems.conflict(`The application is ${app.status}; it has not been submitted, so there is nothing to review.`, { code: 'not_submitted', status: app.status });
    }
    if (app.status === 'withdrawn') {
      throw problems.conflict('The application was withdrawn; there is nothing to review.', { code: 'withdrawn', status: app.status });
    }
    if (isTerminal(app.status) || app.status === 'revise_and_resubmit') {
      throw problems.conflict(`The application is already decided (${app.status}); its review cannot run again.`, { code: 'already_decided', status: app.status });
    }
    const round = await getRound(app.id, app.submissionNumber);
    if (round?.executionArn) {
      const current = await describeExecution(round.executionArn);
      if (current?.status === 'RUNNING') {
        throw problems.conflict('The review workflow is running; stop it before starting another.', { code: 'review_running', executionArn: round.executionArn });
      }
    }
    const previous = round?.executions.length ?? 0;
    const name = executionName(app.id, app.submissionNumber, previous > 0 ? previous : undefined);
    const started = await startReview(app.id, name);
    return { status: 202, body: { executionName: name, executionArn: started.executionArn, started: started.started } };
  }),

  implement(assignSeatRoute, async (req) => {
    const { application: app } = await loadApplication(req.principal, req.params.applicationId, 'application.assign');
    if (!['in_review', 'submitted'].includes(app.status)) {
      throw problems.conflict(`The application is ${app.status}; reviewers are assigned only while it is in review.`, { status: app.status });
    }
    const view = await readRound(app.id, app.submissionNumber);
    const seat = view?.seats.find((s) => s.seat === req.params.seat);
    if (!view || !seat) throw problems.notFound('seat');
    const holder = seatHolder(view, seat);
    if (holder?.status === 'submitted') throw problems.conflict('This seat\u2019s review is submitted; it cannot be reassigned.');
    if (holder?.reviewerSub === req.body.reviewerSub) throw problems.conflict('This reviewer already holds the seat.');
    // Consistent reads: the profile, the person's own memberships (a member of a pathway in the
    // same district is conflicted) and their stamp, which the seat's write is conditional on.
    const affiliations = await readAffiliations(req.body.reviewerSub);
    const profile = affiliations.profile;
    if (!profile) {
      throw problems.unprocessable('No reviewer profile for this person.', [{ in: 'body', field: 'reviewerSub', message: 'is not a reviewer', code: 'not_a_reviewer' }]);
    }
    const ctx = await panelContext(app);
    const current = currentPanel(view).filter((c) => c.reviewerId !== holder?.reviewerSub);
    const role: ReviewRole = req.body.role ?? (current.some((c) => c.role === 'lead') ? 'co-reviewer' : 'lead');
    // Conflicts and home district from the profile just read, not from the pool's index.
    const reviewer = candidateFrom(affiliations, profile.sub, ctx.application, ctx.candidates.find((c) => c.id === profile.sub));
    const check = validateManualAssignment({
      application: ctx.application,
      reviewer,
      role,
      current,
      formerReviewerIds: ctx.former,
      now: nowIso(),
      ...(req.body.override ? { override: req.body.override } : {}),
    });
    if (!check.ok) {
      throw problems.unprocessable(
        'This reviewer cannot take the seat.',
        check.reasons.map((r): FieldError => ({ in: 'body', field: 'reviewerSub', message: r.message, code: r.code })),
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
        assignedBy: req.principal.sub,
        reassignedCount: seat.reassignments,
        overrideLoad: req.body.override?.load === true,
        extra: holder ? vacateItems(holder, 'reassigned', req.body.reason ?? 'Reassigned by staff', false) : [],
        // Conditional on the memberships and profile checked above (a conflict arising meanwhile: 409).
        guard: affiliationGuard(affiliations),
      });
    } catch (error) {
      if (error instanceof ReviewerAtCapacity) {
        throw problems.unprocessable('The reviewer is at their maximum of open assignments.', [
          { in: 'body', field: 'override.load', message: 'set to assign past the load limit', code: 'at-capacity' },
        ]);
      }
      if (error instanceof ConcurrentChange) throw problems.conflict('The seat changed meanwhile; reload the round and try again.');
      throw error;
    }
    await ensureNotified(review);
    const workflow = await answerSeat(app.id, app.submissionNumber, seat.seat, 'assigned');
    return { body: { review: reviewForStaff(review), overridden: check.overridden, workflow } };
  }),

  implement(adjudicateRoute, async (req) => {
    const { application: app } = await loadApplication(req.principal, req.params.applicationId, 'application.adjudicate');
    const n = await roundNumber(app);
    const round = await getRound(app.id, n);
    if (!round || round.stage !== 'adjudication' || !round.aggregate) {
      throw problems.conflict('The review round is not waiting for adjudication.', { stage: round?.stage ?? null });
    }
    const framework = await getPublishedFramework(round.frameworkId);
    const scale = framework ? rubricScaleOf(framework) : [];
    const known = new Set(round.aggregate.criteria.map((c) => c.criterionId));
    const errors: FieldError[] = [];
    req.body.adjudications.forEach((a, i) => {
      if (!known.has(a.criterionId)) errors.push({ in: 'body', field: `adjudications.${i}.criterionId`, message: 'not a criterion of this review', code: 'unknown_criterion' });
      if (!scale.includes(a.level)) errors.push({ in: 'body', field: `adjudications.${i}.level`, message: `must be one of ${scale.join(', ')}`, code: 'invalid_level' });
    });
    if (errors.length) throw problems.unprocessable('Some adjudications do not fit the review.', errors);
    if (!(await recordAdjudications(app.id, n, req.body.adjudications, actorOf(req.principal)))) {
      throw problems.conflict('The review round is no longer waiting for adjudication.');
    }
    const after = (await getRound(app.id, n))!;
    const missing = after.aggregate!.needsAdjudication.filter((c) => !after.adjudications[c]);
    const workflow = missing.length === 0 ? await answerStaffTask(app.id, n, 'adjudication', 'adjudicated') : 'not-waiting';
    return { body: { adjudications: after.adjudications, stillNeeded: missing, workflow } };
  }),

  implement(decideRoute, async (req) => {
    const { application: app } = await loadApplication(req.principal, req.params.applicationId, 'application.decide');
    const n = await roundNumber(app);
    if (app.status !== 'decision_pending') {
      const existing = await getDecision(app.id, n);
      if (existing) {
        // Telling the workflow again is harmless and cures an answer that failed half-way.
        await answerStaffTask(app.id, n, 'decision', 'decided');
        throw problems.conflict('This application was already decided.', { decision: existing.decision });
      }
      throw problems.conflict(`The application is ${app.status}; a decision is made once it is decision pending.`, { status: app.status });
    }
    const round = await getRound(app.id, n);
    if (req.body.decision === 'revise_and_resubmit' && !req.body.requiredChanges?.length) {
      throw problems.unprocessable('Revise and resubmit needs the required changes.', [
        { in: 'body', field: 'requiredChanges', message: 'list what must change, per criterion', code: 'required' },
      ]);
    }
    const decision: ReviewDecision = {
      applicationId: app.id,
      pathwayId: app.pathwayId,
      round: n,
      level: app.level,
      decision: req.body.decision,
      letter: req.body.letter,
      requiredChanges: req.body.requiredChanges ?? [],
      recommendation: round?.aggregate?.recommendation ?? 'pending',
      decidedBy: actorOf(req.principal),
      decidedAt: nowIso(),
    };
    if (!(await recordDecision(decision))) {
      const existing = await getDecision(app.id, n);
      if (existing) {
        await answerStaffTask(app.id, n, 'decision', 'decided');
        throw problems.conflict('This application was already decided.', { decision: existing.decision });
      }
      throw problems.conflict('The review round is not waiting for a decision.', { stage: round?.stage ?? null });
    }
    const workflow = await answerStaffTask(app.id, n, 'decision', 'decided');
    return { status: 202, body: { decision, workflow } };
  }),
]);
