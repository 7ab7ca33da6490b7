/**
 * Sending one notification email through SES, shared by the notifier's paths (people of the
 * table, invitees by address: invitee.ts, and message digests: message-emails.ts): the sender, the configuration set that
 * reports bounces and complaints back, the tags that name the recipient, and which SES
 * errors are final.
 */
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { encodeRecipientTag, RECIPIENT_TAG } from '#core/notifications/ses-feedback.ts';
import type { RenderedNotification } from '#core/notifications/templates.ts';
import { sesClient } from '#lib/aws-clients.ts';
import { config } from '#lib/config.ts';
import type { EmailProblem } from '#store/notification-preferences.ts';

/** SES errors that no retry will fix for this recipient or this message. */
export const PERMANENT_SES_ERRORS = new Set([
  'MessageRejected',
  'BadRequestException',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'NotFoundException',
]);
/** Of those, the ones about the recipient's address (recorded on the person). */
export const ADDRESS_ERRORS = new Set(['MessageRejected', 'BadRequestException']);
/** Recorded problems that stop email to the same address (missing/invalid ones are re-checked each time). */
export const SUPPRESSING = new Set<EmailProblem['reason']>(['rejected', 'bounced', 'complained']);

export function sesErrorName(error: unknown): string {
  const e = error as { name?: string; Code?: string };
  return e.name ?? e.Code ?? 'Error';
}

export async function sendEmail(
  to: string,
  rendered: { kind: string; email: RenderedNotification['email'] },
  event: { detailType: string },
  recipient: string,
) {
  const sender = config.sesSender;
  // Absent locally; in AWS the set publishes bounces and complaints back to the notifier.
  const configurationSet = config.sesConfigurationSet;
  const out = await sesClient().send(
    new SendEmailCommand({
      FromEmailAddress: sender,
      ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
      Destination: { ToAddresses: [to] },
      Content: {
        Simple: {
          Subject: { Data: rendered.email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: rendered.email.text, Charset: 'UTF-8' }, Html: { Data: rendered.email.html, Charset: 'UTF-8' } },
        },
      },
      EmailTags: [
        { Name: 'event', Value: event.detailType },
        { Name: 'kind', Value: rendered.kind.replace(/[^A-Za-z0-9_-]/g, '_') },
        { Name: RECIPIENT_TAG, Value: encodeRecipientTag(recipient) },
      ],
    }),
  );
  return out.MessageId;
}
