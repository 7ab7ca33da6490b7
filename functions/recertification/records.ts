/**
 * The sweep's conditional writes. Each action is recorded on the certification item with
 * the condition that the item is still in the state the action was computed from (active,
 * not expired, same expiry, and the action's own field unchanged), together with its outbox
 * entry and, for a renewal or an expiry, the rest of its effect on the table in the same
 * transaction. A refused condition means another run got there first: the caller re-reads.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SweepAction } from '#core/recertification/notices.ts';
import type { CalendarDate } from '#core/recertification/validity.ts';
import { criteriaFor } from '#core/framework.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { config } from '#lib/config.ts';
import type { Actor } from '#store/applications.ts';
import { pathwayCertificationHistory, remainingCertification, type Certification } from '#store/certifications.ts';
import { credentialRevocation } from '#store/credentials.ts';
import {
  addSets,
  conflictPause,
  retryingConflicts,
  transact,
  TransactionCancelled,
  type ConflictRetry,
  type TransactItem,
} from '#store/db.ts';
import { newestPublishedFramework } from '#store/frameworks.ts';
import * as keys from '#store/keys.ts';
import { certificationWrite, getPathway } from '#store/registry.ts';
import { renewalDraft } from '#store/renewals.ts';
import { entitlementChange } from '#store/benefits.ts';
import { benefitsChangedEvent } from './benefit-events.ts';
import { outboxAttribute, type OutboxEntry } from './outbox.ts';

export interface RecordContext {
  today: CalendarDate;
  at: string;
  actor: Actor;
}

export interface Recorded {
  cert: Certification;
  entry: OutboxEntry;
}

type Update = NonNullable<TransactItem['Update']>;

export const certificationKey = (c: Pick<Certification, 'pathwayId' | 'issuedAt' | 'id'>) =>
  keys.certification(c.pathwayId, c.issuedAt, c.id);

/**
 * The record of one action: `changes`, the outbox entry, and the sweep key set to today
 * (the certification stays due until its effect is done), conditional on the state it was
 * computed from plus `condition`.
 */
