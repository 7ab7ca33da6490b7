/**
 * Task 1: validate and snapshot the submission, open its review round, move it into review.
 *
 * Input is what staff can type: `{ applicationId }` (plus the execution's name and ARN,
 * which the state machine adds). Everything else is read from the table, and the answer
 * says where the execution should go:
 *   review  - the round is open (new, or resumed after a failure or restart);
 *   decided - staff already decided this round; only the decision's effects may be missing;
 *   closed  - nothing to do (withdrawn, or decided without a decision record).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { completenessGaps, type CriterionResponse } from '../core/completeness.ts';
import { reviewersNeeded } from '../core/review/assignment.ts';
import { dynamoClient } from '../lib/aws-clients.ts';
import { config } from '../lib/config.ts';
import { countBusinessEvent } from '../lib/metrics.ts';
import { getItem, queryAll, stripKeys, transact, TransactionCancelled } from '../store/db.ts';
import { getApplication, type Application, type ResponseRecord } from '../store/applications.ts';
import { getPublishedFramework } from '../store/frameworks.ts';
import { keys } from '../store/keys.ts';
import { ensureRound, getDecision, moveStage, recordExecution, setRoundFields, writeSnapshot } from '../store/reviews.ts';
import { PipelineError, TransientError } from './errors.ts';
import { moveItems, systemActor } from './application-moves.ts';
import { assignmentConfig } from './panel.ts';
import { pipelineTask } from './task.ts';

export interface PrepareInput {
  applicationId: string;
  executionName?: string;
  executionArn?: string;
}

export interface PrepareOutput {
  applicationId: string;
  round: number;
  phase: 'review' | 'decided' | 'closed';
}

/**
 * Evidence versions frozen at submission (the evidence store's `APP#<a>#EVIDENCE` /
 * `FROZEN` item, links of criterion, item and version), keyed `criterionId|evidenceId`.
 * Read as plain data so this task does not load the evidence store and its S3 code.
 */
async function frozenVersions(applicationId: string): Promise<Map<string, number>> {
  const item = await getItem(keys.applicationEvidence(applicationId), true);
  const out = new Map<string, number>();
  const links = item?.links as unknown;
  if (Array.isArray(links)) {
    for (const l of links as { criterionId?: unknown; evidenceId?: unknown; version?: unknown }[]) {
      if (typeof l.evidenceId === 'string' && typeof l.version === 'number') out.set(`${String(l.criterionId)}|${l.evidenceId}`, l.version);
    }
  }
  return out;
}

async function snapshot(app: Application): Promise<void> {
  const framework = await getPublishedFramework(app.frameworkId);
  if (!framework) throw new PipelineError('FrameworkMissing', `framework ${app.frameworkId} is not published`);
  const responses = (await queryAll(keys.applicationPartition(app.id), keys.responsePrefix, true)).map((i) => stripKeys(i) as unknown as ResponseRecord);
  const byId = new Map<string, CriterionResponse>(responses.map((r) => [r.criterionId, { narrative: r.narrative, evidence: r.evidence }]));
  const gaps = completenessGaps(framework, app.level, byId);
  if (gaps.length > 0) {
    throw new PipelineError('IncompleteSubmission', `${gaps.length} gap(s), first: ${gaps[0]!.criterionId} ${gaps[0]!.code}`);
  }
  const frozen = await frozenVersions(app.id);
  await writeSnapshot(
    app.id,
    app.submissionNumber,
    responses.map((r) => ({
      criterionId: r.criterionId,
      narrative: r.narrative,
      evidence: r.evidence.map((e) => {
        const version = frozen.get(`${r.criterionId}|${e.evidenceId}`) ?? e.version;
        return { evidenceId: e.evidenceId, ...(version !== undefined ? { version } : {}), ...(e.kind ? { kind: e.kind } : {}) };
      }),
      responseVersion: r.version,
    })),
  );
}

export async function prepare(input: PrepareInput): Promise<PrepareOutput> {
  const app = await getApplication(input.applicationId, true);
  if (!app) throw new PipelineError('ApplicationNotFound', `no application ${input.applicationId}`);
  const round = app.submissionNumber;
  const out = (phase: PrepareOutput['phase']): PrepareOutput => ({ applicationId: app.id, round, phase });
  if (round < 1 || app.status === 'draft') throw new PipelineError('NotSubmitted', `application ${app.id} is ${app.status}`);

  switch (app.status) {
    case 'withdrawn':
      await moveStage(app.id, round, 'withdrawn', ['assigning', 'reviewing', 'adjudication', 'decision', 'failed']);
      return out('closed');
    case 'certified':
    case 'not_yet':
    case 'revise_and_resubmit': {
      const decided = await getDecision(app.id, round);
      if (!decided) return out('closed');
      // A restart to finish a decision's effects (its events, after a failure).
      if (input.executionName) await recordExecution(app.id, round, input.executionName, input.executionArn ?? '');
      await moveStage(app.id, round, 'decided', ['failed']);
      await setRoundFields(app.id, round, {}, ['failure']);
      await clearFailure(app);
      return out('decided');
    }
    default:
      break;
  }

  const framework = await getPublishedFramework(app.frameworkId);
  if (!framework) throw new PipelineError('FrameworkMissing', `framework ${app.frameworkId} is not published`);
  const view = await ensureRound({
    applicationId: app.id,
    pathwayId: app.pathwayId,
    districtId: app.districtId,
    schoolId: app.schoolId,
    pathwayName: app.pathwayName,
    round,
    level: app.level,
    frameworkId: app.frameworkId,
    frameworkVersion: app.frameworkVersion,
    seats: reviewersNeeded(app.level, assignmentConfig()),
  });
  if (input.executionName) await recordExecution(app.id, round, input.executionName, input.executionArn ?? '');
  if (view.stage === 'failed') {
    // A restart after a recorded failure: back to where the round's data says it is.
    await moveStage(app.id, round, 'assigning', ['failed']);
    await setRoundFields(app.id, round, {}, ['failure']);
  }
  if (!view.snapshotAt) await snapshot(app);

  if (app.status === 'submitted') {
    try {
      await transact(moveItems(app, 'in_review', 'system', systemActor, 'application.review_started'));
      // Counted here, once per submission (the conditional move succeeds once), and not in
      // the submit handler: the applications bundle is at its size cap (infra/bundling.ts).
      countBusinessEvent('ApplicationSubmitted');
    } catch (error) {
      if (error instanceof TransactionCancelled) {
        const now = await getApplication(app.id, true);
        if (now?.status === 'in_review') return out('review');
        throw new TransientError(`application ${app.id} changed while starting its review`);
      }
      throw error;
    }
  }
  await clearFailure(app);
  return out('review');
}

/** The failure an earlier execution recorded on the application is cleared once a new one runs. */
async function clearFailure(app: Application): Promise<void> {
  const header = await getItem(keys.application(app.id), true);
  if (!header?.reviewFailure) return;
  await dynamoClient().send(
    new UpdateCommand({
      TableName: config.tableName,
      Key: keys.application(app.id),
      UpdateExpression: 'REMOVE reviewFailure',
      ConditionExpression: 'attribute_exists(PK)',
    }),
  );
}

export const handler = pipelineTask('prepare', prepare);
