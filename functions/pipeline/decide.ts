/**
 * Task 7: apply staff's decision. In one transaction: the application's status, the
 * certification record and its verifiable credential (certify; a downgrade also revokes
 * the credentials it outranks), the pathway's level and directory entry (certify), the
 * open-application guard released (certify, not yet), the reviewers' access ended, the
 * round marked decided, and the decision marked applied. Then the events, each once.
 *
 * Idempotent: `applied` on the decision is written with the condition that it was not
 * there, so a repeated run (retry, restart) finds it and only completes missing events.
 */
import { newId } from '#core/ids.ts';
import { isTerminal } from '#core/application-status.ts';
import { nowIso } from '#lib/clock.ts';
import { publish } from '#events/publish.ts';
import { countBusinessEvent } from '#lib/metrics.ts';
import { getApplication } from '#store/application-reads.ts';
import { credentialIssue, downgradeRevocations } from '#credentials/issue.ts';
import { entitlementChange } from '#store/benefits.ts';
import { issueCertification, latestCertification, pathwayCertificationHistory } from '#store/certifications.ts';
import { deleteItem, transact, TransactionCancelled, type TransactItem } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { certificationWrite, getPathway } from '#store/registry.ts';
import {
  decisionUpdate,
  endAssignmentItems,
  getDecision,
  markDecisionEvent,
  moveStage,
  readRound,
  roundOwnedBy,
  stageUpdate,
  type ReviewDecision,
  type RoundView,
} from '#store/reviews.ts';
import { benefitsChangedEvent } from '#recertification/benefit-events.ts';
import { moveItems } from './application-moves.ts';
import { PipelineError, TransientError } from './errors.ts';
import { pipelineTask } from './task.ts';

export interface DecideInput {
  applicationId: string;
  round: number;
  executionArn?: string;
}

export interface DecideOutput {
  decision: ReviewDecision['decision'] | 'closed' | 'superseded';
  certificationId?: string;
}

/** `view` is the round as decide() read it (the reviews whose assignments end; each end is conditional on its review). */
async function apply(decision: ReviewDecision, view: RoundView): Promise<ReviewDecision> {
  const app = await getApplication(decision.applicationId, true);
  if (!app) throw new PipelineError('ApplicationNotFound', `no application ${decision.applicationId}`);
  if (app.status !== 'decision_pending') {
    throw new PipelineError('NotDecisionPending', `application ${app.id} is ${app.status}; the decision cannot be applied`);
  }
  const at = nowIso();
  const items: TransactItem[] = [
    ...moveItems(app, decision.decision, 'staff', decision.decidedBy, `application.${decision.decision}`, {
      decidedAt: decision.decidedAt,
    }),
  ];
  const applied: NonNullable<ReviewDecision['applied']> = { at };
  if (decision.decision === 'certified') {
    const pathway = await getPathway(app.pathwayId, true);
    if (!pathway) throw new PipelineError('PathwayNotFound', `no pathway ${app.pathwayId}`);
    const previous = await latestCertification(app.pathwayId);
    const { certification, items: certItems } = issueCertification({
      id: newId('certification'),
      pathwayId: app.pathwayId,
      districtId: app.districtId,
      applicationId: app.id,
      level: decision.level,
      issuedAt: at,
      previous,
    });
    // The benefits follow the new level (an upgrade unlocks, a later lower level loses), and
    // the credential (signed before the commit) is written with the certification; a
    // downgrade revokes the credentials the new level no longer supports. All in this transaction.
    const [benefits, credential, revocations] = await Promise.all([
      entitlementChange({
        pathway,
        previousLevel: pathway.certificationLevel,
        level: certification.level,
        at,
        cause: 'issued',
        certificationId: certification.id,
      }),
      credentialIssue(certification, pathway, app.frameworkVersion),
      previous && previous.level !== certification.level
        ? pathwayCertificationHistory(app.pathwayId).then((history) =>
            downgradeRevocations(history, certification.level, certification.issuedOn, at),
          )
        : Promise.resolve([]),
    ]);
    items.push(
      ...certItems,
      ...credential.items,
      ...revocations,
      ...certificationWrite(
        pathway,
        { level: certification.level, until: certification.expiresOn },
        decision.decidedBy,
        app.renewal ? 'renewed' : 'granted',
      ),
      ...benefits.items,
    );
    Object.assign(applied, {
      certificationId: certification.id,
      issuedOn: certification.issuedOn,
      expiresOn: certification.expiresOn,
      ...(benefits.change ? { benefits: benefits.change } : {}),
    });
  }
  if (isTerminal(decision.decision)) {
    items.push(
      deleteItem(keys.openApplication(app.pathwayId), {
        expression: 'attribute_not_exists(PK) OR applicationId = :id',
        values: { ':id': app.id },
      }),
    );
  }
  items.push(
    ...endAssignmentItems(view.reviews),
    stageUpdate(app.id, decision.round, 'decided'),
    decisionUpdate(app.id, decision.round, { applied }, 'attribute_exists(PK) AND attribute_not_exists(#applied)', {
      '#applied': 'applied',
    }),
  );
  try {
    await transact(items);
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      const now = await getDecision(app.id, decision.round);
      if (now?.applied) return now;
      // The pathway or an assignment changed under us: read everything again.
      throw new TransientError(`applying the decision on ${app.id} raced another change (${error.message})`);
    }
    throw error;
  }
  return { ...decision, applied };
}

