/**
 * Staff withdraw a certification (issue 19): one use case that builds one transaction from
 * the parts each store contributes, then publishes its events.
 *
 * The transaction:
 *  0. the certification becomes `revoked` with the reason (condition: still `active`), and
 *     carries an outbox entry (recertification/outbox.ts) with CertificationWithdrawn and,
 *     when benefits changed, BenefitsChanged;
 *  0b. the certification it continued (if it was `renewed` by it and its term still runs)
 *     is active again and back in the sweep index;
 *  1. the pathway's level, validity and directory entry follow what remains valid
 *     (registry certificationWrite, conditional on the pathway's version), when they change;
 *  2. the audit event of the withdrawal itself (with the reason);
 *  3. the benefits' entitlement (store/benefits.ts entitlementChange);
 *  4. the certification's verifiable credential is revoked on its status list
 *     (store/credentials.ts credentialRevocation; idempotent items);
 *  5. whatever the caller adds (the idempotency record).
 *
 * After the commit the events are published and the entry cleared, which also takes the
 * certification out of the sweep index. If the function stops in between, the entry keeps
 * the certification in the index for today and the daily sweep publishes it
 * (certification.ts, the outbox's at-least-once path).
 *
 * Idempotent: a retry with the same Idempotency-Key replays the first answer (handler), and
 * a repeat of the same withdrawal (same staff member, same reason) answers as the first did;
 * anything else on a certification that is not active is a conflict.
 */
import type { DomainEventInput } from '#core/events.ts';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { publish } from '#events/publish.ts';
import { logger } from '#lib/logger.ts';
import type { Actor } from '#lib/principal.ts';
import { auditItem } from '#store/audit.ts';
import { entitlementChange, type BenefitsChange } from '#store/benefits.ts';
import {
  pathwayCertificationHistory,
  reinstateItem,
  remainingCertification,
  withdrawalItem,
  type Certification,
} from '#store/certifications.ts';
import { credentialRevocation } from '#store/credentials.ts';
import { conflictPause, transact, TransactionCancelled, type TransactItem } from '#store/db.ts';
import { certificationWrite, getPathway } from '#store/registry.ts';
import { benefitsChangedEvent } from './benefit-events.ts';
import { outboxAttribute, type OutboxEntry } from './outbox.ts';
import { certificationKey } from './records.ts';

export interface WithdrawalResult {
  certification: Certification;
  pathway: { level: Certification['level'] | null; certifiedUntil: string | null };
  benefits: Pick<BenefitsChange, 'unlocked' | 'lost'>;
}

const WITHDRAWN = 'withdrawn';
const ATTEMPTS = 5;