function recordUpdate(
  c: Certification,
  ctx: RecordContext,
  changes: Record<string, unknown>,
  entry: OutboxEntry,
  condition: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
): Update {
  const index = keys.certificationSweepIndexes(ctx.today, c.id);
  const names: Record<string, string> = {
    '#status': 'status',
    '#expiredApplied': 'expiredApplied',
    '#expiresOn': 'expiresOn',
    '#outbox': outboxAttribute(entry.key),
    '#gpk': 'GSI3PK',
    '#gsk': 'GSI3SK',
    ...condition.names,
  };
  const values: Record<string, unknown> = {
    ':active': 'active',
    ':false': false,
    ':expiresOn': c.expiresOn,
    ':outbox': entry,
    ':gpk': index.GSI3PK,
    ':gsk': index.GSI3SK,
    ...condition.values,
  };
  const sets = ['#outbox = :outbox', '#gpk = :gpk', '#gsk = :gsk'];
  addSets({ names, values, sets }, changes, { prefix: 'c' });
  return {
    TableName: config.tableName,
    Key: certificationKey(c),
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: `attribute_exists(PK) AND #status = :active AND #expiredApplied = :false AND #expiresOn = :expiresOn AND (${condition.expression})`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * The sweep's writes, tried again while DynamoDB refuses them only because another
 * transaction held the item (a concurrent run, a decision): a retry re-evaluates its condition.
 */
const SWEEP_CONFLICT_RETRY: ConflictRetry = { attempts: 6, baseMs: 20 };
export const retryingSweepConflicts = <T>(write: () => Promise<T>): Promise<T> => retryingConflicts(write, SWEEP_CONFLICT_RETRY);

/** A lone conditional update; false when its condition failed. */
export async function updateAlone(update: Update): Promise<boolean> {
  try {
    await retryingSweepConflicts(() => dynamoClient().send(new UpdateCommand(update)));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

const eventBase = (c: Certification) => ({ certificationId: c.id, pathwayId: c.pathwayId, districtId: c.districtId, level: c.level });

export async function recordNotice(
  c: Certification,
  action: Extract<SweepAction, { kind: 'notice' }>,
  ctx: RecordContext,
): Promise<Recorded | null> {
  const noticesSent = [...new Set([...c.noticesSent, action.daysBefore, ...action.superseded])].sort((a, b) => b - a);
  const entry: OutboxEntry = {
    key: `notice_${action.daysBefore}`,
    recordedAt: ctx.at,
    event: {
      detailType: 'CertificationExpiring',
      detail: { ...eventBase(c), expiresOn: c.expiresOn, daysBefore: action.daysBefore, daysLeft: action.daysLeft },
    },
  };
  // The exact list recorded before: any notice recorded meanwhile makes this one stale.
  const ok = await updateAlone(
    recordUpdate(c, ctx, { noticesSent }, entry, {
      expression: '#noticesSent = :before',
      names: { '#noticesSent': 'noticesSent' },
      values: { ':before': c.noticesSent },
    }),
  );
  return ok ? { cert: { ...c, noticesSent }, entry } : null;
}

/**
 * Opens the renewal: the record plus, when possible, a draft application (store/renewals.ts)
 * in one transaction. No draft when the pathway is inactive or gone, no framework covers the
 * level, or the team already has an application open; the window is recorded and the team
 * told either way.
 */
export async function recordRenewal(c: Certification, ctx: RecordContext): Promise<Recorded | null> {
  const base: OutboxEntry = {
    key: 'renewal',
    recordedAt: ctx.at,
    event: { detailType: 'RenewalOpened', detail: { ...eventBase(c), expiresOn: c.expiresOn } },
  };
  const notOpened = { expression: '#renewalOpened = :false', names: { '#renewalOpened': 'renewalOpened' }, values: {} };
  const [pathway, framework] = await Promise.all([getPathway(c.pathwayId, true), newestPublishedFramework()]);
  if (pathway && pathway.status === 'active' && framework && criteriaFor(framework, c.level).length > 0) {
    const draft = renewalDraft({ certificationId: c.id, level: c.level, pathway, framework, at: ctx.at, actor: ctx.actor });
    const entry: OutboxEntry = {
      ...base,
      event: { detailType: 'RenewalOpened', detail: { ...eventBase(c), expiresOn: c.expiresOn, applicationId: draft.application.id } },
      carryForward: { applicationId: draft.application.id, fromApplicationId: c.applicationId },
    };
    const record = recordUpdate(c, ctx, { renewalOpened: true, renewalApplicationId: draft.application.id }, entry, notOpened);
    try {
      await retryingSweepConflicts(() => transact([{ Update: record }, ...draft.items]));
      return { cert: { ...c, renewalOpened: true }, entry };
    } catch (error) {
      if (!(error instanceof TransactionCancelled)) throw error;
      if (error.failedCondition(0)) return null;
      // The pathway has an open application (or the draft exists): record without a new draft.
    }
  }
  const ok = await updateAlone(recordUpdate(c, ctx, { renewalOpened: true }, base, notOpened));
  return ok ? { cert: { ...c, renewalOpened: true }, entry: base } : null;
}

export { remainingCertification } from '#store/certifications.ts';

/**
 * Expires the certification, revokes its credential (status list) and sets the pathway's
 * level and directory entry to what remains valid, in one transaction. The pathway write is versioned: when the pathway
 * changed meanwhile, everything is read again and retried.
 */
export async function recordExpiry(c: Certification, ctx: RecordContext): Promise<Recorded | null> {
  const base: OutboxEntry = {
    key: 'expired',
    recordedAt: ctx.at,
    event: { detailType: 'CertificationExpired', detail: { ...eventBase(c), expiredOn: c.expiresOn } },
  };
  // The credential's status list entry flips in the same transaction (idempotent writes).
  const revocation = await credentialRevocation(c.id, 'expired', ctx.at);
  for (let attempt = 1; attempt <= SWEEP_CONFLICT_RETRY.attempts; attempt++) {
    const [pathway, history] = await Promise.all([getPathway(c.pathwayId, true), pathwayCertificationHistory(c.pathwayId)]);
    const remaining = remainingCertification(history, c, ctx.today);
    const unchanged = pathway && pathway.certificationLevel === remaining.level && pathway.certifiedUntil === remaining.until;
    // The benefits follow the level that remains, in the same transaction (store/benefits.ts).
    const benefits =
      pathway && !unchanged
        ? await entitlementChange({
            pathway,
            previousLevel: pathway.certificationLevel,
            level: remaining.level,
            at: ctx.at,
            cause: 'expired',
            certificationId: c.id,
          })
        : { items: [], change: null };
    const entry: OutboxEntry = benefits.change ? { ...base, alsoEvents: [benefitsChangedEvent(benefits.change)] } : base;
    const record = recordUpdate(c, ctx, { status: 'expired', expiredApplied: true, expiredAt: ctx.at }, entry, {
      expression: 'attribute_exists(SK)',
      names: {},
      values: {},
    });
    const items: TransactItem[] = [
      { Update: record },
      ...revocation,
      ...(pathway && !unchanged ? certificationWrite(pathway, remaining, ctx.actor, 'expired') : []),
      ...benefits.items,
    ];
    try {
      await transact(items);
      return { cert: { ...c, status: 'expired', expiredApplied: true }, entry };
    } catch (error) {
      if (error instanceof TransactionCancelled && error.failedCondition(0)) return null;
      if (!(error instanceof TransactionCancelled) && (error as Error).name !== 'TransactionCanceledException') throw error;
      // The pathway moved (its version condition failed) or another transaction conflicted:
      // read it again after a pause, so writers racing over one pathway spread out.
      if (attempt < SWEEP_CONFLICT_RETRY.attempts) await conflictPause(SWEEP_CONFLICT_RETRY, attempt);
    }
  }
  throw new Error(`expiring ${c.id}: pathway ${c.pathwayId} kept changing`);
}
