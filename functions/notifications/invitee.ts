/**
 * The notifier's invitation path: `InvitationCreated` and `InvitationExpiring` are told to
 * the invited address by email (no in-app notification: the invitee may not have signed
 * in, and once they do, GET /me/invitations lists it).
 *
 * - Once per invitation: the delivery record is keyed by the invitation and the kind of
 *   email (core/notifications/rules.ts `inviteeDeliveryKey`), not by the event id, so an
 *   event published twice (a retried request, a sweep run twice) sends one email. The
 *   record then moves as the notifier's do (store/notification-deliveries.ts).
 * - Only while the invitation is pending: the invitation is read (consistently) when the
 *   event arrives, and one that was accepted, revoked (deleted) or has expired gets nothing.
 * - No preferences: the invitation email is how the invitee learns of it, and an address
 *   that is no person yet has none. A person who holds the address gets it as well.
 * - Suppression: the recipient is the address (`invitee:<address>`), so SES bounces and
 *   complaints about it are recorded under that key by email-feedback.ts and stop later
 *   invitation emails to it; a problem recorded on the person who holds the address for the
 *   same address stops them too.
 */
import type { DomainEvent } from '#core/events.ts';
import { invitationStatusAt } from '#core/invitations.ts';
import { checkEmailAddress, inviteeDeliveryKey, inviteeRecipient, type InviteeDetailType } from '#core/notifications/rules.ts';
import { renderNotification } from '#core/notifications/templates.ts';
import { nowIso, nowMs } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { logger } from '#lib/logger.ts';
import { getItem, stripKeys } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import {
  beginDelivery,
  CLAIM_LEASE_MS,
  claimDelivery,
  failPending,
  finishDelivery,
  markUnconfirmed,
  releaseDelivery,
  type DeliveryRecord,
} from '#store/notification-deliveries.ts';
import { getNotificationSettings, recordEmailProblem, type EmailProblem } from '#store/notification-preferences.ts';
import type { Invitation } from '#store/people.ts';
import { ADDRESS_ERRORS, PERMANENT_SES_ERRORS, sendEmail, sesErrorName, SUPPRESSING } from './ses-email.ts';

export type InviteeEvent = Extract<DomainEvent, { detailType: InviteeDetailType }> & { id: string };

export interface InviteeResult {
  eventId: string;
  dropped?: string;
  deliveries: { recipient: string; state: string }[];
}

const suppresses = (problem: EmailProblem | undefined, address: string) =>
  problem !== undefined && SUPPRESSING.has(problem.reason) && problem.address?.toLowerCase() === address.toLowerCase();

/** The invitee's name and the problem recorded on them, when a person holds the address. */
async function holderOf(address: string): Promise<{ name?: string; problem?: EmailProblem }> {
  // Read here rather than through store/people.ts, whose weight the notifier's bundle cannot carry.
  const sub = (await getItem<{ sub?: string }>(keys.email(address)))?.sub;
  if (!sub) return {};
  const [profile, settings] = await Promise.all([getItem(keys.person(sub)), getNotificationSettings(sub)]);
  // The email item outlives an address change: only a profile that still has the address is its holder.
  if (String(profile?.email ?? '').toLowerCase() !== address.toLowerCase()) return {};
  return {
    ...(typeof profile?.name === 'string' && profile.name ? { name: profile.name } : {}),
    ...(settings.emailProblem ? { problem: settings.emailProblem } : {}),
  };
}

