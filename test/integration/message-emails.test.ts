/**
 * Message emails against the local platform: a message posted on an application thread
 * publishes MessagePosted; the notifier queues it in each recipient's window; the
 * `message-emails` schedule (local scheduler, dev clock) sends one email per thread and
 * person when the window has closed. The dev clock moves past the window, so nothing sleeps.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim, CLAIM_LEASE_MS, messageCursor, windowMs } from '#core/notifications/message-batching.ts';
import { STAFF_RECIPIENT } from '#core/notifications/rules.ts';
import { newId } from '#core/ids.ts';
import { queueMessage } from '#notifications/message-emails.ts';
import { getMessageWindow, saveMessageWindow } from '#store/message-email-windows.ts';
import { onClientCreated } from '#lib/aws-clients.ts';
import { config } from '#lib/config.ts';
import { queryAll } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { LOCAL_STAFF_INBOX_EMAIL } from '../../infra/local/eventbridge/messaging.ts';
import { injectSesFaults } from '../support/ses-faults.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectStatus, joinPathway, person, type Person } from '../support/registry-world.ts';
import { buildWorld, openApplication, type World } from '../support/review-world.ts';

// While set, PutEvents of MessagePosted fails (the API "stops" between the message and its event).
let failMessagePosted = false;
onClientCreated((client, service) => {
  if (service !== 'eventbridge') return;
  (client as EventBridgeClient).middlewareStack.add(
    (next) => async (args) => {
      const entries = (args.input as { Entries?: { DetailType?: string }[] }).Entries ?? [];
      if (failMessagePosted && entries.some((e) => e.DetailType === 'MessagePosted')) {
        throw Object.assign(new Error('injected InternalException'), { name: 'InternalException', $fault: 'server' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectMessagePostedFault' },
  );
});

// SES faults by recipient address, one error name per attempt.
const sesFaults = injectSesFaults();

let t: TestPlatform;
let w: World;
let member: Person;
let appId: string;

const sent = () => t.platform.ses.sent();
const mailsTo = (from: number, address: string) =>
  sent()
    .slice(from)
    .filter((e) => e.to.includes(address));

async function post(who: Person, body: string): Promise<{ id: string; at: string }> {
  return expectStatus(
    await t.api<{ id: string; at: string }>('POST', `/applications/${appId}/messages`, { token: who.token, body: { body } }),
    201,
  ).json;
}

/** A MessagePosted envelope as EventBridge delivers it to the notifier. */
function messagePosted(message: { id: string; at: string }, author: Person, role: 'team' | 'staff') {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'MessagePosted',
    source: 'pathcert',
    account: '000000000000',
    time: message.at,
    region: 'us-east-1',
    resources: [],
    detail: {
      version: 1,
      applicationId: appId,
      pathwayId: w.pathway.id,
      messageId: message.id,
      postedAt: message.at,
      authorSub: author.sub,
      authorRole: role,
    },
  };
}

/** Lets every event be handled, moves the dev clock past the window (and its grace), runs the schedule. */
async function windowEnds() {
  await t.platform.events.settled();
  const { offsetMs } = t.platform.clock.state();
  t.platform.clock.setOffset(offsetMs + windowMs(config.messageEmailWindowMinutes) + 90_000);
  await t.platform.events.runScheduleNow('message-emails');
  await t.platform.events.settled();
}

beforeAll(async () => {
  t = await startTestPlatform();
  w = await buildWorld(t, 'msgmail', []);
  member = await person(t, 'msgmail-member@example.org', ['pathway'], 'Mo Member');
  await joinPathway(t, w.lead, w.pathway.id, member, 'member');
  for (const p of [w.lead, member, w.staff]) expectStatus(await t.api('GET', '/me', { token: p.token }), 200);
  appId = (await openApplication(t, w, 'candidacy')).id;
}, 120_000);

afterAll(async () => {
  t?.platform.clock.setOffset(0);
  await t?.stop();
});

