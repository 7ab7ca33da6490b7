/**
 * Events → notifications, against the local platform: a domain event put on the local bus
 * reaches the notifier (events/rules.ts `notify`), which writes one in-app notification per
 * recipient and sends one email per recipient through the local SES (outbox). Redelivery
 * sends nothing more; a transient SES failure is retried for the failed recipient only;
 * missing, invalid, rejected and (later) bounced addresses are recorded and not retried; preferences turn
 * off optional emails only; and the notifications API serves each person their own inbox.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDomainEvent, type DomainEventInput } from '#core/events.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { publish } from '#events/publish.ts';
import { config } from '#lib/config.ts';
import { newId } from '#core/ids.ts';
import { encodeRecipientTag } from '#core/notifications/ses-feedback.ts';
import { put, queryAll, transact } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { getDelivery } from '#store/notification-deliveries.ts';
import { getNotificationSettings } from '#store/notification-preferences.ts';
import { membershipItem } from '#store/people.ts';
import { injectSesFaults } from '../support/ses-faults.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import {
  createDistrict,
  createPathway,
  createSchool,
  expectStatus,
  joinDistrict,
  joinPathway,
  person,
  type Person,
} from '../support/registry-world.ts';

// SES faults by recipient address: a list of error names, one per attempt (then success).
const sesFaults = injectSesFaults();

let t: TestPlatform;
let staff: Person;
let dlead: Person;
let lead: Person;
let member: Person;
let reviewer: Person;
let outsider: Person;
let districtId: string;
let pathway: { id: string; name: string };
let pathway2: { id: string; name: string };
const applicationId = newId('application');

const sent = () => t.platform.ses.sent();
const emailsTo = (from: number, address: string) =>
  sent()
    .slice(from)
    .filter((e) => e.to.includes(address));
const inboxOf = async (sub: string) => queryAll<Record<string, unknown>>(keys.inboxPartition(sub));
const inboxFor = async (sub: string, eventId: string) => (await inboxOf(sub)).filter((n) => n.eventId === eventId);

function envelope(input: DomainEventInput, id: string = randomUUID()) {
  const event = buildDomainEvent(input);
  return {
    version: '0',
    id,
    'detail-type': event.detailType,
    source: 'pathcert',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: event.detail,
  };
}

const decision = (pathwayId: string, d: 'certified' | 'not_yet' = 'not_yet'): DomainEventInput => ({
  detailType: 'DecisionMade',
  detail: { applicationId, pathwayId, districtId, level: 'silver', decision: d, decidedBy: 'staff', decidedAt: new Date().toISOString() },
});

const issued = (pathwayId: string): DomainEventInput => ({
  detailType: 'CertificationIssued',
  detail: {
    certificationId: newId('certification'),
    applicationId,
    pathwayId,
    districtId,
    level: 'silver',
    issuedOn: '2027-01-10',
    expiresOn: '2029-01-10',
  },
});

/** Publishes on the local bus and waits until the notifier has handled it. */
async function onBus(input: DomainEventInput): Promise<string> {
  const [id] = await publish([input]);
  await t.platform.events.settled();
  return id!;
}

/** A team member written directly (no sign-in, so no profile): what the notifier finds in the table. */
async function directMember(pathwayId: string, email: string | undefined): Promise<string> {
  const sub = randomUUID();
  await transact([
    put(
      membershipItem({
        kind: 'pathway',
        sub,
        pathwayId,
        districtId,
        schoolId: 'sch_x',
        role: 'member',
        since: new Date().toISOString(),
        version: 1,
        updatedAt: new Date().toISOString(),
        ...(email ? { email } : {}),
      }),
    ),
  ]);
  return sub;
}