/** Clears the outbox entry once its events are out: the certification leaves the sweep index. */
async function clearEntry(c: Certification): Promise<void> {
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: certificationKey(c),
        UpdateExpression: 'REMOVE #outbox, GSI3PK, GSI3SK',
        ConditionExpression: 'attribute_exists(#outbox)',
        ExpressionAttributeNames: { '#outbox': outboxAttribute(WITHDRAWN) },
      }),
    );
  } catch (error) {
    // The sweep performed it meanwhile: nothing left to clear.
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

export async function withdrawCertification(input: {
  pathwayId: string;
  certificationId: string;
  reason: string;
  actor: Actor;
  /** Items the caller adds to the transaction (the idempotency record). */
  extra?: (result: WithdrawalResult) => TransactItem[];
}): Promise<WithdrawalResult> {
  for (let attempt = 1; ; attempt++) {
    const [history, pathway] = await Promise.all([pathwayCertificationHistory(input.pathwayId, true), getPathway(input.pathwayId, true)]);
    const c = history.find((h) => h.id === input.certificationId);
    if (!c || !pathway) throw new NotFoundError('certification');
    if (c.status !== 'active') {
      // The same withdrawal again (a retry whose first answer was lost): answer as the first did.
      if (c.status === 'revoked' && c.withdrawal?.by.sub === input.actor.sub && c.withdrawal.reason === input.reason) {
        return {
          certification: c,
          pathway: { level: pathway.certificationLevel, certifiedUntil: pathway.certifiedUntil },
          benefits: { unlocked: [], lost: [] },
        };
      }
      throw new ConflictError(`The certification is ${c.status}; only an active certification can be withdrawn.`, {
        code: 'not_active',
        certificationStatus: c.status,
      });
    }
    const at = nowIso();
    const today = at.slice(0, 10);
    const withdrawal = { at, by: input.actor, reason: input.reason };
    const revoked: Certification = { ...c, status: 'revoked', withdrawal };
    // The certification it continued counts again on its own term: active, back in the sweep.
    const predecessor = history.find(
      (h) => h.id === c.previousCertificationId && h.status === 'renewed' && h.renewedBy === c.id && h.expiresOn > today,
    );
    const standing = predecessor ? history.map((h) => (h.id === predecessor.id ? { ...h, status: 'active' as const } : h)) : history;
    const remaining = remainingCertification(standing, c, today, 'revoked');
    const pathwayChanges = pathway.certificationLevel !== remaining.level || pathway.certifiedUntil !== remaining.until;

    const benefits = await entitlementChange({
      pathway,
      previousLevel: pathway.certificationLevel,
      level: remaining.level,
      at,
      cause: 'withdrawn',
      certificationId: c.id,
    });
    const event: DomainEventInput = {
      detailType: 'CertificationWithdrawn',
      detail: {
        certificationId: c.id,
        pathwayId: c.pathwayId,
        districtId: c.districtId,
        level: c.level,
        withdrawnAt: at,
        withdrawnBy: input.actor.sub,
      },
    };
    const entry: OutboxEntry = {
      key: WITHDRAWN,
      recordedAt: at,
      event,
      ...(benefits.change ? { alsoEvents: [benefitsChangedEvent(benefits.change)] } : {}),
    };
    const result: WithdrawalResult = {
      certification: revoked,
      pathway: { level: remaining.level, certifiedUntil: remaining.until },
      benefits: { unlocked: benefits.change?.unlocked ?? [], lost: benefits.change?.lost ?? [] },
    };
    const parts = {
      certification: [
        withdrawalItem(c, withdrawal, {
          attribute: outboxAttribute(WITHDRAWN),
          entry: entry as unknown as Record<string, unknown>,
          dueOn: today,
        }),
      ],
      predecessor: predecessor ? [reinstateItem(predecessor, c.id)] : [],
      pathway: pathwayChanges ? certificationWrite(pathway, remaining, input.actor, 'withdrawn') : [],
      audit: [
        auditItem(
          { kind: 'pathway', id: c.pathwayId },
          {
            at,
            actor: input.actor,
            action: 'certification.withdrawn',
            entity: { kind: 'certification', id: c.id },
            changes: [
              { field: 'status', from: 'active', to: 'revoked' },
              { field: 'reason', to: input.reason },
            ],
          },
        ),
      ],
      benefits: benefits.items,
      credentials: await credentialRevocation(c.id, 'withdrawn', at),
    };
    const own = [...parts.certification, ...parts.predecessor, ...parts.pathway, ...parts.audit, ...parts.benefits, ...parts.credentials];
    const extra = input.extra?.(result) ?? [];
    try {
      await transact([...own, ...extra]);
    } catch (error) {
      const conflict = error instanceof TransactionCancelled || (error as Error).name === 'TransactionCanceledException';
      if (!conflict || attempt >= ATTEMPTS) throw error;
      // The caller's own item refused (a concurrent first try with the same idempotency key): its answer.
      if (error instanceof TransactionCancelled && extra.some((_, i) => error.failedCondition(own.length + i))) throw error;
      // Item 0 refused: the certification is no longer active (the next read answers 409 or
      // replays); otherwise the pathway moved or another transaction held an item: read again.
      if (!(error instanceof TransactionCancelled && error.failedCondition(0)))
        await conflictPause({ attempts: ATTEMPTS, baseMs: 25 }, attempt);
      continue;
    }
    try {
      await publish([entry.event, ...(entry.alsoEvents ?? [])]);
      await clearEntry(revoked);
    } catch (err) {
      // Committed: the sweep publishes the pending entry (at least once); the answer stands.
      logger.warn('withdrawal events left to the sweep', { certificationId: c.id, error: (err as Error).message });
    }
    return result;
  }
}
