/**
 * Reviewer invitations (issue 18), against the local platform: staff invite an address to
 * the reviewer pool; the invitee gets one email through the local SES (who invited them, to
 * the pathcert reviewer pool, as a reviewer, the expiry, the accept link) and one reminder
 * from the daily sweep; the address may sign up through the local Cognito (the pre-sign-up
 * trigger finds the invitation on the same INVITEE# index), and accepting the invitation
 * creates the reviewer profile in the acceptance's transaction, grants the `reviewer` group
 * and puts the person in the roster staff seat reviewers from. Only staff manage these
 * invitations; re-invites and retries send nothing more; a revoked invitation opens nothing.
 */
import { randomUUID } from 'node:crypto';
import {
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NOT_INVITED_MESSAGE } from '#accounts/pre-sign-up.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { createDistrict, createPathway, createSchool, expectStatus, joinPathway, person, type Person } from '../support/registry-world.ts';

type Invitation = {
  id: string;
  email: string;
  role: string;
  status: string;
  expiresAt: string;
  scope: { kind: string; districtId?: string };
  profile?: Record<string, unknown>;
};
type Reviewer = {
  sub: string;
  name?: string;
  email?: string;
  sectors: string[];
  leadEligible: boolean;
  maxOpenAssignments: number;
  districtId?: string;
  active: boolean;
  version: number;
  conflicts: { districtIds: string[]; pathwayIds: string[] };
  available: boolean;
  unavailable: unknown[];
};
type Accepted = { invitation: Invitation; reviewer?: { sub: string; active: boolean; version: number }; membership?: unknown };

const DAY = 86_400_000;
const APP_URL = 'https://app.pathcert.test';
const PASSWORD = 'Correct-h0rse-battery';

let t: TestPlatform;
let cognito: CognitoIdentityProviderClient;
let staff: Person;
let lead: Person;
let district: { id: string };

const address = (label: string) => `${label}.${randomUUID().slice(0, 8)}@reviewers.example.org`;
const emailsTo = (to: string) => t.platform.ses.sent().filter((e) => e.to.includes(to));
const clientId = () => t.platform.cognito.clientId;

function invite(email: string, options: { token?: string; profile?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
  const body = { email, ...(options.profile ? { profile: options.profile } : {}) };
  return t.api<Invitation>('POST', '/reviewer-invitations', { token: options.token ?? staff.token, body, headers: options.headers ?? {} });
}

async function invited(email: string, profile?: Record<string, unknown>): Promise<Invitation> {
  const inv = expectStatus(await invite(email, { profile }), 201).json;
  await t.platform.events.settled();
  return inv;
}

async function signIn(email: string): Promise<string> {
  const out = await cognito.send(
    new InitiateAuthCommand({ ClientId: clientId(), AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }),
  );
  return out.AuthenticationResult!.IdToken!;
}

const signUpCommand = (email: string, name?: string) =>
  new SignUpCommand({
    ClientId: clientId(),
    Username: email,
    Password: PASSWORD,
    UserAttributes: [{ Name: 'email', Value: email }, ...(name ? [{ Name: 'name', Value: name }] : [])],
  });

/** Signs up with the invited address, confirms with the emailed code, signs in. */
async function signUp(email: string, name: string): Promise<Person> {
  const out = await cognito.send(signUpCommand(email, name));
  await cognito.send(
    new ConfirmSignUpCommand({ ClientId: clientId(), Username: email, ConfirmationCode: t.platform.cognito.verificationCode(email)! }),
  );
  return { email, sub: out.UserSub!, token: await signIn(email) };
}

async function groupsOf(sub: string): Promise<string[]> {
  const out = await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: t.platform.cognito.userPoolId, Username: sub }));
  return (out.Groups ?? []).map((g) => g.GroupName!).sort();
}

const acceptAs = (who: Person, id: string) => t.api<Accepted>('POST', `/me/invitations/${id}/accept`, { token: who.token });

