/**
 * Bounces and complaints SES reports after accepting an email (configuration set
 * SES_CONFIGURATION_SET publishes them to the default bus; events/rules.ts
 * `sesFeedbackRule` brings them here). A permanent bounce or a complaint is recorded on the
 * person named by the email's `recipient` tag, like a rejection at send time, so the
 * notifier skips that address until it changes; a transient bounce is only logged. Apart
 * from the notifier so neither carries the other's code.
 */
import { parseSesFeedback } from '#core/notifications/ses-feedback.ts';
import { nowIso } from '#lib/clock.ts';
import { logger } from '#lib/logger.ts';
import { recordEmailProblem } from '#store/notification-preferences.ts';
import type { NotifierResult } from './notifier.ts';

/**
 * An SES bounce or complaint. Recording is an overwrite, so a redelivered event is harmless;
 * nothing here is worth a retry except a failing table write (which throws).
 */
export async function handleSesFeedback(envelope: unknown): Promise<NotifierResult> {
  const eventId = String((envelope as { id?: unknown }).id);
  const parsed = parseSesFeedback(envelope);
  if (!parsed.ok) {
    logger.error('dropped an SES event that names no pathcert recipient', { eventId, error: parsed.error });
    return { dropped: parsed.error, deliveries: [] };
  }
  const f = parsed.feedback;
  if (f.kind === 'bounce' && !f.permanent) {
    logger.info('SES reported a transient bounce; the address is kept', {
      eventId,
      recipient: f.recipient,
      bounceType: f.bounceType,
      bounceSubType: f.bounceSubType,
      messageId: f.messageId,
    });
    return { eventId, deliveries: [{ recipient: f.recipient, state: 'transient_bounce' }] };
  }
  const detail =
    f.kind === 'bounce'
      ? `${f.bounceType}/${f.bounceSubType} bounce of ${f.messageId}`
      : `${f.feedbackType} complaint about ${f.messageId}`;
  await recordEmailProblem(f.recipient, {
    address: f.addresses[0],
    reason: f.kind === 'bounce' ? 'bounced' : 'complained',
    detail,
    at: f.at || nowIso(),
    eventId,
  });
  logger.warn('SES reported an address that must not be emailed again', { eventId, recipient: f.recipient, detail });
  return { eventId, deliveries: [{ recipient: f.recipient, state: f.kind === 'bounce' ? 'bounced' : 'complained' }] };
}

export const handler = (envelope: unknown): Promise<NotifierResult> => handleSesFeedback(envelope);
