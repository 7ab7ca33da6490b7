/**
 * Bounces and complaints SES reports after it accepted an email, as EventBridge delivers
 * them from the configuration set's event destination (source `aws.ses`). The notifier
 * names the person in the email's `recipient` tag, since SES reports the address only and
 * several people may share one. Pure: no AWS imports.
 */

export const SES_EVENT_SOURCE = 'aws.ses';
/** EventBridge detail types of the SES events the notifier acts on. */
export const SES_FEEDBACK_DETAIL_TYPES = ['Email Bounced', 'Email Complaint Received'] as const;
/** The email tag that names the person an email was sent to. */
export const RECIPIENT_TAG = 'recipient';

/**
 * A person's sub as an SES tag value (ASCII letters, digits, `_` and `-` only), reversibly:
 * `_` and every other character are escaped as `_` and four hex digits of each UTF-16 unit.
 */
export function encodeRecipientTag(sub: string): string {
  let out = '';
  for (const ch of sub) {
    if (/^[A-Za-z0-9-]$/.test(ch)) out += ch;
    else {
      for (let i = 0; i < ch.length; i++) out += `_${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    }
  }
  return out;
}

/** The sub an `encodeRecipientTag` value came from; undefined for a value it cannot have produced. */
export function decodeRecipientTag(value: string): string | undefined {
  if (!/^(?:[A-Za-z0-9-]|_[0-9a-f]{4})+$/.test(value)) return undefined;
  return value.replace(/_([0-9a-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export type SesFeedback =
  | {
      kind: 'bounce';
      /** Only a permanent bounce means the address will not work; transient ones are logged. */
      permanent: boolean;
      bounceType: string;
      bounceSubType: string;
      recipient: string;
      addresses: string[];
      messageId: string;
      at: string;
    }
  | { kind: 'complaint'; feedbackType: string; recipient: string; addresses: string[]; messageId: string; at: string };

export type SesFeedbackParse = { ok: true; feedback: SesFeedback } | { ok: false; error: string };

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function addressesOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((r) => str(record(r)?.emailAddress)).filter((a): a is string => a !== undefined);
}

/** The notifier sends to one address per email, so the message's destination names it when the report does not. */
function addressesOr(reported: string[], destination: unknown): string[] {
  if (reported.length > 0 || !Array.isArray(destination)) return reported;
  return destination.map(str).filter((a): a is string => a !== undefined);
}

/** Reads an EventBridge event from SES (`Email Bounced` / `Email Complaint Received`). */
export function parseSesFeedback(envelope: unknown): SesFeedbackParse {
  const e = record(envelope);
  if (!e || e.source !== SES_EVENT_SOURCE) return { ok: false, error: 'not an SES event' };
  const detailType = e['detail-type'];
  const detail = record(e.detail);
  const mail = record(detail?.mail);
  if (!detail || !mail) return { ok: false, error: `SES event without detail.mail (${String(detailType)})` };
  const messageId = str(mail.messageId) ?? 'unknown';
  const tagValues = record(mail.tags)?.[RECIPIENT_TAG];
  const tag = Array.isArray(tagValues) ? str(tagValues[0]) : undefined;
  if (!tag) return { ok: false, error: `SES event for ${messageId} without a ${RECIPIENT_TAG} tag` };
  const recipient = decodeRecipientTag(tag);
  if (!recipient) return { ok: false, error: `SES event for ${messageId} with an unreadable ${RECIPIENT_TAG} tag` };

  if (detailType === 'Email Bounced' && detail.eventType === 'Bounce') {
    const bounce = record(detail.bounce);
    const bounceType = str(bounce?.bounceType);
    if (!bounce || !bounceType) return { ok: false, error: `bounce of ${messageId} without a bounceType` };
    return {
      ok: true,
      feedback: {
        kind: 'bounce',
        permanent: bounceType === 'Permanent',
        bounceType,
        bounceSubType: str(bounce.bounceSubType) ?? 'Undetermined',
        recipient,
        addresses: addressesOr(addressesOf(bounce.bouncedRecipients), mail.destination),
        messageId,
        at: str(bounce.timestamp) ?? str(e.time) ?? '',
      },
    };
  }
  if (detailType === 'Email Complaint Received' && detail.eventType === 'Complaint') {
    const complaint = record(detail.complaint);
    if (!complaint) return { ok: false, error: `complaint about ${messageId} without a complaint object` };
    return {
      ok: true,
      feedback: {
        kind: 'complaint',
        feedbackType: str(complaint.complaintFeedbackType) ?? 'unknown',
        recipient,
        addresses: addressesOr(addressesOf(complaint.complainedRecipients), mail.destination),
        messageId,
        at: str(complaint.timestamp) ?? str(e.time) ?? '',
      },
    };
  }
  return { ok: false, error: `SES event ${String(detailType)} / ${String(detail.eventType)} is not a bounce or complaint` };
}