/** Every page of the roster staff seat reviewers from. */
async function roster(): Promise<Reviewer[]> {
  const all: Reviewer[] = [];
  let cursor: string | undefined;
  do {
    const page = expectStatus(
      await t.api<{ items: Reviewer[]; nextCursor?: string }>(
        'GET',
        `/reviewers?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: staff.token },
      ),
      200,
    ).json;
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

beforeAll(async () => {
  process.env.APP_BASE_URL = APP_URL;
  process.env.INVITATION_REMINDER_DAYS = '3';
  t = await startTestPlatform({ scheduleTickMs: 0 });
  cognito = new CognitoIdentityProviderClient({
    endpoint: t.platform.cognito.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  staff = await person(t, 'staff.reviewers@example.org', ['staff'], 'Sam Staff');
  district = await createDistrict(t, staff);
  const school = await createSchool(t, staff, district.id);
  const pathway = await createPathway(t, staff, school.id);
  lead = await person(t, address('lead'), ['pathway']);
  await joinPathway(t, staff, pathway.id, lead, 'lead');
}, 120_000);
afterEach(() => t?.platform.clock.setOffset(0));
afterAll(async () => {
  delete process.env.INVITATION_REMINDER_DAYS;
  cognito?.destroy();
  await t?.stop();
});

describe('inviting to the reviewer pool', () => {
  it('emails the invitee once: who invited them, the reviewer pool, the role, the expiry and the accept link', async () => {
    const to = address('rita');
    const inv = await invited(to);
    expect(inv).toMatchObject({ email: to, role: 'reviewer', status: 'pending', scope: { kind: 'reviewer' } });
    expect(inv.scope).not.toHaveProperty('districtId');
    const [email, ...more] = emailsTo(to);
    expect(more).toEqual([]);
    expect(email!.subject).toBe('Sam Staff invited you to join the pathcert reviewer pool');
    expect(email!.text).toContain('Sam Staff invited you to join the pathcert reviewer pool as a reviewer.');
    const day = new Date(inv.expiresAt);
    expect(email!.text).toContain(
      `${day.getUTCDate()} ${day.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })} ${day.getUTCFullYear()}`,
    );
    expect(email!.text).toContain(`${APP_URL}/invitations/${inv.id}`);
    expect(email!.tags).toContainEqual({ name: 'event', value: 'InvitationCreated' });
    // Staff see it in the list.
    const list = expectStatus(
      await t.api<{ items: Invitation[] }>('GET', '/reviewer-invitations?limit=100', { token: staff.token }),
      200,
    ).json;
    expect(list.items.map((i) => i.id)).toContain(inv.id);
  });

  it('is staff work: everyone else gets 403, and nothing is sent', async () => {
    const to = address('nope');
    const reviewerToken = (await person(t, address('someone'), ['reviewer'])).token;
    for (const token of [lead.token, reviewerToken]) {
      expectStatus(await invite(to, { token }), 403);
      expectStatus(await t.api('GET', '/reviewer-invitations', { token }), 403);
    }
    const inv = expectStatus(await invite(address('other')), 201).json;
    expectStatus(await t.api('DELETE', `/reviewer-invitations/${inv.id}`, { token: lead.token }), 403);
    await t.platform.events.settled();
    expect(emailsTo(to)).toEqual([]);
  });

  it('a retried request (same Idempotency-Key) and a re-invite answer the pending invitation and send nothing more', async () => {
    const to = address('retry');
    const key = `reviewer-invite-${randomUUID()}`;
    const first = expectStatus(await invite(to, { headers: { 'idempotency-key': key } }), 201).json;
    expect(expectStatus(await invite(to, { headers: { 'idempotency-key': key } }), 201).json.id).toBe(first.id);
    expect(expectStatus(await invite(to.toUpperCase()), 200).json.id).toBe(first.id);
    const raced = await Promise.all(Array.from({ length: 5 }, () => invite(to)));
    expect(raced.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await t.platform.events.settled();
    expect(emailsTo(to)).toHaveLength(1);
  });

  it('checks the profile it carries: an unknown home district is 422, a bad sector 400', async () => {
    const unknown = await invite(address('nodistrict'), { profile: { districtId: 'dst_01JD0000000000000000000000' } });
    expectStatus(unknown, 422);
    expectStatus(await invite(address('badsector'), { profile: { sectors: ['astrology'] } }), 400);
  });

  it('reminds once before expiry', async () => {
    const to = address('remind');
    const inv = await invited(to);
    const expires = Date.parse(inv.expiresAt);
    const sweep = async (at: number) => {
      t.platform.clock.setOffset(at - Date.now());
      await t.platform.invoke('recertificationSweep', { job: 'recertification-sweep', scheduledTime: new Date(at).toISOString() });
      await t.platform.events.settled();
    };
    await sweep(expires - 3 * DAY + 60_000);
    await sweep(expires - 2 * DAY);
    const reminders = emailsTo(to).filter((e) => e.tags.some((tag) => tag.name === 'event' && tag.value === 'InvitationExpiring'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.subject).toContain('Reminder: your invitation to join the pathcert reviewer pool expires on');
    expect(reminders[0]!.text).toContain('as a reviewer has not been accepted yet');
  });
});

describe('accepting it', () => {
  it('lets the address sign up, then makes the person a reviewer: profile, reviewer group, in the roster; retries change nothing', async () => {
    const to = address('ravi');
    const inv = await invited(to, {
      sectors: ['engineering_architecture'],
      leadEligible: true,
      maxOpenAssignments: 5,
      districtId: district.id,
    });
    expect(inv.profile).toEqual({
      sectors: ['engineering_architecture'],
      leadEligible: true,
      maxOpenAssignments: 5,
      districtId: district.id,
    });

    // Self sign-up is open to the address because of the reviewer invitation alone.
    const ravi = await signUp(to, 'Ravi Reviewer');
    expect(await groupsOf(ravi.sub)).toEqual([]);
    expectStatus(await t.api('GET', `/reviewers/${ravi.sub}`, { token: staff.token }), 404);

    const mine = expectStatus(await t.api<{ items: Invitation[] }>('GET', '/me/invitations', { token: ravi.token }), 200).json;
    expect(mine.items.map((i) => i.id)).toEqual([inv.id]);
    const accepted = expectStatus(await acceptAs(ravi, inv.id), 200).json;
    expect(accepted.invitation).toMatchObject({ id: inv.id, status: 'accepted', acceptedBy: ravi.sub });
    expect(accepted.reviewer).toMatchObject({ sub: ravi.sub, active: true, version: 1 });
    expect(accepted).not.toHaveProperty('membership');

    const profile = expectStatus(await t.api<Reviewer>('GET', `/reviewers/${ravi.sub}`, { token: staff.token }), 200).json;
    expect(profile).toMatchObject({
      sub: ravi.sub,
      name: 'Ravi Reviewer',
      email: to,
      districtId: district.id,
      sectors: ['engineering_architecture'],
      conflicts: { districtIds: [], pathwayIds: [] },
      available: true,
      unavailable: [],
      maxOpenAssignments: 5,
      openAssignments: 0,
      leadEligible: true,
      active: true,
      version: 1,
    });
    expect(await groupsOf(ravi.sub)).toEqual(['reviewer']);
    expect((await roster()).map((r) => r.sub)).toContain(ravi.sub);

    // Retried, and twice at once: the same profile, one group.
    const retries = await Promise.all([acceptAs(ravi, inv.id), acceptAs(ravi, inv.id), acceptAs(ravi, inv.id)]);
    for (const r of retries) expect(expectStatus(r, 200).json.reviewer).toMatchObject({ sub: ravi.sub, version: 1 });
    expect(await groupsOf(ravi.sub)).toEqual(['reviewer']);
    expect((await roster()).filter((r) => r.sub === ravi.sub)).toHaveLength(1);
    // The next token carries the group; the invitation no longer opens sign-up; an active reviewer is not invited again.
    expect(decodeJwt(await signIn(to))['cognito:groups']).toEqual(['reviewer']);
    expect(t.platform.cognito.user(to)).toMatchObject({ status: 'CONFIRMED' });
    const again = expectStatus(await invite(to), 409);
    expect(again.json).toMatchObject({ code: 'already_reviewer' });
    await t.platform.events.settled();
    expect(emailsTo(to)).toHaveLength(1);
  });

  it('keeps the reviewer group in step with the profile: retiring takes it away, reactivating gives it back', async () => {
    const to = address('retire');
    const inv = await invited(to);
    const rita = await signUp(to, 'Rita Retire');
    expectStatus(await acceptAs(rita, inv.id), 200);
    expect(await groupsOf(rita.sub)).toEqual(['reviewer']);
    const write = async (active: boolean) => {
      const p = expectStatus(await t.api<Reviewer>('GET', `/reviewers/${rita.sub}`, { token: staff.token }), 200).json;
      const body = {
        sectors: p.sectors,
        conflicts: p.conflicts,
        available: p.available,
        unavailable: p.unavailable,
        maxOpenAssignments: p.maxOpenAssignments,
        leadEligible: p.leadEligible,
        active,
      };
      return expectStatus(
        await t.api<Reviewer>('PUT', `/reviewers/${rita.sub}`, { token: staff.token, headers: { 'if-match': `"${p.version}"` }, body }),
        200,
      ).json;
    };
    expect(await write(false)).toMatchObject({ active: false });
    expect(await groupsOf(rita.sub)).toEqual([]);
    expect(decodeJwt(await signIn(to))['cognito:groups'] ?? []).toEqual([]);
    // An edit that keeps the reviewer retired changes nothing; reactivating gives the group back.
    await write(false);
    expect(await groupsOf(rita.sub)).toEqual([]);
    expect(await write(true)).toMatchObject({ active: true });
    expect(await groupsOf(rita.sub)).toEqual(['reviewer']);
  });

  it('makes a retired reviewer active again, keeping what staff had set', async () => {
    const to = address('back');
    const back = await person(t, to, [], 'Bo Back');
    const body = {
      sectors: ['arts_media_entertainment'],
      conflicts: { districtIds: [district.id], pathwayIds: [] },
      available: true,
      unavailable: [],
      maxOpenAssignments: 2,
      leadEligible: false,
      active: false,
    };
    expectStatus(await t.api('PUT', `/reviewers/${back.sub}`, { token: staff.token, headers: { 'if-none-match': '*' }, body }), 201);
    const inv = await invited(to, { sectors: ['engineering_architecture'] });
    const accepted = expectStatus(await acceptAs(back, inv.id), 200).json;
    expect(accepted.reviewer).toMatchObject({ active: true, version: 2 });
    const profile = expectStatus(await t.api<Reviewer>('GET', `/reviewers/${back.sub}`, { token: staff.token }), 200).json;
    expect(profile).toMatchObject({
      active: true,
      version: 2,
      sectors: ['arts_media_entertainment'],
      conflicts: { districtIds: [district.id] },
      maxOpenAssignments: 2,
    });
  });

  it('only by the invited address', async () => {
    const inv = await invited(address('owner'));
    const stranger = await person(t, address('stranger'), []);
    expectStatus(await acceptAs(stranger, inv.id), 404);
    expectStatus(await t.api('GET', `/reviewers/${stranger.sub}`, { token: staff.token }), 404);
  });
});

describe('revoking it', () => {
  it('ends it: no sign-up, no acceptance, no reviewer; a second revoke is 404 and an accepted one cannot be revoked', async () => {
    const to = address('revoked');
    const inv = await invited(to);
    expectStatus(await t.api('DELETE', `/reviewer-invitations/${inv.id}`, { token: staff.token }), 204);
    expectStatus(await t.api('DELETE', `/reviewer-invitations/${inv.id}`, { token: staff.token }), 404);
    await expect(cognito.send(signUpCommand(to))).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: `PreSignUp failed with error ${NOT_INVITED_MESSAGE}.`,
    });
    const holder = await person(t, to, []);
    expectStatus(await acceptAs(holder, inv.id), 404);
    expectStatus(await t.api('GET', `/reviewers/${holder.sub}`, { token: staff.token }), 404);
    const list = expectStatus(
      await t.api<{ items: Invitation[] }>('GET', '/reviewer-invitations?limit=100', { token: staff.token }),
      200,
    ).json;
    expect(list.items.map((i) => i.id)).not.toContain(inv.id);

    // A new invitation after the revocation is a new one, with its own email; once accepted it stays.
    const next = await invited(to);
    expect(next.id).not.toBe(inv.id);
    expect(emailsTo(to)).toHaveLength(2);
    expectStatus(await acceptAs(holder, next.id), 200);
    const refused = expectStatus(await t.api('DELETE', `/reviewer-invitations/${next.id}`, { token: staff.token }), 409);
    expect(refused.json).toMatchObject({ code: 'invitation_accepted' });
  });
});
