/**
 * Invitations by email, against the local platform: creating an invitation through the API
 * publishes `InvitationCreated`, the notifier sends the invitee one email through the local
 * SES (who invited them, to what, as what, until when, the link to accept), however the
 * request is retried or raced; the daily sweep (the `recertification-sweep` schedule's
 * function, at a slot moved with the dev clock) sends one reminder before expiry, none for
 * an accepted, revoked or expired invitation, and publishes the email the API could not.
 * Suppressed addresses get nothing.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inviteeDeliveryKey, inviteeRecipient } from '#core/notifications/rules.ts';
import { onClientCreated } from '#lib/aws-clients.ts';
import { publish } from '#events/publish.ts';
import { getItem } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { getDelivery } from '#store/notification-deliveries.ts';
import { getNotificationSettings } from '#store/notification-preferences.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { accept, createDistrict, createPathway, createSchool, expectStatus, person, type Person } from '../support/registry-world.ts';

// PutEvents faults: the next N PutEvents calls carrying InvitationCreated fail.
let failInvitationCreated = 0;
onClientCreated((client, service) => {
  if (service !== 'eventbridge') return;
  (client as EventBridgeClient).middlewareStack.add(
    (next) => async (args) => {
      const entries = (args.input as { Entries?: { DetailType?: string }[] }).Entries ?? [];
      if (failInvitationCreated > 0 && entries.some((e) => e.DetailType === 'InvitationCreated')) {
        failInvitationCreated--;
        throw Object.assign(new Error('injected outage'), { name: 'InternalException', $fault: 'server' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectPutEventsFaults' },
  );
});

type Invitation = { id: string; email: string; role: string; status: string; expiresAt: string; createdAt: string };
const DAY = 86_400_000;
const APP_URL = 'https://app.pathcert.test';

let t: TestPlatform;
let staff: Person;
let district: { id: string; name: string };
let pathway: { id: string; name: string };

const sent = () => t.platform.ses.sent();
const emailsTo = (address: string) => sent().filter((e) => e.to.includes(address));
const address = (label: string) => `${label}.${randomUUID().slice(0, 8)}@invitee.example.org`;

async function invitePathway(email: string, role = 'member', headers: Record<string, string> = {}) {
  return t.api<Invitation>('POST', `/pathways/${pathway.id}/invitations`, { token: staff.token, body: { email, role }, headers });
}

/** Invites and waits until the notifier has handled what the request published. */
async function invited(email: string, role = 'member'): Promise<Invitation> {
  const inv = expectStatus(await invitePathway(email, role), 201).json;
  await t.platform.events.settled();
  return inv;
}

/** The daily run at `at` (dev clock set there, as the schedule would run it), and the notifier after it. */
async function sweepAt(at: number) {
  t.platform.clock.setOffset(at - Date.now());
  const result = (await t.platform.invoke('recertificationSweep', {
    job: 'recertification-sweep',
    scheduledTime: new Date(at).toISOString(),
  })) as {
    invitations: { examined: number; announced: number; reminded: number; dropped: number; failed: number };
  };
  await t.platform.events.settled();
  return result.invitations;
}

beforeAll(async () => {
  process.env.APP_BASE_URL = APP_URL;
  process.env.INVITATION_REMINDER_DAYS = '3';
  t = await startTestPlatform({ scheduleTickMs: 0 });
  staff = await person(t, 'staff.invites@example.org', ['staff'], 'Sam <Staff> & Co');
  district = await createDistrict(t, staff, { name: `Oak & Bay Unified ${randomUUID().slice(0, 6)}` });
  const school = await createSchool(t, staff, district.id);
  pathway = await createPathway(t, staff, school.id, { name: `Health & Bio "Academy" ${randomUUID().slice(0, 6)}` });
});
afterEach(() => t?.platform.clock.setOffset(0));
afterAll(async () => {
  delete process.env.INVITATION_REMINDER_DAYS;
  await t?.stop();
});

