/**
 * Staff decide an application that is decision pending: the decision is recorded, then the
 * round's decision task is answered and the workflow applies it (pipeline/decide.ts).
 */
import { ConflictError, UnprocessableError } from '#core/errors.ts';
import { nowIso } from '#lib/clock.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import type { Application } from '#store/application-reads.ts';
import { getDecision, getRound, recordDecision as storeDecision, type ReviewDecision } from '#store/reviews.ts';
import { answerStaffTask } from '#pipeline/answers.ts';
import type { Answer } from '#pipeline/workflow.ts';
import { loadApplication } from '../applications/load-application.ts';
import { roundNumber } from './review-round.ts';

export type DecisionRequest = Pick<ReviewDecision, 'decision' | 'letter'> & { requiredChanges?: ReviewDecision['requiredChanges'] };

export interface RecordedDecision {
  decision: ReviewDecision;
  workflow: Answer | 'not-waiting';
}

/**
 * 409 when the round's decision exists already; telling the workflow again first is
 * harmless and cures an earlier answer that failed half-way.
 */
async function refuseIfDecided(app: Application, n: number): Promise<void> {
  const existing = await getDecision(app.id, n);
  if (existing) {
    await answerStaffTask(app.id, n, 'decision', 'decided');
    throw new ConflictError('This application was already decided.', { decision: existing.decision });
  }
}

export async function recordDecision(principal: Principal, applicationId: string, request: DecisionRequest): Promise<RecordedDecision> {
  const { application: app } = await loadApplication(principal, applicationId, 'application.decide');
  const n = roundNumber(app);
  if (app.status !== 'decision_pending') {
    await refuseIfDecided(app, n);
    throw new ConflictError(`The application is ${app.status}; a decision is made once it is decision pending.`, { status: app.status });
  }
  const round = await getRound(app.id, n);
  if (request.decision === 'revise_and_resubmit' && !request.requiredChanges?.length) {
    throw new UnprocessableError('Revise and resubmit needs the required changes.', [
      { in: 'body', field: 'requiredChanges', message: 'list what must change, per criterion', code: 'required' },
    ]);
  }
  const decision: ReviewDecision = {
    applicationId: app.id,
    pathwayId: app.pathwayId,
    round: n,
    level: app.level,
    decision: request.decision,
    letter: request.letter,
    requiredChanges: request.requiredChanges ?? [],
    recommendation: round?.aggregate?.recommendation ?? 'pending',
    decidedBy: actorOf(principal),
    decidedAt: nowIso(),
  };
  if (!(await storeDecision(decision))) {
    await refuseIfDecided(app, n);
    throw new ConflictError('The review round is not waiting for a decision.', { stage: round?.stage ?? null });
  }
  const workflow = await answerStaffTask(app.id, n, 'decision', 'decided');
  return { decision, workflow };
}
