/**
 * Task 1: validate and snapshot the submission, claim the review round for this execution,
 * open the round, move it into review.
 *
 * Input is what staff can type: `{ applicationId }` (plus the execution's name and ARN,
 * which the state machine adds). Everything else is read from the table, and the answer
 * says where the execution should go:
 *   review          - this execution owns the round (new, or resumed after a failure or restart);
 *   decided         - staff's decision is applied but its events were not all published: finish them;
 *   already-running - another execution that is still running owns the round (`owner`): end at once;
 *   already-decided - the round is decided and done: end at once, nothing is written;
 *   withdrawn       - the application was withdrawn: end at once;
 *   not-submitted   - a draft, or never submitted: end at once.
 *
 * One rule for every way a review starts (submit, the staff API, the console or CLI with
 * only `{applicationId}`, twice or at the same moment): the round's `executionArn` is
 * claimed with a conditional write (store/reviews.ts claimRound). A start that finds a
 * live owner ends; one that finds a dead owner (failed, stopped, timed out) takes over.
 * Every later task passes its execution ARN and stands down when it no longer owns the round.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { completenessGaps, type CriterionResponse } from '#core/completeness.ts';
import { reviewersNeeded } from '#core/review/assignment.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { config } from '#lib/config.ts';
import { countBusinessEvent } from '#lib/metrics.ts';
import { getItem, queryAll, stripKeys, transact, TransactionCancelled } from '#store/db.ts';
import { type ResponseRecord } from '#store/applications.ts';
import { getApplication, type Application } from '#store/application-reads.ts';
import { getPublishedFramework } from '#store/frameworks.ts';
import * as keys from '#store/keys.ts';
import { claimRound, ensureRound, getDecision, moveStage, setRoundFields, writeSnapshot, type RoundClaim } from '#store/reviews.ts';
import { PipelineError, TransientError } from './errors.ts';
import { moveItems, systemActor } from './application-moves.ts';
import { assignmentConfig } from './panel.ts';
import { pipelineTask } from './task.ts';
import { isRunning } from './workflow.ts';

export interface PrepareInput {
  applicationId: string;
  executionName?: string;
  executionArn?: string;
}

export type PreparePhase = 'review' | 'decided' | 'already-running' | 'already-decided' | 'withdrawn' | 'not-submitted';

export interface PrepareOutput {
  applicationId: string;
  round: number;
  phase: PreparePhase;
  /** The application's status as this task read it. */
  status: string;
  /** The execution that owns the round (null when none does). */
  owner: string | null;
}

/**
 * Evidence versions frozen at submission (the evidence store's `APP#<a>#EVIDENCE` /
 * `FROZEN` item, links of criterion, item and version), keyed `criterionId|evidenceId`.
 * Read as plain data so this task does not load the evidence store and its S3 code.
 */
async function frozenVersions(applicationId: string): Promise<Map<string, number>> {
  const item = await getItem(keys.applicationEvidence(applicationId), true);
  const out = new Map<string, number>();
  const links = item?.links;
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
  const responses = (await queryAll(keys.applicationPartition(app.id), keys.responsePrefix, true)).map(
    (i) => stripKeys(i) as unknown as ResponseRecord,
  );
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

/** Claims the round for this execution; without an execution (a direct call) there is nothing to claim. */
async function claim(applicationId: string, round: number, input: PrepareInput): Promise<RoundClaim> {
  if (!input.executionArn) return { owner: true };
  return claimRound(applicationId, round, input.executionName ?? input.executionArn, input.executionArn, isRunning);
}

export async function prepare(input: PrepareInput): Promise<PrepareOutput> {
  const app = await getApplication(input.applicationId, true);
  if (!app) throw new PipelineError('ApplicationNotFound', `no application ${input.applicationId}`);
  const round = app.submissionNumber;
  const out = (phase: PreparePhase, owner: string | null = input.executionArn ?? null): PrepareOutput => ({
    applicationId: app.id,
    round,
    phase,
    status: app.status,
    owner,
  });
  if (round < 1 || app.status === 'draft') return out('not-submitted', null);

  switch (app.status) {
    case 'withdrawn':
      // The withdrawal closed the round (start.ts reviewAfterWithdraw); this only repeats its stage move.
      await moveStage(app.id, round, 'withdrawn');
      return out('withdrawn', null);
    case 'certified':
    case 'not_yet':
    case 'revise_and_resubmit': {
      const decided = await getDecision(app.id, round);
      const done =
        !decided ||
        (decided.applied && decided.events?.decisionMade && (decided.decision !== 'certified' || decided.events?.certificationIssued));
      if (done) return out('already-decided', null);
      // The decision is applied but a failure kept its events from going out: finish them (decide.ts is idempotent).
      const claimed = await claim(app.id, round, input);
      if (!claimed.owner) return out('already-running', claimed.current);
      await moveStage(app.id, round, 'decidedAfterFailure');
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
  const claimed = await claim(app.id, round, input);
  if (!claimed.owner) return out('already-running', claimed.current);
  // A restart after a recorded failure: back to where the round's data says it is. Tried
  // after the claim whatever the round read before it said, since the previous owner's end
  // may have been recorded in between (the failure write is conditioned on its owner, so
  // none lands after the claim).
  if (await moveStage(app.id, round, 'restarted')) await setRoundFields(app.id, round, {}, ['failure']);
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
        if (now?.status === 'in_review') return { ...out('review'), status: now.status };
        throw new TransientError(`application ${app.id} changed while starting its review`);
      }
      throw error;
    }
  }
  await clearFailure(app);
  return { ...out('review'), status: app.status === 'submitted' ? 'in_review' : app.status };
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