describe('message emails', () => {
  it('a message emails the others on the thread and the staff inbox at the window end, not its author', async () => {
    const from = sent().length;
    await post(w.lead, 'Could you look at our work-based learning plan?');
    await t.platform.events.settled();
    // The window is open: nothing yet.
    expect(sent().slice(from)).toEqual([]);
    await windowEnds();

    const toMember = mailsTo(from, member.email);
    expect(toMember).toHaveLength(1);
    expect(toMember[0]!.subject).toContain('New message');
    expect(toMember[0]!.text).toContain('Could you look at our work-based learning plan?');
    expect(toMember[0]!.text).toContain('Lee Lead');
    expect(toMember[0]!.text).toContain(`${config.appBaseUrl}/applications/${appId}/messages`);
    expect(mailsTo(from, w.lead.email)).toEqual([]);
    expect(mailsTo(from, LOCAL_STAFF_INBOX_EMAIL)).toHaveLength(1);
    // The staff member is not on the thread as a person: staff read the shared inbox.
    expect(mailsTo(from, w.staff.email)).toEqual([]);
  });

  it('several messages within the window make one email with all of them, escaped in HTML', async () => {
    const from = sent().length;
    await post(w.lead, 'First: <b>bold</b> & "quoted"');
    await post(member, 'Second, from the member');
    await post(w.lead, 'Third, from the lead');
    await windowEnds();

    const toMember = mailsTo(from, member.email);
    expect(toMember).toHaveLength(1);
    expect(toMember[0]!.subject).toContain('2 new messages');
    expect(toMember[0]!.text).toContain('First: <b>bold</b> & "quoted"');
    expect(toMember[0]!.text).toContain('Third, from the lead');
    expect(toMember[0]!.text).not.toContain('Second, from the member');
    expect(toMember[0]!.html).toContain('First: &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;');
    expect(toMember[0]!.html).not.toContain('<b>bold</b>');

    const toLead = mailsTo(from, w.lead.email);
    expect(toLead).toHaveLength(1);
    expect(toLead[0]!.text).toContain('Second, from the member');
    expect(toLead[0]!.text).not.toContain('Third, from the lead');

    const toStaff = mailsTo(from, LOCAL_STAFF_INBOX_EMAIL);
    expect(toStaff).toHaveLength(1);
    expect(toStaff[0]!.subject).toContain('3 new messages');
  });

  it('a message after the window opens a new window and a new email', async () => {
    const from = sent().length;
    await post(w.lead, 'One more thing after the window');
    await windowEnds();
    const toMember = mailsTo(from, member.email);
    expect(toMember).toHaveLength(1);
    expect(toMember[0]!.text).toContain('One more thing after the window');
    expect(toMember[0]!.text).not.toContain('Third, from the lead');
  });

  it('two messages racing into a quiet thread make one email with both', async () => {
    const from = sent().length;
    await Promise.all([post(w.lead, 'Racing message A'), post(member, 'Racing message B')]);
    await windowEnds();
    const toStaff = mailsTo(from, LOCAL_STAFF_INBOX_EMAIL);
    expect(toStaff).toHaveLength(1);
    expect(toStaff[0]!.text).toContain('Racing message A');
    expect(toStaff[0]!.text).toContain('Racing message B');
  });

  it('events handled at the same moment (conditional writes on one window) still make one email with all', async () => {
    const from = sent().length;
    failMessagePosted = true;
    let posted: { id: string; at: string }[];
    try {
      posted = [
        await post(w.lead, 'Concurrent 1'),
        await post(w.lead, 'Concurrent 2'),
        await post(w.lead, 'Concurrent 3'),
        await post(w.lead, 'Concurrent 4'),
      ];
    } finally {
      failMessagePosted = false;
    }
    // Four notifier invocations at once, each writing the same (thread, member) and (thread, staff) windows.
    await Promise.all(posted.map((m) => t.platform.invoke('notifier', messagePosted(m, w.lead, 'team'))));
    await windowEnds();
    const toMember = mailsTo(from, member.email);
    expect(toMember).toHaveLength(1);
    expect(toMember[0]!.subject).toContain('4 new messages');
    for (const n of [1, 2, 3, 4]) expect(toMember[0]!.text).toContain(`Concurrent ${n}`);
    expect(mailsTo(from, LOCAL_STAFF_INBOX_EMAIL)).toHaveLength(1);
    // The job's own repair of these unannounced messages finds them queued already: nothing more.
    await windowEnds();
    expect(mailsTo(from, member.email)).toHaveLength(1);
  });

  it('twenty messages queued at once into one window item: every one is kept, once (conditional writes)', async () => {
    const ref = { applicationId: newId('application'), recipient: 'race-recipient' };
    const now = Date.parse(t.platform.clock.state().now);
    const cursors = Array.from({ length: 20 }, (_, i) => messageCursor(new Date(now + i).toISOString(), newId('message')));
    const outcomes = await Promise.all([...cursors, ...cursors.slice(0, 5)].map((c) => queueMessage(ref, c)));
    expect(outcomes.filter((o) => o === 'opened')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(5);
    const stored = await getMessageWindow(ref);
    expect(stored.queued).toEqual([...cursors].sort());
    expect(stored.window).toBeDefined();
  });

  it('a retried or duplicated event sends nothing more', async () => {
    const from = sent().length;
    await post(w.lead, 'Sent once only');
    await t.platform.events.settled();
    const event = t.platform.events.published().findLast((e) => e['detail-type'] === 'MessagePosted')!;
    // The same delivery again, and the same event published again under a new id.
    await t.platform.invoke('notifier', event);
    await t.platform.invoke('notifier', { ...event, id: `${event.id}-again` });
    await windowEnds();
    // A second run after the window finds nothing to send.
    await t.platform.events.runScheduleNow('message-emails');
    await t.platform.events.settled();
    // Later: the event redelivered after its email was sent.
    await t.platform.invoke('notifier', event);
    await windowEnds();
    const toMember = mailsTo(from, member.email);
    expect(toMember).toHaveLength(1);
    expect(toMember[0]!.text!.match(/Sent once only/g)).toHaveLength(1);
    expect(mailsTo(from, LOCAL_STAFF_INBOX_EMAIL)).toHaveLength(1);
  });

  it('staff writing: the team is emailed, the staff inbox is not', async () => {
    const from = sent().length;
    await post(w.staff, 'Staff here: please upload the advisory board minutes.');
    await windowEnds();
    expect(mailsTo(from, w.lead.email)).toHaveLength(1);
    expect(mailsTo(from, member.email)).toHaveLength(1);
    expect(mailsTo(from, w.lead.email)[0]!.text).toContain('Sam Staff');
    expect(mailsTo(from, LOCAL_STAFF_INBOX_EMAIL)).toEqual([]);
  });

  it('with the messages preference off there is no email, and the in-app notification remains', async () => {
    const prefs = await t.api<{ email: Record<string, boolean> }>('PUT', '/me/notification-preferences', {
      token: member.token,
      body: { email: { messages: false } },
    });
    expect(expectStatus(prefs, 200).json.email.messages).toBe(false);
    const from = sent().length;
    await post(w.lead, 'Only in the app for the member');
    await windowEnds();
    expect(mailsTo(from, member.email)).toEqual([]);
    expect(mailsTo(from, LOCAL_STAFF_INBOX_EMAIL)).toHaveLength(1);
    const inbox = await queryAll<{ kind: string; body: string }>(keys.inboxPartition(member.sub));
    expect(inbox.some((n) => n.kind === 'message.posted' && n.body === 'Only in the app for the member')).toBe(true);
    expectStatus(await t.api('PUT', '/me/notification-preferences', { token: member.token, body: { email: { messages: true } } }), 200);
  });

  it('a message whose MessagePosted was never published is still emailed (the job queues it itself)', async () => {
    const from = sent().length;
    const announced = () => t.platform.events.published().filter((e) => e['detail-type'] === 'MessagePosted').length;
    const before = announced();
    failMessagePosted = true;
    try {
      await post(w.lead, 'Posted while the bus was unreachable');
    } finally {
      failMessagePosted = false;
    }
    await t.platform.events.settled();
    expect(announced()).toBe(before);
    // The first window end finds it (over two minutes old), queues it; its window then ends too.
    await windowEnds();
    await windowEnds();
    const toMember = mailsTo(from, member.email);
    expect(toMember).toHaveLength(1);
    expect(toMember[0]!.text).toContain('Posted while the bus was unreachable');
    expect(mailsTo(from, LOCAL_STAFF_INBOX_EMAIL)).toHaveLength(1);
    // Announced now: later runs do not queue it again.
    await windowEnds();
    expect(mailsTo(from, member.email)).toHaveLength(1);
  });

  it('throttled by SES: the window is kept and the next run sends it', async () => {
    const from = sent().length;
    // Throttled for as long as the fault stays: the local scheduler's own tick may run the job
    // beside the test's run, and a single queued fault would let that second run send.
    sesFaults.set(
      LOCAL_STAFF_INBOX_EMAIL,
      Array.from({ length: 20 }, () => 'TooManyRequestsException'),
    );
    await post(member, 'Sent on the second try');
    await windowEnds();
    expect(mailsTo(from, LOCAL_STAFF_INBOX_EMAIL)).toEqual([]);
    expect(mailsTo(from, w.lead.email)).toHaveLength(1);
    sesFaults.delete(LOCAL_STAFF_INBOX_EMAIL);
    await t.platform.events.runScheduleNow('message-emails');
    await t.platform.events.settled();
    const toStaff = mailsTo(from, LOCAL_STAFF_INBOX_EMAIL);
    expect(toStaff).toHaveLength(1);
    expect(toStaff[0]!.text).toContain('Sent on the second try');
  });

  it('a run that died while sending is not repeated (at most one email), and the thread goes on', async () => {
    const from = sent().length;
    await post(member, 'Claimed by a run that died');
    await t.platform.events.settled();
    // A run claimed the staff window and stopped before it recorded the email.
    const ref = { applicationId: appId, recipient: STAFF_RECIPIENT };
    const open = await getMessageWindow(ref);
    expect(await saveMessageWindow(ref, claim(open, t.platform.clock.state().now), open.rev)).toBe(true);
    // While the claim is fresh, other runs leave it alone.
    t.platform.clock.setOffset(t.platform.clock.state().offsetMs + CLAIM_LEASE_MS / 2);
    await t.platform.events.runScheduleNow('message-emails');
    await t.platform.events.settled();
    expect((await getMessageWindow(ref)).window?.claimedAt).toBeDefined();
    // Past the lease it is given up without sending (the email's fate is unknown); the next message opens a new window.
    await windowEnds();
    expect(mailsTo(from, LOCAL_STAFF_INBOX_EMAIL)).toEqual([]);
    expect((await getMessageWindow(ref)).window).toBeUndefined();
    await post(member, 'After the lost run');
    await windowEnds();
    const toStaff = mailsTo(from, LOCAL_STAFF_INBOX_EMAIL);
    expect(toStaff).toHaveLength(1);
    expect(toStaff[0]!.text).toContain('After the lost run');
    expect(toStaff[0]!.text).not.toContain('Claimed by a run that died');
  });

  it('the messages category is listed and on by default', async () => {
    const got = expectStatus(
      await t.api<{ email: Record<string, boolean> }>('GET', '/me/notification-preferences', { token: w.lead.token }),
      200,
    ).json;
    expect(got.email.messages).toBe(true);
  });
});