beforeAll(async () => {
  t = await startTestPlatform();
  staff = await person(t, 'staff.notify@example.org', ['staff'], 'Sam Staff');
  dlead = await person(t, 'dlead.notify@example.org', ['district'], 'Dana District');
  lead = await person(t, 'lead.notify@example.org', ['pathway'], 'Pat Lead');
  member = await person(t, 'member.notify@example.org', ['pathway'], 'Mo Member');
  reviewer = await person(t, 'reviewer.notify@example.org', ['reviewer'], 'Rae Viewer');
  outsider = await person(t, 'outsider.notify@example.org', ['pathway'], 'Out Sider');
  districtId = (await createDistrict(t, staff, { name: 'Notify USD' })).id;
  const school = await createSchool(t, staff, districtId, 'Notify High');
  await joinDistrict(t, staff, districtId, dlead, 'lead');
  pathway = await createPathway(t, dlead, school.id, { name: 'Health Academy' });
  pathway2 = await createPathway(t, dlead, school.id, { name: 'Second Academy' });
  await joinPathway(t, dlead, pathway.id, lead, 'lead');
  await joinPathway(t, lead, pathway.id, member, 'member');
  await joinPathway(t, dlead, pathway2.id, lead, 'lead');
  // Profiles (name and address) come from each person's token on their first request.
  for (const p of [staff, dlead, lead, member, reviewer, outsider]) expectStatus(await t.api('GET', '/me', { token: p.token }), 200);
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('an event on the bus', () => {
  it('gives each recipient exactly one email and one in-app notification', async () => {
    const from = sent().length;
    const eventId = await onBus(decision(pathway.id));
    const delivery = t.platform.events.deliveries().find((d) => (d.payload as { id: string }).id === eventId);
    expect(delivery).toMatchObject({ function: 'notifier', status: 'delivered', attempts: 1 });

    for (const p of [lead, member, dlead]) {
      const mails = emailsTo(from, p.email);
      expect(mails, p.email).toHaveLength(1);
      expect(mails[0]!.from).toBe('no-reply@pathcert.local');
      expect(mails[0]!.subject).toBe('Decision for Health Academy: Silver not yet certified');
      expect(mails[0]!.text).toContain(`${config.appBaseUrl}/applications/${applicationId}/decision`);
      expect(mails[0]!.html).toContain('What to do next:');
      const inApp = await inboxFor(p.sub, eventId);
      expect(inApp, p.email).toHaveLength(1);
      expect(inApp[0]).toMatchObject({
        kind: 'decision.made',
        read: false,
        applicationId,
        link: `/applications/${applicationId}/decision`,
      });
    }
    expect(emailsTo(from, lead.email)[0]!.text).toContain('Hello Pat Lead,');
    expect(emailsTo(from, dlead.email)[0]!.text).toContain('Hello Dana District,');
    expect(sent().length - from).toBe(3);
    // Staff are not told of decisions; outsiders never.
    expect(await inboxFor(keys.staffInbox, eventId)).toHaveLength(0);
    expect(await inboxFor(outsider.sub, eventId)).toHaveLength(0);
    expect((await getDelivery(eventId, member.sub))?.state).toBe('sent');
  });

  it('a duplicate delivery of the same event sends and writes nothing more', async () => {
    const eventId = await onBus(decision(pathway.id, 'certified'));
    const payload = t.platform.events.deliveries().find((d) => (d.payload as { id: string }).id === eventId)!.payload;
    const from = sent().length;
    await t.platform.invoke('notifier', payload);
    await Promise.all([t.platform.invoke('notifier', payload), t.platform.invoke('notifier', payload)]);
    expect(sent().length).toBe(from);
    for (const p of [lead, member, dlead]) expect(await inboxFor(p.sub, eventId), p.email).toHaveLength(1);
  });

  it('tells the reviewer of an assignment and staff (in-app only) of a submission', async () => {
    const from = sent().length;
    const assigned = await onBus({
      detailType: 'ReviewerAssigned',
      detail: { applicationId, pathwayId: pathway.id, reviewId: newId('review'), reviewerSub: reviewer.sub, dueOn: '2027-02-01' },
    });
    expect(emailsTo(from, reviewer.email)).toHaveLength(1);
    expect(emailsTo(from, reviewer.email)[0]!.subject).toBe('Review assigned: Health Academy, due 1 February 2027');
    expect(await inboxFor(reviewer.sub, assigned)).toHaveLength(1);

    const submitted = await onBus({
      detailType: 'ApplicationSubmitted',
      detail: {
        applicationId,
        pathwayId: pathway.id,
        districtId,
        level: 'silver',
        renewal: false,
        submittedBy: lead.sub,
        submittedAt: new Date().toISOString(),
      },
    });
    expect(await inboxFor(keys.staffInbox, submitted)).toHaveLength(1);
    expect(emailsTo(from, lead.email)).toHaveLength(1);
    expect(emailsTo(from, member.email)).toHaveLength(1);
    expect(emailsTo(from, dlead.email)).toHaveLength(0);
  });

  it('an invalid event is logged and dropped, not retried', async () => {
    const from = sent().length;
    const result = (await t.platform.invoke('notifier', {
      ...envelope(decision(pathway.id)),
      detail: { version: 1, pathwayId: 'nope' },
    })) as { dropped?: string };
    expect(result.dropped).toMatch(/Invalid DecisionMade event/);
    const unknown = (await t.platform.invoke('notifier', { ...envelope(decision(pathway.id)), 'detail-type': 'SomethingElse' })) as {
      dropped?: string;
    };
    expect(unknown.dropped).toMatch(/unknown detail-type/);
    expect(sent().length).toBe(from);
  });
});

describe('failures', () => {
  it('a transient SES error is retried for that recipient only, and the retry sends exactly once', async () => {
    sesFaults.set(member.email, ['TooManyRequestsException']);
    const event = envelope(decision(pathway.id));
    const from = sent().length;
    await expect(t.platform.invoke('notifier', event)).rejects.toThrow(/retry/);
    expect(emailsTo(from, lead.email)).toHaveLength(1);
    expect(emailsTo(from, member.email)).toHaveLength(0);
    expect((await getDelivery(event.id, member.sub))?.state).toBe('pending');

    await t.platform.invoke('notifier', event);
    await t.platform.invoke('notifier', event);
    for (const p of [lead, member, dlead]) {
      expect(emailsTo(from, p.email), p.email).toHaveLength(1);
      expect(await inboxFor(p.sub, event.id), p.email).toHaveLength(1);
    }
    expect(await getDelivery(event.id, member.sub)).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('after a crash while sending, a redelivery does not send again', async () => {
    const event = envelope(decision(pathway.id));
    sesFaults.set(member.email, ['TooManyRequestsException']);
    await expect(t.platform.invoke('notifier', event)).rejects.toThrow();
    // As if the invocation died after claiming: the record says `sending`, long ago.
    await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.notificationDelivery(event.id, member.sub),
        UpdateExpression: 'SET #s = :s, claimedAt = :old',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':s': 'sending', ':old': '2000-01-01T00:00:00.000Z' },
      }),
    );
    const from = sent().length;
    await t.platform.invoke('notifier', event);
    expect(emailsTo(from, member.email)).toHaveLength(0);
    expect((await getDelivery(event.id, member.sub))?.state).toBe('unconfirmed');
  });

  it('missing, invalid and rejected addresses are recorded on the delivery and the person, and not retried', async () => {
    const noMail = await directMember(pathway2.id, undefined);
    const badMail = await directMember(pathway2.id, 'not an address');
    const rejected = await directMember(pathway2.id, 'rejected.notify@example.org');
    sesFaults.set('rejected.notify@example.org', ['MessageRejected']);
    const from = sent().length;
    const eventId = await onBus(decision(pathway2.id));
    const busDelivery = t.platform.events.deliveries().find((d) => (d.payload as { id: string }).id === eventId);
    expect(busDelivery).toMatchObject({ status: 'delivered', attempts: 1 });

    expect(await getDelivery(eventId, noMail)).toMatchObject({ state: 'failed', reason: 'missing_address' });
    expect(await getDelivery(eventId, badMail)).toMatchObject({ state: 'failed', reason: 'invalid_address', address: 'not an address' });
    expect(await getDelivery(eventId, rejected)).toMatchObject({ state: 'failed', reason: 'rejected' });
    expect((await getNotificationSettings(noMail)).emailProblem).toMatchObject({ reason: 'missing_address', eventId });
    expect((await getNotificationSettings(rejected)).emailProblem).toMatchObject({
      reason: 'rejected',
      address: 'rejected.notify@example.org',
    });
    // In-app still arrives; the valid address still gets its email.
    for (const sub of [noMail, badMail, rejected]) expect(await inboxFor(sub, eventId)).toHaveLength(1);
    expect(emailsTo(from, lead.email)).toHaveLength(1);
    expect(sent().length - from).toBe(2); // lead and district lead

    // The rejected address is not tried again on the next event (SES would not be asked).
    sesFaults.set('rejected.notify@example.org', ['MessageRejected']);
    const next = await onBus(decision(pathway2.id));
    expect(await getDelivery(next, rejected)).toMatchObject({ state: 'failed', reason: 'suppressed' });
    expect(sesFaults.get('rejected.notify@example.org')).toEqual(['MessageRejected']);
  });

  it("a bounce SES reports after sending is recorded on the person named by the email's tag, and that address is skipped after", async () => {
    const bouncer = await directMember(pathway2.id, 'bouncer.notify@example.org');
    const from = sent().length;
    await onBus(decision(pathway2.id));
    const [email] = emailsTo(from, 'bouncer.notify@example.org');
    expect(email?.tags).toContainEqual({ name: 'recipient', value: encodeRecipientTag(bouncer) });

    // What EventBridge delivers from the configuration set's event destination (SES event publishing).
    const sesEvent = (bounceType: string, bounceSubType: string) => ({
      version: '0',
      id: randomUUID(),
      'detail-type': 'Email Bounced',
      source: 'aws.ses',
      account: '000000000000',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: ['arn:aws:ses:us-east-1:000000000000:configuration-set/pathcert-local-notifications'],
      detail: {
        eventType: 'Bounce',
        bounce: {
          feedbackId: `${randomUUID()}-000000`,
          bounceType,
          bounceSubType,
          bouncedRecipients: [
            {
              emailAddress: 'bouncer.notify@example.org',
              action: 'failed',
              status: '5.1.1',
              diagnosticCode: 'smtp; 550 5.1.1 user unknown',
            },
          ],
          timestamp: new Date().toISOString(),
          reportingMTA: 'dns; b224-13.smtp-out.amazonses.com',
        },
        mail: {
          timestamp: email!.sentAt,
          source: email!.from,
          sendingAccountId: '000000000000',
          messageId: email!.messageId,
          destination: email!.to,
          headersTruncated: false,
          tags: Object.fromEntries(email!.tags.map((tag) => [tag.name, [tag.value]])),
        },
      },
    });

    // A transient bounce is only logged.
    const soft = (await t.platform.invoke('emailFeedback', sesEvent('Transient', 'MailboxFull'))) as { deliveries: { state: string }[] };
    expect(soft.deliveries).toEqual([{ recipient: bouncer, state: 'transient_bounce' }]);
    expect((await getNotificationSettings(bouncer)).emailProblem).toBeUndefined();

    // A permanent one is recorded; a redelivery changes nothing.
    const hard = sesEvent('Permanent', 'General');
    await t.platform.invoke('emailFeedback', hard);
    await t.platform.invoke('emailFeedback', hard);
    expect((await getNotificationSettings(bouncer)).emailProblem).toMatchObject({
      reason: 'bounced',
      address: 'bouncer.notify@example.org',
      eventId: hard.id,
      detail: `Permanent/General bounce of ${email!.messageId}`,
    });

    // An SES event the notifier cannot tie to a person is dropped, not retried.
    const untagged = sesEvent('Permanent', 'General');
    untagged.detail.mail.tags = {};
    expect(await t.platform.invoke('emailFeedback', untagged)).toMatchObject({ dropped: expect.stringMatching(/recipient tag/) });

    // The next mandatory notice: in-app only for the bounced address.
    const later = sent().length;
    const next = await onBus(decision(pathway2.id));
    expect(emailsTo(later, 'bouncer.notify@example.org')).toHaveLength(0);
    expect(emailsTo(later, lead.email)).toHaveLength(1);
    expect(await inboxFor(bouncer, next)).toHaveLength(1);
    expect(await getDelivery(next, bouncer)).toMatchObject({ state: 'failed', reason: 'suppressed' });
  });
});

