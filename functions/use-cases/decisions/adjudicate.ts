/**
 * Staff adjudicate: they set the final level of criteria the reviewers disagree on. When no
 * criterion is left waiting, the round's adjudication task is answered and the workflow moves on.
 */
import { ConflictError, UnprocessableError, type FieldIssue } from '#core/errors.ts';
import { rubricScaleOf } from '#core/framework.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import { getPublishedFramework } from '#store/frameworks.ts';
import { getRound, recordAdjudications, type RecordedAdjudication } from '#store/reviews.ts';
import { answerStaffTask } from '#pipeline/answers.ts';
import type { Answer } from '#pipeline/workflow.ts';
import { loadApplication } from '../applications/load-application.ts';
import { roundNumber } from './review-round.ts';

export interface Adjudication {
  criterionId: string;
  level: string;
  reason: string;
}

export interface Adjudicated {
  adjudications: Record<string, RecordedAdjudication>;
  /** Criteria still waiting for adjudication; the workflow moves on when none are left. */
  stillNeeded: string[];
  workflow: Answer | 'not-waiting';
}

export async function adjudicate(principal: Principal, applicationId: string, adjudications: Adjudication[]): Promise<Adjudicated> {
  const { application: app } = await loadApplication(principal, applicationId, 'application.adjudicate');
  const n = roundNumber(app);
  const round = await getRound(app.id, n);
  if (!round || round.stage !== 'adjudication' || !round.aggregate) {
    throw new ConflictError('The review round is not waiting for adjudication.', { stage: round?.stage ?? null });
  }
  const framework = await getPublishedFramework(round.frameworkId);
  const scale = framework ? rubricScaleOf(framework) : [];
  const known = new Set(round.aggregate.criteria.map((c) => c.criterionId));
  const errors: FieldIssue[] = [];
  adjudications.forEach((a, i) => {
    if (!known.has(a.criterionId))
      errors.push({
        in: 'body',
        field: `adjudications.${i}.criterionId`,
        message: 'not a criterion of this review',
        code: 'unknown_criterion',
      });
    if (!scale.includes(a.level))
      errors.push({ in: 'body', field: `adjudications.${i}.level`, message: `must be one of ${scale.join(', ')}`, code: 'invalid_level' });
  });
  if (errors.length) throw new UnprocessableError('Some adjudications do not fit the review.', errors);
  if (!(await recordAdjudications(app.id, n, adjudications, actorOf(principal)))) {
    throw new ConflictError('The review round is no longer waiting for adjudication.');
  }
  const after = (await getRound(app.id, n))!;
  const missing = after.aggregate!.needsAdjudication.filter((c) => !after.adjudications[c]);
  const workflow = missing.length === 0 ? await answerStaffTask(app.id, n, 'adjudication', 'adjudicated') : 'not-waiting';
  return { adjudications: after.adjudications, stillNeeded: missing, workflow };
}
