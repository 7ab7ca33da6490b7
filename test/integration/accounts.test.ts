/**
 * Accounts follow invitations (issue 18), against the local user pool: self sign-up is open
 * only to an address with a pending invitation (the catalog's pre-sign-up trigger, invoked
 * by the local cognito-idp endpoint with Cognito's event), the address is verified by the
 * emailed code, and the `pathway` / `district` Cognito groups follow memberships: granted on
 * acceptance, kept while another membership needs them, removed with the last one, also
 * under retries and concurrent requests. Every Cognito call goes through the real
 * @aws-sdk/client-cognito-identity-provider.
 */
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_INVITED_MESSAGE } from '#accounts/pre-sign-up.ts';
import { subjectForEmail } from '../../infra/local/dev-issuer.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { accept, createDistrict, createPathway, createSchool, expectStatus, person, type Person } from '../support/registry-world.ts';

let t: TestPlatform;
let cognito: CognitoIdentityProviderClient;
let staff: Person;
let district: { id: string };
let pathwayA: { id: string };
let pathwayB: { id: string };

const PASSWORD = 'Correct-h0rse-battery';

beforeAll(async () => {
  t = await startTestPlatform();
  cognito = new CognitoIdentityProviderClient({
    endpoint: t.platform.cognito.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  staff = await person(t, 'staff@accounts.test', ['staff']);
  district = await createDistrict(t, staff);
  const school = await createSchool(t, staff, district.id);
  pathwayA = await createPathway(t, staff, school.id);
  pathwayB = await createPathway(t, staff, school.id);
});

afterAll(async () => {
  cognito?.destroy();
  await t?.stop();
});

let n = 0;
const address = (who: string) => `${who}.${Date.now().toString(36)}${(n++).toString(36)}@accounts.test`;

async function invite(email: string, to: { pathwayId: string } | { districtId: string }, role: string): Promise<string> {
  const path = 'pathwayId' in to ? `/pathways/${to.pathwayId}/invitations` : `/districts/${to.districtId}/invitations`;
  const res = await t.api<{ id: string }>('POST', path, { token: staff.token, body: { email, role } });
  expect([200, 201], res.text).toContain(res.status);
  return res.json.id;
}

const clientId = () => t.platform.cognito.clientId;

async function signIn(email: string): Promise<string> {
  const out = await cognito.send(
    new InitiateAuthCommand({ ClientId: clientId(), AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }),
  );
  return out.AuthenticationResult!.IdToken!;
}

/** Signs up with the invited address, confirms with the emailed code, signs in. */
async function signUp(email: string, name = 'Invited Person'): Promise<Person> {
  const out = await cognito.send(
    new SignUpCommand({
      ClientId: clientId(),
      Username: email,
      Password: PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'name', Value: name },
      ],
    }),
  );
  const code = t.platform.cognito.verificationCode(email);
  expect(code).toMatch(/^\d{6}$/);
  await cognito.send(new ConfirmSignUpCommand({ ClientId: clientId(), Username: email, ConfirmationCode: code! }));
  return { email, sub: out.UserSub!, token: await signIn(email) };
}

async function groupsOf(sub: string): Promise<string[]> {
  const out = await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: t.platform.cognito.userPoolId, Username: sub }));
  return (out.Groups ?? []).map((g) => g.GroupName!).sort();
}

const removeMember = (kind: 'pathways' | 'districts', id: string, sub: string) =>
  t.api('DELETE', `/${kind}/${id}/members/${sub}`, { token: staff.token });