describe('preferences', () => {
  it('turn off optional emails but never mandatory ones (422 naming the field)', async () => {
    const got = expectStatus(
      await t.api<{ email: Record<string, boolean>; mandatory: string[] }>('GET', '/me/notification-preferences', { token: member.token }),
      200,
    ).json;
    expect(got.email).toMatchObject({ certifications: true, decisions: true, expiry: true });
    expect(got.mandatory).toEqual(['decisions', 'expiry']);

    const refused = await t.api<{ errors: { field: string }[] }>('PUT', '/me/notification-preferences', {
      token: member.token,
      body: { email: { certifications: false, decisions: false } },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.errors.map((e) => e.field)).toEqual(['email.decisions']);

    const saved = await t.api<{ email: Record<string, boolean> }>('PUT', '/me/notification-preferences', {
      token: member.token,
      body: { email: { certifications: false } },
    });
    expect(expectStatus(saved, 200).json.email).toMatchObject({ certifications: false, renewals: true, decisions: true });
    const bad = await t.api('PUT', '/me/notification-preferences', { token: member.token, body: { email: { sms: true } } });
    expect(bad.status).toBe(400);

    const from = sent().length;
    const optional = await onBus(issued(pathway.id));
    expect(emailsTo(from, member.email)).toHaveLength(0);
    expect(emailsTo(from, lead.email)).toHaveLength(1);
    expect(await inboxFor(member.sub, optional)).toHaveLength(1);
    expect(await getDelivery(optional, member.sub)).toMatchObject({ state: 'skipped', reason: 'preference_off' });

    const mandatory = await onBus({
      detailType: 'CertificationExpiring',
      detail: {
        certificationId: newId('certification'),
        pathwayId: pathway.id,
        districtId,
        level: 'silver',
        expiresOn: '2029-01-10',
        daysBefore: 30,
      },
    });
    expect(emailsTo(from, member.email)).toHaveLength(1);
    expect(await getDelivery(mandatory, member.sub)).toMatchObject({ state: 'sent', category: 'expiry' });
  });
});

describe('GET /notifications and marking read', () => {
  type Page = { items: { id: string; at: string; read: boolean; kind: string }[]; nextCursor?: string };
  const list = async (who: Person, query = '') =>
    expectStatus(await t.api<Page>('GET', `/notifications${query}`, { token: who.token }), 200).json;

  async function all(who: Person, query: string): Promise<Page['items']> {
    const items: Page['items'] = [];
    let cursor: string | undefined;
    do {
      const page = await list(who, `${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  it("pages through the caller's own notifications, newest first, and filters unread", async () => {
    const stored = await inboxOf(member.sub);
    expect(stored.length).toBeGreaterThan(4);
    const items = await all(member, '?limit=2');
    expect(items.map((i) => i.id).sort()).toEqual(stored.map((s) => String(s.id)).sort());
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    const order = items.map((i) => i.at);
    expect(order).toEqual([...order].sort().reverse());

    const first = items[0]!;
    expectStatus(await t.api('POST', `/notifications/${first.id}/read`, { token: member.token }), 200);
    const again = expectStatus(
      await t.api<{ read: boolean; readAt: string }>('POST', `/notifications/${first.id}/read`, { token: member.token }),
      200,
    );
    expect(again.json.read).toBe(true);
    const unread = await all(member, '?limit=2&unread=true');
    expect(unread.map((i) => i.id)).toEqual(items.slice(1).map((i) => i.id));
  });

  it('marks all read, idempotently', async () => {
    const res = expectStatus(
      await t.api<{ marked: number; more: boolean }>('POST', '/notifications/read-all', { token: member.token }),
      200,
    );
    expect(res.json.marked).toBeGreaterThan(0);
    expect(res.json.more).toBe(false);
    expect((await list(member, '?unread=true')).items).toEqual([]);
    expect((await list(member)).items.every((i) => i.read)).toBe(true);
    const twice = expectStatus(await t.api<{ marked: number }>('POST', '/notifications/read-all', { token: member.token }), 200);
    expect(twice.json.marked).toBe(0);
    // Only the caller's inbox changed.
    expect((await list(lead, '?unread=true')).items.length).toBeGreaterThan(0);
  });

  it("nobody reads or marks another person's notifications; the staff inbox is for staff", async () => {
    const leadsOwn = (await list(lead)).items[0]!;
    expect((await t.api('POST', `/notifications/${leadsOwn.id}/read`, { token: member.token })).status).toBe(404);
    expect((await t.api('POST', `/notifications/${leadsOwn.id}/read`, { token: staff.token })).status).toBe(404);
    expect((await list(outsider)).items).toEqual([]);
    expect((await list(lead)).items.find((i) => i.id === leadsOwn.id)?.read).toBe(false);

    expect((await t.api('GET', '/notifications?inbox=staff', { token: member.token })).status).toBe(403);
    const staffInbox = await list(staff, '?inbox=staff');
    expect(staffInbox.items.some((i) => i.kind === 'application.submitted')).toBe(true);
    expect((await list(staff)).items.some((i) => i.kind === 'application.submitted')).toBe(false);
    const marked = expectStatus(
      await t.api<{ read: boolean }>('POST', `/notifications/${staffInbox.items[0]!.id}/read?inbox=staff`, { token: staff.token }),
      200,
    );
    expect(marked.json.read).toBe(true);
    expect((await t.api('GET', `/notifications?limit=0`, { token: member.token })).status).toBe(400);
  });
});
