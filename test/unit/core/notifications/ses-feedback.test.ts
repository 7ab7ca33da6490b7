/**
 * Reading SES's bounce and complaint events (EventBridge `aws.ses`) and the reversible
 * recipient tag the notifier puts on every email.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRecipientTag, encodeRecipientTag, parseSesFeedback } from '#core/notifications/ses-feedback.ts';

const SES_TAG = /^[A-Za-z0-9_-]{1,256}$/;

function event(detailType: string, detail: Record<string, unknown>, tags: Record<string, string[]> = { recipient: ['sub-1'] }) {
  return {
    version: '0',
    id: 'evt-1',
    'detail-type': detailType,
    source: 'aws.ses',
    time: '2026-11-23T10:00:00Z',
    detail: { ...detail, mail: { messageId: 'msg-1', destination: ['a@example.org'], tags } },
  };
}
const bounce = (bounceType: string, extra: Record<string, unknown> = {}) =>
  event('Email Bounced', {
    eventType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: 'General',
      bouncedRecipients: [{ emailAddress: 'b@example.org' }],
      timestamp: '2026-11-23T10:00:01Z',
      ...extra,
    },
  });

describe('the recipient tag', () => {
  it('is a valid SES tag value and decodes back to the sub, for any sub', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), (sub) => {
        const tag = encodeRecipientTag(sub);
        expect(tag).toMatch(SES_TAG);
        expect(decodeRecipientTag(tag)).toBe(sub);
      }),
    );
    expect(encodeRecipientTag('2f1c-ab')).toBe('2f1c-ab');
    expect(encodeRecipientTag('dev|a_b')).toBe('dev_007ca_005fb');
  });

  it('rejects values it cannot have produced', () => {
    for (const v of ['', 'a_b', 'a_12', 'a b', 'a_00zz']) expect(decodeRecipientTag(v), v).toBeUndefined();
  });
});

describe('parseSesFeedback', () => {
  it('reads a permanent and a transient bounce', () => {
    expect(parseSesFeedback(bounce('Permanent'))).toEqual({
      ok: true,
      feedback: {
        kind: 'bounce',
        permanent: true,
        bounceType: 'Permanent',
        bounceSubType: 'General',
        recipient: 'sub-1',
        addresses: ['b@example.org'],
        messageId: 'msg-1',
        at: '2026-11-23T10:00:01Z',
      },
    });
    const soft = parseSesFeedback(bounce('Transient'));
    expect(soft.ok && soft.feedback.kind === 'bounce' && soft.feedback.permanent).toBe(false);
  });

  it('falls back to the message destination when the bounce names no address', () => {
    const parsed = parseSesFeedback(bounce('Permanent', { bouncedRecipients: [] }));
    expect(parsed.ok && parsed.feedback.addresses).toEqual(['a@example.org']);
  });

  it('reads a complaint', () => {
    const parsed = parseSesFeedback(
      event(
        'Email Complaint Received',
        {
          eventType: 'Complaint',
          complaint: { complainedRecipients: [{ emailAddress: 'c@example.org' }], complaintFeedbackType: 'abuse', timestamp: 't' },
        },
        { recipient: ['dev_007ca'] },
      ),
    );
    expect(parsed).toEqual({
      ok: true,
      feedback: { kind: 'complaint', feedbackType: 'abuse', recipient: 'dev|a', addresses: ['c@example.org'], messageId: 'msg-1', at: 't' },
    });
  });

  it('refuses unknown shapes with a reason', () => {
    const cases: [string, unknown][] = [
      ['not SES', { source: 'pathcert', detail: {} }],
      ['no mail', { source: 'aws.ses', 'detail-type': 'Email Bounced', detail: { eventType: 'Bounce' } }],
      ['no tag', event('Email Bounced', { eventType: 'Bounce', bounce: { bounceType: 'Permanent' } }, {})],
      ['bad tag', event('Email Bounced', { eventType: 'Bounce', bounce: { bounceType: 'Permanent' } }, { recipient: ['a_zz'] })],
      ['no bounce type', event('Email Bounced', { eventType: 'Bounce', bounce: {} })],
      ['a delivery', event('Email Delivered', { eventType: 'Delivery', delivery: {} })],
      ['mismatched type', event('Email Bounced', { eventType: 'Complaint', complaint: {} })],
      ['null', null],
    ];
    for (const [name, value] of cases) expect(parseSesFeedback(value).ok, name).toBe(false);
  });
});