describe('the invitation email', () => {
  it('is sent once, with who invited, to what, the role, the expiry and the link to accept (HTML escaped)', async () => {
    const to = address('first');
    const inv = await invited(to, 'lead');
    const emails = emailsTo(to);
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email!.subject).toBe(`Sam <Staff> & Co invited you to join the ${pathway.name} team (${district.name}) on pathcert`);
    expect(email!.text).toContain(`Sam <Staff> & Co invited you to join the ${pathway.name} team (${district.name}) as a team lead.`);
    const day = new Date(inv.expiresAt);
    expect(email!.text).toContain(
      `${day.getUTCDate()} ${day.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })} ${day.getUTCFullYear()}`,
    );
    expect(email!.text).toContain(`${APP_URL}/invitations/${inv.id}`);
    expect(email!.html).toContain(`href="${APP_URL}/invitations/${inv.id}"`);
    expect(email!.html).toContain('Sam &lt;Staff&gt; &amp; Co');
    expect(email!.html).toContain('Health &amp; Bio &quot;Academy&quot;');
    expect(email!.html).not.toContain('<Staff>');
    expect(email!.tags).toContainEqual({ name: 'event', value: 'InvitationCreated' });
    const delivery = await getDelivery(inviteeDeliveryKey('InvitationCreated', inv.id), inviteeRecipient(to));
    expect(delivery).toMatchObject({ state: 'sent', address: to });
    // The bookkeeping stays out of the API's answers.
    const read = expectStatus(
      await t.api<Record<string, unknown>>('GET', `/pathways/${pathway.id}/invitations/${inv.id}`, { token: staff.token }),
      200,
    ).json;
    expect(read).not.toHaveProperty('announcedAt');
  });

  it('names the district and the role of a district invitation', async () => {
    const to = address('district');
    const res = expectStatus(
      await t.api<Invitation>('POST', `/districts/${district.id}/invitations`, { token: staff.token, body: { email: to, role: 'data' } }),
      201,
    );
    await t.platform.events.settled();
    const [email, ...more] = emailsTo(to);
    expect(more).toEqual([]);
    expect(email!.text).toContain(`invited you to join ${district.name} as the district data contact.`);
    expect(email!.html).toContain('Oak &amp; Bay Unified');
    expect(email!.text).toContain(`${APP_URL}/invitations/${res.json.id}`);
  });

  it('a retried request (same Idempotency-Key) and a later re-invite send nothing more', async () => {
    const to = address('retry');
    const key = `invite-${randomUUID()}`;
    const first = expectStatus(await invitePathway(to, 'member', { 'idempotency-key': key }), 201).json;
    const again = expectStatus(await invitePathway(to, 'member', { 'idempotency-key': key }), 201).json;
    expect(again.id).toBe(first.id);
    expect(expectStatus(await invitePathway(to), 200).json.id).toBe(first.id);
    await t.platform.events.settled();
    expect(emailsTo(to)).toHaveLength(1);
  });

  it('20 parallel re-invites of one address: one pending invitation, one email', async () => {
    const to = address('race');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => invitePathway(to, 'member', { 'idempotency-key': `race-${i}-${randomUUID()}` })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
    await t.platform.events.settled();
    expect(emailsTo(to)).toHaveLength(1);
  });

  it('the same event published twice (EventBridge redelivery, two producers) sends one email', async () => {
    const to = address('twice');
    const inv = await invited(to);
    const item = await getItem(keys.invitation(pathway.id, inv.id));
    await publish([
      {
        detailType: 'InvitationCreated',
        detail: {
          invitationId: inv.id,
          scope: 'pathway',
          pathwayId: pathway.id,
          districtId: district.id,
          role: 'member',
          expiresAt: inv.expiresAt,
          invitedBy: staff.sub,
          createdAt: String(item!.createdAt),
        },
      },
    ]);
    await t.platform.events.settled();
    expect(emailsTo(to)).toHaveLength(1);
  });

  it('when the event cannot be published, the invitation stands and the next daily run sends the email', async () => {
    const to = address('outage');
    failInvitationCreated = 1;
    const inv = await invited(to);
    expect(failInvitationCreated).toBe(0);
    expect(emailsTo(to)).toHaveLength(0);
    const run = await sweepAt(Date.now() + 60_000);
    expect(run.announced).toBeGreaterThanOrEqual(1);
    expect(run.failed).toBe(0);
    const emails = emailsTo(to);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.text).toContain(`/invitations/${inv.id}`);
    // Announced late: no reminder in the same run.
    expect(emails[0]!.tags).toContainEqual({ name: 'event', value: 'InvitationCreated' });
  });

  it('a suppressed address (SES reported a bounce) gets no more invitation emails', async () => {
    const to = address('bounce');
    const inv = await invited(to);
    const [email] = emailsTo(to);
    const recipientTag = email!.tags.find((tag) => tag.name === 'recipient')!.value;
    await t.platform.invoke('emailFeedback', {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Email Bounced',
      source: 'aws.ses',
      account: '000000000000',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: {
        eventType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [{ emailAddress: to }],
          timestamp: new Date().toISOString(),
        },
        mail: {
          timestamp: email!.sentAt,
          source: email!.from,
          messageId: email!.messageId,
          destination: email!.to,
          tags: { recipient: [recipientTag] },
        },
      },
    });
    expect((await getNotificationSettings(inviteeRecipient(to), true)).emailProblem).toMatchObject({ reason: 'bounced', address: to });
    // Revoked, then invited again: a new invitation, but the address is suppressed.
    expectStatus(await t.api('DELETE', `/pathways/${pathway.id}/invitations/${inv.id}`, { token: staff.token }), 204);
    const again = await invited(to);
    expect(again.id).not.toBe(inv.id);
    expect(emailsTo(to)).toHaveLength(1);
    expect(await getDelivery(inviteeDeliveryKey('InvitationCreated', again.id), inviteeRecipient(to))).toMatchObject({
      state: 'failed',
      reason: 'suppressed',
    });
  });
});