export async function notifyInvitee(event: InviteeEvent): Promise<InviteeResult> {
  const d = event.detail;
  const key =
    d.scope === 'reviewer'
      ? keys.reviewerInvitation(d.invitationId)
      : d.scope === 'pathway' && d.pathwayId
        ? keys.invitation(d.pathwayId, d.invitationId)
        : keys.districtInvitation(d.districtId ?? '', d.invitationId);
  const item = await getItem(key, true);
  const stored = item ? (stripKeys(item) as unknown as Invitation) : undefined;
  const invitation = stored ? { ...stored, status: invitationStatusAt(stored, nowMs()) } : undefined;
  if (!invitation) {
    logger.info('invitation gone (revoked) before its email; nothing sent', { eventId: event.id, invitationId: d.invitationId });
    return { eventId: event.id, dropped: 'invitation_revoked', deliveries: [] };
  }
  const recipient = inviteeRecipient(invitation.email);
  const deliveryKey = inviteeDeliveryKey(event.detailType, invitation.id);
  const open = invitation.status === 'pending';
  const at = nowIso();
  const record: DeliveryRecord = {
    eventId: deliveryKey,
    detailType: event.detailType,
    recipient,
    state: open ? 'pending' : 'skipped',
    ...(open ? {} : { reason: `invitation_${invitation.status}` }),
    attempts: 0,
    createdAt: at,
    updatedAt: at,
  };
  const begun = await beginDelivery(record);
  let current = begun === 'created' ? record : begun;
  const done = (state: string) => ({ eventId: event.id, deliveries: [{ recipient, state }] });
  if (current.state === 'sending') {
    // Another invocation holds the claim, or one died while sending: never send a second time.
    const marked = await markUnconfirmed(current, new Date(nowMs() - CLAIM_LEASE_MS).toISOString());
    if (marked.ok) return done('unconfirmed');
    if (marked.record?.state === 'sending') throw new Error(`invitation email ${deliveryKey}: another invocation is sending`);
    return done(marked.record?.state ?? 'missing');
  }
  if (current.state !== 'pending') return done(current.state);

  const address = checkEmailAddress(invitation.email);
  if (!address.ok) {
    await failPending(current, { reason: address.reason, address: invitation.email });
    return done('failed');
  }
  const [holder, own] = await Promise.all([holderOf(address.address), getNotificationSettings(recipient)]);
  const problem = [own.emailProblem, holder.problem].find((p) => suppresses(p, address.address));
  if (problem) {
    await failPending(current, {
      reason: 'suppressed',
      detail: `SES ${problem.reason} this address before (${problem.detail ?? problem.reason})`,
      address: address.address,
    });
    return done('failed');
  }

  const rendered = renderNotification(event, 'invitee', {
    recipientName: holder.name,
    pathwayName: invitation.scope.kind === 'pathway' ? invitation.scope.pathwayName : undefined,
    districtName: invitation.scope.kind === 'reviewer' ? undefined : invitation.scope.districtName,
    inviterName: invitation.invitedBy.name ?? invitation.invitedBy.email,
    baseUrl: config.appBaseUrl,
  });
  const claimed = await claimDelivery(current);
  if (!claimed.ok) return done(claimed.record?.state ?? 'missing');
  current = claimed.record;
  try {
    const messageId = await sendEmail(address.address, rendered, { detailType: event.detailType }, recipient);
    await finishDelivery(current, { state: 'sent', address: address.address, ...(messageId ? { messageId } : {}) });
    return done('sent');
  } catch (error) {
    const name = sesErrorName(error);
    const message = (error as Error).message ?? String(error);
    if (PERMANENT_SES_ERRORS.has(name)) {
      await finishDelivery(current, { state: 'failed', reason: 'rejected', detail: `${name}: ${message}`, address: address.address });
      if (ADDRESS_ERRORS.has(name)) {
        await recordEmailProblem(recipient, {
          address: address.address,
          reason: 'rejected',
          detail: `${name}: ${message}`,
          at: nowIso(),
          eventId: event.id,
        });
      }
      logger.warn('SES rejected an invitation email', { eventId: event.id, invitationId: invitation.id, error: name });
      return done('failed');
    }
    // Throttling or an outage: released, and the invocation fails so EventBridge/Lambda retries it.
    await releaseDelivery(current, `${name}: ${message}`);
    throw new Error(`invitation email ${deliveryKey} to retry: ${name}`, { cause: error });
  }
}
