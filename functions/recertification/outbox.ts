/**
 * What the sweep has recorded but not yet performed, kept on the certification item itself:
 * one `outbox_<key>` attribute per action (`outbox_notice_90`, `outbox_renewal`,
 * `outbox_expired`), written by the same conditional write that records the action and
 * removed once its effect (the event, the evidence carried forward) is done.
 *
 * Why: the record is what makes an action happen at most once; the outbox entry is what
 * makes it happen at least once when the function dies between the record and the effect.
 * While an entry is pending, the certification stays in the sweep's index, so the next run
 * finds it and performs it (after claiming it, so two runs never both do).
 */
import type { DomainEventInput } from '#core/events.ts';
import type { Item } from '#store/db.ts';

export const OUTBOX_PREFIX = 'outbox_';

export interface OutboxEntry {
  /** notice_<days>, renewal or expired: one per action, never reused. */
  key: string;
  /** When the entry was recorded or last claimed (ISO instant). */
  recordedAt: string;
  event: DomainEventInput;
  /** Events published with `event`, in the same PutEvents (the BenefitsChanged of an expiry or withdrawal). */
  alsoEvents?: DomainEventInput[];
  /** For a renewal draft: carry the evidence of the certified application into the draft. */
  carryForward?: { applicationId: string; fromApplicationId: string };
}

export const outboxAttribute = (key: string) => `${OUTBOX_PREFIX}${key}`;

export function pendingEntries(item: Item): OutboxEntry[] {
  return Object.entries(item)
    .filter(([name, value]) => name.startsWith(OUTBOX_PREFIX) && typeof value === 'object' && value !== null)
    .map(([, value]) => value as OutboxEntry)
    .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
}
