/**
 * The invitation emails (core/notifications/templates.ts) and when they are due
 * (core/invitations.ts): content, escaping, and the reminder rule.
 */
import { describe, expect, it } from 'vitest';
import { buildDomainEvent } from '#core/events.ts';
import { newId } from '#core/ids.ts';
import { invitationNoticeDue, invitationReminderAt, parseReminderDays } from '#core/invitations.ts';
import { inviteeDeliveryKey, inviteeRecipient, isInviteeEvent, planDeliveries } from '#core/notifications/rules.ts';
import { formatDateTime, renderNotification } from '#core/notifications/templates.ts';

const invitationId = newId('invitation');
const pathwayId = newId('pathway');
const districtId = newId('district');
const expiresAt = '2027-03-28T09:05:00.000Z';

const created = (over: Partial<Record<string, unknown>> = {}) =>
  buildDomainEvent({
    detailType: 'InvitationCreated',
    detail: {
      invitationId,
      scope: 'pathway',
      pathwayId,
      districtId,
      role: 'lead',
      expiresAt,
      invitedBy: 'staff-1',
      createdAt: '2027-03-14T09:05:00.000Z',
      ...over,
    },
  });
const expiring = (over: Partial<Record<string, unknown>> = {}) =>
  buildDomainEvent({
    detailType: 'InvitationExpiring',
    detail: { invitationId, scope: 'district', districtId, role: 'data', expiresAt, ...over },
  });

const hostile = {
  inviterName: `Eve <script>alert("x")</script> & 'co'`,
  pathwayName: 'Health & Bio <b>Academy</b>',
  districtName: 'Oak "USD"',
  baseUrl: 'https://app.example.org/',
};