describe('the reminder before expiry', () => {
  const reminders = (to: string) =>
    emailsTo(to).filter((e) => e.tags.some((tag) => tag.name === 'event' && tag.value === 'InvitationExpiring'));

  it('is sent once, 3 days before expiry, by the daily run; repeated runs and events send nothing more', async () => {
    const to = address('remind');
    const inv = await invited(to, 'member');
    const expires = Date.parse(inv.expiresAt);
    // Not yet: 4 days before expiry.
    await sweepAt(expires - 4 * DAY);
    expect(reminders(to)).toHaveLength(0);
    const run = await sweepAt(expires - 3 * DAY + 60_000);
    expect(run.reminded).toBeGreaterThanOrEqual(1);
    const [reminder, ...more] = reminders(to);
    expect(more).toEqual([]);
    expect(reminder!.subject).toContain(`Reminder: your invitation to join the ${pathway.name} team`);
    expect(reminder!.text).toContain('has not been accepted yet');
    expect(reminder!.text).toContain(`${APP_URL}/invitations/${inv.id}`);
    // The next day's run, the same slot again, and the event again: still one.
    await sweepAt(expires - 2 * DAY);
    await sweepAt(expires - 3 * DAY + 60_000);
    await publish([
      {
        detailType: 'InvitationExpiring',
        detail: {
          invitationId: inv.id,
          scope: 'pathway',
          pathwayId: pathway.id,
          districtId: district.id,
          role: 'member',
          expiresAt: inv.expiresAt,
        },
      },
    ]);
    await t.platform.events.settled();
    expect(reminders(to)).toHaveLength(1);
    expect(emailsTo(to)).toHaveLength(2);
  });

  it('is not sent for a revoked invitation', async () => {
    const to = address('revoked');
    const inv = await invited(to);
    expectStatus(await t.api('DELETE', `/pathways/${pathway.id}/invitations/${inv.id}`, { token: staff.token }), 204);
    await sweepAt(Date.parse(inv.expiresAt) - 2 * DAY);
    // Even an event that raced the revocation sends nothing: the notifier reads the invitation.
    await publish([
      {
        detailType: 'InvitationExpiring',
        detail: {
          invitationId: inv.id,
          scope: 'pathway',
          pathwayId: pathway.id,
          districtId: district.id,
          role: 'member',
          expiresAt: inv.expiresAt,
        },
      },
    ]);
    await t.platform.events.settled();
    expect(reminders(to)).toHaveLength(0);
  });

  it('is not sent for an accepted invitation', async () => {
    const to = address('accepted');
    const invitee = await person(t, to, ['pathway'], 'Ana Invitee');
    const inv = await invited(to);
    await accept(t, invitee, inv.id);
    const run = await sweepAt(Date.parse(inv.expiresAt) - 2 * DAY);
    expect(run.failed).toBe(0);
    expect(reminders(to)).toHaveLength(0);
    // It left the index: nothing is due for it any more.
    expect((await getItem(keys.invitation(pathway.id, inv.id)))?.GSI3PK).toBeUndefined();
  });

  it('is not sent for an invitation that expired before the run; a re-invite after expiry is a new invitation with its own email', async () => {
    const to = address('expired');
    const inv = await invited(to);
    const after = Date.parse(inv.expiresAt) + DAY;
    await sweepAt(after);
    expect(reminders(to)).toHaveLength(0);
    // A deliberate re-invite after expiry (clock still past it): a new invitation, a new email, a new expiry.
    const again = expectStatus(await invitePathway(to), 201).json;
    await t.platform.events.settled();
    expect(again.id).not.toBe(inv.id);
    expect(Date.parse(again.expiresAt)).toBeGreaterThan(Date.parse(inv.expiresAt));
    expect(emailsTo(to)).toHaveLength(2);
    expect(emailsTo(to)[1]!.text).toContain(`/invitations/${again.id}`);
  });
});
