/**
 * The notifier's exactly-once records: one item per (event id, recipient) in
 * `DELIVERY#<eventId>` / `TO#<recipient>`.
 *
 * EventBridge delivers at least once, and Lambda retries a failed invocation. The record
 * is created with a conditional put in the same transaction as the in-app notification,
 * so a redelivery never writes a second notification. The email's state then moves by
 * conditional updates:
 *
 *   pending ──claim──▶ sending ──▶ sent | failed
 *      ▲                  │
 *      └──── transient ───┘   (throttling, 5xx: released, the invocation throws and is retried)
 *   skipped   (no email wanted: preference off, staff inbox)
 *   failed    (missing or invalid address, permanent SES rejection: never retried)
 *
 * An invocation that dies between claiming and recording the result leaves `sending`:
 * whether SES accepted the email is unknown. A later delivery of the event does not send
 * again (at most once for email; the in-app notification exists either way) and marks
 * the record `unconfirmed` once the claim is older than the function could run.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EmailCategory } from '#core/notifications/preferences.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { nowIso, nowMs } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { addSets, getItem, putNew, stripKeys, transact, TransactionCancelled, type Item } from './db.ts';
import * as keys from './keys.ts';

export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped' | 'unconfirmed';

export interface DeliveryRecord {
  eventId: string;
  detailType: string;
  recipient: string;
  /** The in-app notification written with the record; absent for an invitee (email only). */
  notificationId?: string;
  state: DeliveryState;
  /** The email category; absent for in-app-only deliveries. */
  category?: EmailCategory;
  /** Why no email (skipped) or why it failed. */
  reason?: string;
  detail?: string;
  address?: string;
  messageId?: string;
  attempts: number;
  claimedAt?: string;
  createdAt: string;
  updatedAt: string;
}

/** A claim older than this belongs to an invocation that died (the notifier's timeout is 60 s; with margin). */
export const CLAIM_LEASE_MS = 5 * 60 * 1000;

/** Records outlive any redelivery or replay worth guarding against. */
const RETENTION_DAYS = 90;

const deliveryItem = (r: DeliveryRecord): Item => ({
  ...keys.notificationDelivery(r.eventId, r.recipient),
  _type: 'notification_delivery',
  ...r,
  ttl: Math.floor(nowMs() / 1000) + RETENTION_DAYS * 86_400,
});

/**
 * Creates the delivery record and the in-app notification (when there is one) together.
 * Answers 'created', or the record a previous delivery of the same event left.
 */
export async function beginDelivery(record: DeliveryRecord, notification?: Item): Promise<'created' | DeliveryRecord> {
  try {
    await transact([putNew(deliveryItem(record)), ...(notification ? [putNew(notification)] : [])]);
    return 'created';
  } catch (error) {
    if (!(error instanceof TransactionCancelled) || !error.failedCondition(0)) throw error;
    const existing = error.reasons[0]?.item ?? (await getItem(keys.notificationDelivery(record.eventId, record.recipient), true));
    return stripKeys(existing as Item) as unknown as DeliveryRecord;
  }
}

export async function getDelivery(eventId: string, recipient: string): Promise<DeliveryRecord | undefined> {
  const item = await getItem(keys.notificationDelivery(eventId, recipient), true);
  return item ? (stripKeys(item) as unknown as DeliveryRecord) : undefined;
}

/** A conditional state change; answers the record after it, or the record as it was when the condition failed. */
async function move(
  eventId: string,
  recipient: string,
  from: DeliveryState,
  set: Partial<DeliveryRecord> & { state: DeliveryState },
  extraCondition?: { expression: string; values: Record<string, unknown> },
): Promise<{ ok: true; record: DeliveryRecord } | { ok: false; record: DeliveryRecord | undefined }> {
  const names: Record<string, string> = { '#state': 'state', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':from': from, ':at': nowIso(), ...extraCondition?.values };
  const assignments = ['#updatedAt = :at'];
  addSets({ names, values, sets: assignments }, set);
  try {
    const out = await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.notificationDelivery(eventId, recipient),
        UpdateExpression: `SET ${assignments.join(', ')}`,
        ConditionExpression: `#state = :from${extraCondition ? ` AND ${extraCondition.expression}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { ok: true, record: stripKeys(out.Attributes as Item) as unknown as DeliveryRecord };
  } catch (error) {
    const e = error as Error & { Item?: Item };
    if (e.name !== 'ConditionalCheckFailedException') throw error;
    const old = e.Item ? (stripKeys(e.Item) as unknown as DeliveryRecord) : await getDelivery(eventId, recipient);
    return { ok: false, record: old };
  }
}

/** pending → sending: only one invocation may send. */
export async function claimDelivery(record: DeliveryRecord) {
  return move(record.eventId, record.recipient, 'pending', { state: 'sending', claimedAt: nowIso(), attempts: record.attempts + 1 });
}

/** sending → sent | failed (the claim's outcome). */
export async function finishDelivery(record: DeliveryRecord, outcome: Partial<DeliveryRecord> & { state: 'sent' | 'failed' }) {
  return move(record.eventId, record.recipient, 'sending', outcome);
}

/** sending → pending after a transient error, so the retried invocation sends. */
export async function releaseDelivery(record: DeliveryRecord, detail: string) {
  return move(record.eventId, record.recipient, 'sending', { state: 'pending', detail });
}

/** pending → failed without sending (missing or invalid address, suppressed). */
export async function failPending(record: DeliveryRecord, outcome: { reason: string; detail?: string; address?: string }) {
  return move(record.eventId, record.recipient, 'pending', { state: 'failed', ...outcome });
}

/** sending → unconfirmed for a claim older than `staleBefore` (its invocation died mid-send). */
export async function markUnconfirmed(record: DeliveryRecord, staleBefore: string) {
  return move(
    record.eventId,
    record.recipient,
    'sending',
    { state: 'unconfirmed', reason: 'interrupted_while_sending' },
    {
      expression: 'claimedAt < :stale',
      values: { ':stale': staleBefore },
    },
  );
}
