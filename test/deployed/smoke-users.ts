/**
 * The journey mode's people (journey-suite.ts): one Cognito user per role, created and signed
 * in the way an operator would with the smoke-test app client (`-c smokeTestClient=true`,
 * ADMIN_USER_PASSWORD_AUTH only), through the AWS SDK and the operator's AWS credentials
 * (AWS_PROFILE, AWS_REGION, …, the SDK's default chain).
 *
 * - A missing user is created with AdminCreateUser (no email: `MessageAction: SUPPRESS`; the
 *   address verified, as an administrator vouches for it), which runs the pool's pre-sign-up
 *   trigger (`PreSignUp_AdminCreateUser`).
 * - Every run gives each user a new random permanent password (AdminSetUserPassword) and
 *   keeps it in memory only: nothing to store, nothing left to leak, and a rerun needs no
 *   file. (Whoever can call AdminSetUserPassword could take the account anyway.)
 * - Groups: only `staff` is added by hand (staff are created by administrators, README
 *   "Accounts"); the `pathway` and `reviewer` groups come from accepting invitations through
 *   the API, so the suite exercises the group sync.
 *
 * Locally the same calls go to the local user pool (infra/local/cognito/server.ts) through
 * AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, which the platform sets.
 */
import { randomBytes } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';

export interface SmokePerson {
  email: string;
  name: string;
  /** Cognito's `sub` (the API's person id). */
  sub: string;
}

/** A password the pool's policy accepts (12+, upper, lower, digit, symbol), random each time. */
export function randomPassword(): string {
  return `${randomBytes(24).toString('base64url')}aA1!`;
}

export class SmokeUsers {
  private readonly client: CognitoIdentityProviderClient;
  private readonly passwords = new Map<string, string>();

  constructor(
    private readonly userPoolId: string,
    private readonly clientId: string,
  ) {
    // The pool's region is the first part of its id (`us-east-1_AbC123`).
    const region = userPoolId.split('_')[0] || process.env.AWS_REGION;
    this.client = new CognitoIdentityProviderClient({ region });
  }

  private fail(what: string, error: unknown): never {
    const e = error as { name?: string; message?: string };
    throw new Error(`${what} failed: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`);
  }

  /** The user with this address, created if missing, with a fresh password. */
  async ensure(email: string, name: string): Promise<SmokePerson> {
    let sub: string | undefined;
    try {
      const user = await this.client.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: email }));
      sub = user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
    } catch (error) {
      if ((error as { name?: string }).name !== 'UserNotFoundException') this.fail(`AdminGetUser ${email}`, error);
    }
    if (!sub) {
      try {
        const created = await this.client.send(
          new AdminCreateUserCommand({
            UserPoolId: this.userPoolId,
            Username: email,
            MessageAction: 'SUPPRESS',
            TemporaryPassword: randomPassword(),
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
              { Name: 'name', Value: name },
            ],
          }),
        );
        sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      } catch (error) {
        this.fail(`AdminCreateUser ${email} (the pre-sign-up trigger runs here)`, error);
      }
    }
    if (!sub) throw new Error(`the user pool answered no sub for ${email}`);
    const password = randomPassword();
    try {
      await this.client.send(
        new AdminSetUserPasswordCommand({ UserPoolId: this.userPoolId, Username: email, Password: password, Permanent: true }),
      );
    } catch (error) {
      this.fail(`AdminSetUserPassword ${email}`, error);
    }
    this.passwords.set(email, password);
    return { email, name, sub };
  }

  async addToGroup(email: string, group: string): Promise<void> {
    try {
      await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: email, GroupName: group }));
    } catch (error) {
      this.fail(`AdminAddUserToGroup ${email} ${group}`, error);
    }
  }

  /** An ID token for the user, through the smoke-test client; groups as they are now. */
  async signIn(email: string): Promise<string> {
    const password = this.passwords.get(email);
    if (!password) throw new Error(`${email} was not prepared in this run (ensure() first)`);
    let answer;
    try {
      answer = await this.client.send(
        new AdminInitiateAuthCommand({
          UserPoolId: this.userPoolId,
          ClientId: this.clientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      );
    } catch (error) {
      this.fail(`AdminInitiateAuth ${email} with the smoke-test client`, error);
    }
    const token = answer.AuthenticationResult?.IdToken;
    if (!token) throw new Error(`sign-in of ${email} answered ${answer.ChallengeName ?? 'no token'}`);
    return token;
  }
}

/** The claims of a JWT (not verified: the API verifies it; this reads what it carries). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function groupsOf(token: string): string[] {
  const groups = claimsOf(token)['cognito:groups'];
  return Array.isArray(groups) ? groups.map(String) : [];
}
