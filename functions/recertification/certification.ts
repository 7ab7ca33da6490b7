/**
 * One certification on one sweep day: perform what an earlier run recorded but did not
 * finish (its outbox), then, one action at a time, record the next due action (records.ts)
 * and perform its effect only once the record succeeded; finally move the certification's
 * sweep key to the next day it has work (or out of the index).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { applySweepAction, nextSweepDay, sweepActions, type SweepAction, type SweepConfig } from '#core/recertification/notices.ts';
import { addDaysTo, type CalendarDate } from '#core/recertification/validity.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { config } from '#lib/config.ts';
import { publish } from '#events/publish.ts';
import { countBusinessEvent } from '#lib/metrics.ts';
import { asCertification, type Certification } from '#store/certifications.ts';
import { getItem, type Item } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { carryEvidenceForward } from './carry-forward.ts';
import { outboxAttribute, pendingEntries, type OutboxEntry } from './outbox.ts';
import {
  certificationKey,
  recordExpiry,
  recordNotice,
  recordRenewal,
  retryingSweepConflicts,
  updateAlone,
  type Recorded,
  type RecordContext,
} from './records.ts';

export interface SweepContext extends RecordContext {
  config: SweepConfig;
  counts: SweepCounts;
}

/** An outbox entry recorded less than this before the run's `at` belongs to a run that may still be performing it. */
const OUTBOX_GRACE_MS = 5 * 60_000;

export interface SweepCounts {
  certifications: number;
  notices: number;
  renewalsOpened: number;
  renewalDrafts: number;
  expired: number;
  /** Effects of an earlier, interrupted run performed by this one. */
  resumed: number;
  /** Records refused because another run had changed the certification first. */
  conflicts: number;
  /** Certifications whose sweep failed (the run fails after the others; a retry resumes them). */
  failed: number;
}

export const emptyCounts = (): SweepCounts => ({
  certifications: 0,
  notices: 0,
  renewalsOpened: 0,
  renewalDrafts: 0,
  expired: 0,
  resumed: 0,
  conflicts: 0,
  failed: 0,
});

/** The actions due today that the recorded state still accepts, in order. */
export function dueActions(cert: Certification, today: CalendarDate, sweepConfig: SweepConfig): SweepAction[] {
  const out: SweepAction[] = [];
  let state: Certification = cert;
  for (const action of sweepActions({ certification: cert, today, config: sweepConfig })) {
    const next = applySweepAction(state, action);
    if (next) {
      out.push(action);
      state = next;
    }
  }
  return out;
}

/**
 * Sets the sweep key after the certification's work of the day: the next day it has work,
 * today while actions are still due, none once the sweep is done with it. An entry's
 * attribute is removed in the same write (its effect is done).
 */
async function reindex(cert: Certification, ctx: SweepContext, doneKey?: string): Promise<void> {
  const day = nextSweepDay(cert, ctx.config);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const removes: string[] = [];
  let set = '';
  if (doneKey) {
    names['#outbox'] = outboxAttribute(doneKey);
    removes.push('#outbox');
  }
  if (day === null) {
    removes.push('GSI3PK', 'GSI3SK');
  } else {
    // Never behind today once nothing more is due today (a key left in the past would be read every day).
    const dueOn =
      day <= ctx.today && dueActions(cert, ctx.today, ctx.config).length === 0
        ? addDaysTo(ctx.today, 1)
        : day < ctx.today
          ? ctx.today
          : day;
    const index = keys.certificationSweepIndexes(dueOn, cert.id);
    Object.assign(names, { '#gpk': 'GSI3PK', '#gsk': 'GSI3SK' });
    Object.assign(values, { ':gpk': index.GSI3PK, ':gsk': index.GSI3SK });
    set = 'SET #gpk = :gpk, #gsk = :gsk';
  }
  await retryingSweepConflicts(() =>
    dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: certificationKey(cert),
        UpdateExpression: [set, removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' '),
        ConditionExpression: 'attribute_exists(PK)',
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      }),
    ),
  );
}

/** The effect of a recorded action: carry the evidence forward (renewal draft), publish its event, clear the entry. */
async function perform(cert: Certification, entry: OutboxEntry, ctx: SweepContext): Promise<void> {
  if (entry.carryForward) await carryEvidenceForward(entry.carryForward.applicationId, entry.carryForward.fromApplicationId, ctx.actor);
  await publish([entry.event, ...(entry.alsoEvents ?? [])]);
  if (entry.event.detailType === 'CertificationExpiring') countBusinessEvent('CertificationExpiring');
  await reindex(cert, ctx, entry.key);
}

/**
 * Takes over an entry an interrupted run left, by moving its `recordedAt` to now on the
 * condition that it is unchanged: of two runs finding it, one performs it.
 */
async function claim(cert: Certification, entry: OutboxEntry, ctx: SweepContext): Promise<OutboxEntry | null> {
  const claimed = { ...entry, recordedAt: ctx.at };
  const ok = await updateAlone({
    TableName: config.tableName,
    Key: certificationKey(cert),
    UpdateExpression: 'SET #outbox = :claimed',
    ConditionExpression: '#outbox.#recordedAt = :was',
    ExpressionAttributeNames: { '#outbox': outboxAttribute(entry.key), '#recordedAt': 'recordedAt' },
    ExpressionAttributeValues: { ':claimed': claimed, ':was': entry.recordedAt },
  });
  return ok ? claimed : null;
}

async function reread(cert: Certification): Promise<Item | undefined> {
  return getItem(certificationKey(cert), true);
}

function count(ctx: SweepContext, recorded: Recorded, action: SweepAction): void {
  if (action.kind === 'notice') ctx.counts.notices++;
  else if (action.kind === 'expire') ctx.counts.expired++;
  else {
    ctx.counts.renewalsOpened++;
    if (recorded.entry.carryForward) ctx.counts.renewalDrafts++;
  }
}

export async function sweepCertification(indexed: Item, ctx: SweepContext): Promise<void> {
  ctx.counts.certifications++;
  let item: Item | undefined = indexed;
  if (pendingEntries(item).length > 0) {
    // The index may lag the table: decide on the item as it is now.
    item = await reread(asCertification(indexed));
    if (!item) return;
    const pending = pendingEntries(item);
    if (pending.some((e) => Date.parse(ctx.at) - Date.parse(e.recordedAt) < OUTBOX_GRACE_MS)) return;
    for (const entry of pending) {
      const claimed = await claim(asCertification(item), entry, ctx);
      if (!claimed) return;
      await perform(asCertification(item), claimed, ctx);
      ctx.counts.resumed++;
    }
  }
  let cert = asCertification(item);
  // Performing a leftover entry already set the key.
  let acted = pendingEntries(item).length > 0;
  for (let step = 0; step < 10; step++) {
    const action = dueActions(cert, ctx.today, ctx.config)[0];
    if (!action) break;
    const recorded =
      action.kind === 'notice'
        ? await recordNotice(cert, action, ctx)
        : action.kind === 'open-renewal'
          ? await recordRenewal(cert, ctx)
          : await recordExpiry(cert, ctx);
    if (!recorded) {
      // Another run changed it first: start again from the stored state (it may have left nothing to do).
      ctx.counts.conflicts++;
      const now = await reread(cert);
      if (!now || pendingEntries(now).length > 0) return;
      cert = asCertification(now);
      continue;
    }
    count(ctx, recorded, action);
    cert = recorded.cert;
    acted = true;
    await perform(cert, recorded.entry, ctx);
  }
  // Read from the index without anything due (a stale key, a renewed certification): fix its key.
  if (!acted) await reindex(cert, ctx);
}