export async function decide(input: DecideInput): Promise<DecideOutput> {
  // One consistent Query: the round (its owner), its reviews and the decision.
  const view = await readRound(input.applicationId, input.round);
  // Another execution owns the round (prepare.ts): it applies the decision, not this one.
  if (!roundOwnedBy(view?.round, input.executionArn)) return { decision: 'superseded' };
  let decision = view?.decision;
  if (!decision) {
    const app = await getApplication(input.applicationId, true);
    if (app?.status === 'withdrawn') {
      await moveStage(input.applicationId, input.round, 'withdrawnWhileRunning');
      return { decision: 'closed' };
    }
    throw new PipelineError('NoDecision', `round ${input.round} of ${input.applicationId} has no decision`);
  }
  if (!decision.applied) decision = await apply(decision, view!);

  const app = await getApplication(input.applicationId, true);
  if (!decision.events?.decisionMade) {
    await publish([
      {
        detailType: 'DecisionMade',
        detail: {
          applicationId: decision.applicationId,
          pathwayId: decision.pathwayId,
          districtId: app!.districtId,
          level: decision.level,
          decision: decision.decision,
          decidedBy: decision.decidedBy.sub,
          decidedAt: decision.decidedAt,
        },
      },
    ]);
    await markDecisionEvent(decision.applicationId, decision.round, 'decisionMade');
  }
  const a = decision.applied!;
  if (decision.decision === 'certified' && a.certificationId && !decision.events?.certificationIssued) {
    await publish([
      {
        detailType: 'CertificationIssued',
        detail: {
          certificationId: a.certificationId,
          applicationId: decision.applicationId,
          pathwayId: decision.pathwayId,
          districtId: app!.districtId,
          level: decision.level,
          issuedOn: a.issuedOn!,
          expiresOn: a.expiresOn!,
        },
      },
    ]);
    await markDecisionEvent(decision.applicationId, decision.round, 'certificationIssued');
    countBusinessEvent('CertificationIssued');
  }
  if (decision.decision === 'certified' && a.benefits && !decision.events?.benefitsChanged) {
    await publish([benefitsChangedEvent(a.benefits)]);
    await markDecisionEvent(decision.applicationId, decision.round, 'benefitsChanged');
  }
  return { decision: decision.decision, ...(a.certificationId ? { certificationId: a.certificationId } : {}) };
}

export const handler = pipelineTask('decide', decide);
