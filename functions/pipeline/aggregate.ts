/**
 * Task 4: aggregate the panel's scores (core/review/scoring.ts): consensus per criterion,
 * results per component against the level's thresholds, disagreements. Disagreements not
 * yet adjudicated send the round to staff adjudication; otherwise the application moves to
 * decision_pending and the round waits for staff's decision.
 */
import { rubricScaleOf } from '#core/framework.ts';
import { aggregateScores, scoringCriteriaFor, type Adjudication } from '#core/review/scoring.ts';
import { transact, TransactionCancelled } from '#store/db.ts';
import { getApplication } from '#store/application-reads.ts';
import { getPublishedFramework } from '#store/frameworks.ts';
import { moveStage, readRound, roundOwnedBy, seatHolder, setRoundFields, stageUpdate } from '#store/reviews.ts';
import { nowIso } from '#lib/clock.ts';
import { PipelineError, TransientError } from './errors.ts';
import { moveItems, systemActor } from './application-moves.ts';
import { pipelineTask } from './task.ts';

export interface AggregateInput {
  applicationId: string;
  round: number;
  executionArn?: string;
}

export interface AggregateOutput {
  next: 'adjudicate' | 'decide' | 'closed' | 'superseded';
  needsAdjudication: number;
  recommendation: string;
}

export async function aggregate(input: AggregateInput): Promise<AggregateOutput> {
  const app = await getApplication(input.applicationId, true);
  if (!app) throw new PipelineError('ApplicationNotFound', `no application ${input.applicationId}`);
  const closed: AggregateOutput = { next: 'closed', needsAdjudication: 0, recommendation: 'pending' };
  const view = await readRound(app.id, input.round);
  // Another execution owns the round (prepare.ts): this one ends without touching it.
  if (!roundOwnedBy(view?.round, input.executionArn)) return { ...closed, next: 'superseded' };
  if (app.status === 'withdrawn' || app.submissionNumber !== input.round) {
    await moveStage(app.id, input.round, 'withdrawnWhileRunning');
    return closed;
  }
  if (!view) throw new PipelineError('RoundNotFound', `no round ${input.round} for ${app.id}`);
  const framework = await getPublishedFramework(view.round.frameworkId);
  if (!framework) throw new PipelineError('FrameworkMissing', `framework ${view.round.frameworkId} is not published`);

  const reviews = view.seats.map((s) => seatHolder(view, s));
  if (reviews.some((r) => r?.status !== 'submitted')) {
    throw new PipelineError('ReviewsIncomplete', `not every seat of ${app.id} round ${input.round} has a submitted review`);
  }
  const adjudications: Record<string, Adjudication> = Object.fromEntries(
    Object.entries(view.round.adjudications ?? {}).map(([c, a]) => [c, { level: a.level, reason: a.reason }]),
  );
  const result = aggregateScores({
    targetLevel: view.round.level,
    criteria: scoringCriteriaFor(framework, view.round.level),
    reviews: reviews.map((r) => ({ reviewerId: r!.reviewerSub, scores: r!.scores })),
    adjudications,
    scale: rubricScaleOf(framework),
  });
  await setRoundFields(app.id, input.round, { aggregate: result, aggregatedAt: nowIso() });
  const summary = { needsAdjudication: result.needsAdjudication.length, recommendation: result.recommendation };

  if (result.needsAdjudication.length > 0) {
    await moveStage(app.id, input.round, 'reviewersDisagree');
    return { next: 'adjudicate', ...summary };
  }
  if (app.status === 'in_review') {
    try {
      await transact([
        ...moveItems(app, 'decision_pending', 'system', systemActor, 'application.reviews_complete'),
        stageUpdate(app.id, input.round, 'reviewsComplete'),
      ]);
    } catch (error) {
      if (error instanceof TransactionCancelled) {
        const now = await getApplication(app.id, true);
        if (now?.status !== 'decision_pending') throw new TransientError(`application ${app.id} changed while completing its reviews`);
      } else throw error;
    }
  } else {
    await moveStage(app.id, input.round, 'awaitDecision');
  }
  return { next: 'decide', ...summary };
}

export const handler = pipelineTask('aggregate', aggregate);
