/**
 * When an invitation's emails are due. Pure: the store keeps the due instant in a sparse
 * index (functions/store/keys.ts pattern 81), the daily sweep asks `invitationNoticeDue`
 * what to do with each invitation it finds there.
 *
 * - The invitation email is due at creation. The API publishes `InvitationCreated` at once;
 *   when that fails the next sweep publishes it (the notifier sends it once per invitation
 *   either way).
 * - One reminder is due `reminderDays` before expiry (INVITATION_REMINDER_DAYS, default 3),
 *   never before creation. None is sent for an accepted, revoked (deleted) or expired
 *   invitation, nor in the run that had to announce it late.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;
/** How long an invitation can be accepted. */
export const INVITATION_VALIDITY_DAYS = 14;
export const DEFAULT_INVITATION_REMINDER_DAYS = 3;

/** What an invitation's stored status reads as at `nowMs`: a pending one past its expiry is expired. */
export function invitationStatusAt<S extends string>(inv: { status: S; expiresAt: string }, nowMs: number): S | 'expired' {
  return inv.status === 'pending' && Date.parse(inv.expiresAt) <= nowMs ? 'expired' : inv.status;
}

/** The instant the reminder is due: `reminderDays` before expiry, not before creation. */
export function invitationReminderAt(inv: { createdAt: string; expiresAt: string }, reminderDays: number): string {
  const at = Math.max(Date.parse(inv.expiresAt) - reminderDays * DAY_MS, Date.parse(inv.createdAt));
  return new Date(at).toISOString();
}

export interface InvitationNoticeState {
  status: string;
  createdAt: string;
  expiresAt: string;
  announcedAt?: string | undefined;
  remindedAt?: string | undefined;
}

/**
 * What the sweep does with an invitation it found due at `now`:
 * `announce` (the invitation email was never published), `remind`, `drop` (nothing more
 * will be sent: take it out of the index) or `wait` (found early: leave it).
 */
export function invitationNoticeDue(
  inv: InvitationNoticeState,
  now: string,
  reminderDays: number,
): 'announce' | 'remind' | 'drop' | 'wait' {
  const open = inv.status === 'pending' && Date.parse(inv.expiresAt) > Date.parse(now);
  if (!open || inv.remindedAt) return 'drop';
  if (!inv.announcedAt) return 'announce';
  return Date.parse(invitationReminderAt(inv, reminderDays)) <= Date.parse(now) ? 'remind' : 'wait';
}

/** INVITATION_REMINDER_DAYS as read from the environment: whole days, 1 to validity − 1; otherwise the default. */
export function parseReminderDays(raw: string | undefined, validityDays: number): number {
  const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 1 && n < validityDays ? n : DEFAULT_INVITATION_REMINDER_DAYS;
}