describe('self sign-up', () => {
  it('refuses an address without a pending invitation, with the error Cognito shows, and creates no user', async () => {
    const email = address('stranger');
    const refused = cognito.send(
      new SignUpCommand({ ClientId: clientId(), Username: email, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }),
    );
    await expect(refused).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: `PreSignUp failed with error ${NOT_INVITED_MESSAGE}.`,
    });
    expect(t.platform.cognito.user(email)).toBeUndefined();
  });

  it('allows an invited address; the account is unconfirmed and unverified until the emailed code is entered', async () => {
    const email = address('ana');
    await invite(email, { pathwayId: pathwayA.id }, 'member');
    const out = await cognito.send(
      new SignUpCommand({
        ClientId: clientId(),
        Username: email.toUpperCase(),
        Password: PASSWORD,
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    expect(out.UserConfirmed).toBe(false);
    // The same subject `npm run token` gives the address.
    expect(out.UserSub).toBe(subjectForEmail(email));
    expect(out.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    // The trigger vouched for nothing: not confirmed, email not verified.
    expect(t.platform.cognito.user(email)).toMatchObject({ status: 'UNCONFIRMED', emailVerified: false });

    await expect(signIn(email)).rejects.toMatchObject({ name: 'UserNotConfirmedException' });
    await expect(
      cognito.send(new ConfirmSignUpCommand({ ClientId: clientId(), Username: email, ConfirmationCode: '000000x' })),
    ).rejects.toMatchObject({
      name: 'CodeMismatchException',
    });
    await cognito.send(
      new ConfirmSignUpCommand({ ClientId: clientId(), Username: email, ConfirmationCode: t.platform.cognito.verificationCode(email)! }),
    );
    expect(t.platform.cognito.user(email)).toMatchObject({ status: 'CONFIRMED', emailVerified: true });

    const claims = decodeJwt(await signIn(email));
    expect(claims).toMatchObject({ sub: out.UserSub, email, email_verified: true, 'cognito:groups': [] });
    // A second sign-up of the address is Cognito's UsernameExistsException.
    await expect(
      cognito.send(
        new SignUpCommand({ ClientId: clientId(), Username: email, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }),
      ),
    ).rejects.toMatchObject({ name: 'UsernameExistsException' });
  });

  it('is refused once the invitation is accepted, revoked or expired', async () => {
    const accepted = address('accepted');
    const id = await invite(accepted, { pathwayId: pathwayA.id }, 'member');
    await accept(t, await person(t, accepted, ['pathway']), id);

    const revoked = address('revoked');
    const revokedId = await invite(revoked, { pathwayId: pathwayA.id }, 'member');
    expectStatus(await t.api('DELETE', `/pathways/${pathwayA.id}/invitations/${revokedId}`, { token: staff.token }), 204);

    const expired = address('expired');
    await invite(expired, { districtId: district.id }, 'data');
    t.platform.clock.advanceDays(15);
    try {
      for (const email of [accepted, revoked, expired]) {
        await expect(
          cognito.send(
            new SignUpCommand({
              ClientId: clientId(),
              Username: email,
              Password: PASSWORD,
              UserAttributes: [{ Name: 'email', Value: email }],
            }),
          ),
          email,
        ).rejects.toMatchObject({ name: 'UserLambdaValidationException' });
      }
    } finally {
      t.platform.clock.setOffset(0);
    }
  });
});

describe('groups follow memberships', () => {
  it('grants the pathway group on acceptance; a retried acceptance changes nothing; the next token carries it', async () => {
    const email = address('bea');
    const invitation = await invite(email, { pathwayId: pathwayA.id }, 'member');
    const bea = await signUp(email, 'Bea');
    expect(await groupsOf(bea.sub)).toEqual([]);

    await accept(t, bea, invitation);
    expect(await groupsOf(bea.sub)).toEqual(['pathway']);
    // Retried, and twice at once.
    await Promise.all([accept(t, bea, invitation), accept(t, bea, invitation)]);
    expect(await groupsOf(bea.sub)).toEqual(['pathway']);

    const token = await signIn(email);
    expect(decodeJwt(token)['cognito:groups']).toEqual(['pathway']);
    const me = expectStatus(await t.api<{ groups: string[] }>('GET', '/me', { token }), 200);
    expect(me.json.groups).toEqual(['pathway']);
  });

  it('keeps the group while another membership needs it and removes it with the last; a retried removal keeps it removed', async () => {
    const email = address('cai');
    const inA = await invite(email, { pathwayId: pathwayA.id }, 'member');
    const inB = await invite(email, { pathwayId: pathwayB.id }, 'member');
    const cai = await signUp(email);
    await accept(t, cai, inA);
    await accept(t, cai, inB);
    expect(await groupsOf(cai.sub)).toEqual(['pathway']);

    expectStatus(await removeMember('pathways', pathwayA.id, cai.sub), 204);
    expect(await groupsOf(cai.sub)).toEqual(['pathway']);
    expectStatus(await removeMember('pathways', pathwayB.id, cai.sub), 204);
    expect(await groupsOf(cai.sub)).toEqual([]);
    expectStatus(await removeMember('pathways', pathwayB.id, cai.sub), 404);
    expect(await groupsOf(cai.sub)).toEqual([]);
  });

  it('grants the district group for a district membership, independently of the pathway group', async () => {
    const email = address('dev');
    const toDistrict = await invite(email, { districtId: district.id }, 'data');
    const toPathway = await invite(email, { pathwayId: pathwayB.id }, 'member');
    const dev = await signUp(email);
    await accept(t, dev, toDistrict);
    expect(await groupsOf(dev.sub)).toEqual(['district']);
    await accept(t, dev, toPathway);
    expect(await groupsOf(dev.sub)).toEqual(['district', 'pathway']);

    expectStatus(await removeMember('districts', district.id, dev.sub), 204);
    expect(await groupsOf(dev.sub)).toEqual(['pathway']);
    expect(decodeJwt(await signIn(email))['cognito:groups']).toEqual(['pathway']);
  });

  it('removes the group when two memberships end at once', async () => {
    for (let round = 0; round < 3; round++) {
      const email = address(`eli${round}`);
      const inA = await invite(email, { pathwayId: pathwayA.id }, 'member');
      const inB = await invite(email, { pathwayId: pathwayB.id }, 'member');
      const eli = await signUp(email);
      await accept(t, eli, inA);
      await accept(t, eli, inB);
      const [a, b] = await Promise.all([removeMember('pathways', pathwayA.id, eli.sub), removeMember('pathways', pathwayB.id, eli.sub)]);
      expect([a.status, b.status]).toEqual([204, 204]);
      expect(await groupsOf(eli.sub)).toEqual([]);
    }
  });

  it('keeps the group when a membership ends while another is being accepted', async () => {
    for (let round = 0; round < 3; round++) {
      const email = address(`fay${round}`);
      const inA = await invite(email, { pathwayId: pathwayA.id }, 'member');
      const inB = await invite(email, { pathwayId: pathwayB.id }, 'member');
      const fay = await signUp(email);
      await accept(t, fay, inA);
      const [removed] = await Promise.all([removeMember('pathways', pathwayA.id, fay.sub), accept(t, fay, inB)]);
      expect(removed.status).toBe(204);
      expect(await groupsOf(fay.sub)).toEqual(['pathway']);
    }
  });

  it('accepts for a subject with no user in the pool (a dev token) and leaves the pool alone', async () => {
    const email = address('tokenonly');
    const invitation = await invite(email, { pathwayId: pathwayA.id }, 'member');
    const who = await person(t, email, ['pathway']);
    await accept(t, who, invitation);
    expect(t.platform.cognito.user(email)).toBeUndefined();
  });
});

describe('accounts created by an administrator (the smoke test journey mode, docs/deploy.md)', () => {
  const pool = () => t.platform.cognito.userPoolId;
  const adminSignIn = (email: string, password: string, client = clientId()) =>
    cognito.send(
      new AdminInitiateAuthCommand({
        UserPoolId: pool(),
        ClientId: client,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );

  it('creates a user without an invitation (PreSignUp_AdminCreateUser), which must set a password before signing in', async () => {
    const email = address('admin-made');
    const created = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pool(),
        Username: email,
        MessageAction: 'SUPPRESS',
        TemporaryPassword: 'Temporary-passw0rd',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: 'Made By Admin' },
        ],
      }),
    );
    expect(created.User?.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    expect(created.User?.Attributes).toContainEqual({ Name: 'sub', Value: subjectForEmail(email) });
    // The temporary password signs in only to Cognito's challenge.
    const challenged = await adminSignIn(email, 'Temporary-passw0rd');
    expect(challenged.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect(challenged.AuthenticationResult).toBeUndefined();
    await expect(
      cognito.send(new AdminCreateUserCommand({ UserPoolId: pool(), Username: email, MessageAction: 'SUPPRESS' })),
    ).rejects.toMatchObject({ name: 'UsernameExistsException' });

    await expect(
      cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool(), Username: email, Password: 'short', Permanent: true })),
    ).rejects.toMatchObject({ name: 'InvalidPasswordException' });
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool(), Username: email, Password: PASSWORD, Permanent: true }));
    const got = await cognito.send(new AdminGetUserCommand({ UserPoolId: pool(), Username: email }));
    expect(got).toMatchObject({ Username: subjectForEmail(email), UserStatus: 'CONFIRMED', Enabled: true });
    expect(got.UserAttributes).toContainEqual({ Name: 'email_verified', Value: 'true' });

    const signedIn = await adminSignIn(email, PASSWORD);
    const claims = decodeJwt(signedIn.AuthenticationResult!.IdToken!);
    expect(claims).toMatchObject({ sub: subjectForEmail(email), email, email_verified: true, name: 'Made By Admin' });
    const me = expectStatus(await t.api<{ sub: string }>('GET', '/me', { token: signedIn.AuthenticationResult!.IdToken! }), 200);
    expect(me.json.sub).toBe(subjectForEmail(email));
  });

  it('refuses a wrong password, an unknown user, another client and another flow as Cognito does', async () => {
    const email = address('admin-refused');
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: pool(), Username: email, MessageAction: 'SUPPRESS' }));
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool(), Username: email, Password: PASSWORD, Permanent: true }));
    await expect(adminSignIn(email, 'Wrong-passw0rd!')).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(adminSignIn(address('nobody'), PASSWORD)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(adminSignIn(email, PASSWORD, 'another-client')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(
      cognito.send(
        new AdminInitiateAuthCommand({
          UserPoolId: pool(),
          ClientId: clientId(),
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: 'x' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(cognito.send(new AdminGetUserCommand({ UserPoolId: pool(), Username: address('nobody') }))).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
  });
});