describe('the invitation email', () => {
  it('says who invited, to what, as what, until when, and links to accept', () => {
    const r = renderNotification(created(), 'invitee', {
      inviterName: 'Sam Staff',
      pathwayName: 'Health Academy',
      districtName: 'Oak USD',
      baseUrl: 'https://app.example.org',
    });
    expect(r.kind).toBe('invitation.created');
    expect(r.email.subject).toBe('Sam Staff invited you to join the Health Academy team (Oak USD) on pathcert');
    expect(r.email.text).toContain('Sam Staff invited you to join the Health Academy team (Oak USD) as a team lead.');
    expect(r.email.text).toContain('expires on 28 March 2027, 09:05 UTC');
    expect(r.email.text).toContain(`Accept the invitation: https://app.example.org/invitations/${invitationId}`);
    expect(r.email.html).toContain(`<a href="https://app.example.org/invitations/${invitationId}">Accept the invitation</a>`);
    // A new person has no account yet: they sign up first (signing in is for those who have one).
    expect(r.email.text).toContain('sign up with this email address');
    expect(r.email.text).toContain('or sign in if you already have an account');
    // Not a member's footer: the invitee has no notification settings.
    expect(r.email.text).toContain('someone invited this address');
    expect(r.email.text).not.toContain('notification settings');
  });

  it('names a district invitation and its role, and stays neutral without names', () => {
    const r = renderNotification(
      buildDomainEvent({ ...created(), detail: { ...created().detail, scope: 'district', role: 'data' } } as never),
      'invitee',
      { districtName: 'Oak USD', baseUrl: 'http://x' },
    );
    expect(r.email.subject).toBe('You are invited to join Oak USD on pathcert');
    expect(r.email.text).toContain('Someone at pathcert invited you to join Oak USD as the district data contact.');
    const bare = renderNotification(created(), 'invitee', { baseUrl: 'http://x' });
    expect(bare.email.text.startsWith('Hello,\n')).toBe(true);
    expect(bare.email.subject).toBe('You are invited to join a pathway team on pathcert');
  });

  it('HTML-escapes every interpolated value and keeps the text version literal', () => {
    for (const event of [created(), expiring()]) {
      const r = renderNotification(event, 'invitee', { ...hostile, recipientName: 'Ana <Ruiz>' });
      expect(r.email.html).not.toMatch(/<script|<b>|<Ruiz>/);
      expect(r.email.html).toContain('Hello Ana &lt;Ruiz&gt;,');
      expect(r.email.html).toContain(
        event.detailType === 'InvitationCreated' ? 'Health &amp; Bio &lt;b&gt;Academy&lt;/b&gt;' : 'Oak &quot;USD&quot;',
      );
      expect(r.email.html).toContain('Eve &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
      expect(r.email.text).toContain(`Eve <script>alert("x")</script> & 'co'`);
    }
  });

  it('the reminder says it is not accepted yet and when it expires', () => {
    const r = renderNotification(expiring(), 'invitee', {
      inviterName: 'Sam Staff',
      districtName: 'Oak USD',
      baseUrl: 'https://app.example.org',
    });
    expect(r.kind).toBe('invitation.expiring');
    expect(r.email.subject).toBe('Reminder: your invitation to join Oak USD expires on 28 March 2027');
    expect(r.email.text).toContain(
      "Sam Staff's invitation to join Oak USD as the district data contact has not been accepted yet. It expires on 28 March 2027, 09:05 UTC.",
    );
    expect(r.email.text).toContain('Sign up with this email address (or sign in if you already have an account)');
    expect(r.link).toBe(`/invitations/${invitationId}`);
  });

  it('formats an instant with its UTC time', () => {
    expect(formatDateTime('2027-12-01T23:59:00Z')).toBe('1 December 2027, 23:59 UTC');
    expect(formatDateTime('2027-12-01')).toBe('1 December 2027');
  });
});

describe('who gets it, once', () => {
  it('goes to the invitee by address, one key per invitation and kind', () => {
    expect(isInviteeEvent(created())).toBe(true);
    expect(isInviteeEvent({ detailType: 'DecisionMade' })).toBe(false);
    expect(planDeliveries(created(), { invitee: [inviteeRecipient(' Ana@Example.org ')] })).toEqual([
      { recipient: 'invitee:ana@example.org', audience: 'invitee', email: undefined },
    ]);
    expect(inviteeDeliveryKey('InvitationCreated', invitationId)).not.toBe(inviteeDeliveryKey('InvitationExpiring', invitationId));
  });

  it('carries no address in the event', () => {
    expect(JSON.stringify(created().detail)).not.toContain('@');
  });
});

describe('when the emails are due', () => {
  const inv = { status: 'pending', createdAt: '2027-03-14T09:05:00.000Z', expiresAt };

  it('reminds N days before expiry, never before creation', () => {
    expect(invitationReminderAt(inv, 3)).toBe('2027-03-25T09:05:00.000Z');
    expect(invitationReminderAt(inv, 20)).toBe(inv.createdAt);
  });

  it('announces first, then reminds once, and never for an accepted or expired invitation', () => {
    expect(invitationNoticeDue(inv, '2027-03-14T10:00:00.000Z', 3)).toBe('announce');
    const announced = { ...inv, announcedAt: '2027-03-14T09:05:01.000Z' };
    expect(invitationNoticeDue(announced, '2027-03-20T07:00:00.000Z', 3)).toBe('wait');
    expect(invitationNoticeDue(announced, '2027-03-26T07:00:00.000Z', 3)).toBe('remind');
    expect(invitationNoticeDue({ ...announced, remindedAt: '2027-03-26T07:00:00.000Z' }, '2027-03-27T07:00:00.000Z', 3)).toBe('drop');
    expect(invitationNoticeDue({ ...announced, status: 'accepted' }, '2027-03-26T07:00:00.000Z', 3)).toBe('drop');
    expect(invitationNoticeDue(announced, '2027-03-28T09:05:00.000Z', 3)).toBe('drop');
    expect(invitationNoticeDue(inv, '2027-03-29T07:00:00.000Z', 3)).toBe('drop');
  });

  it('reads INVITATION_REMINDER_DAYS as whole days inside the validity, else the default', () => {
    expect(parseReminderDays('5', 14)).toBe(5);
    for (const raw of [undefined, '', '0', '14', '2.5', 'x', '-1']) expect(parseReminderDays(raw, 14), String(raw)).toBe(3);
  });
});
