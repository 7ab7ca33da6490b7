/**
 * Local Cognito user pool endpoint: the few cognito-idp operations pathcert and its sign-up
 * flow use, in the real awsJson1_1 protocol (`X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Operation>`), so `CognitoIdentityProviderClient` (with
 * `endpoint`, or `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`) and `aws cognito-idp
 * --endpoint-url` work unchanged. See README.md beside this file for what differs from AWS.
 *
 * - SignUp runs the pre-sign-up trigger exactly as Cognito does: the catalog's `preSignUp`
 *   function gets Cognito's event (`triggerSource: PreSignUp_SignUp`, `request.userAttributes`,
 *   `response.autoConfirmUser/autoVerifyEmail/autoVerifyPhone`); if it throws, SignUp fails
 *   with `UserLambdaValidationException` "PreSignUp failed with error <message>.". The user
 *   starts UNCONFIRMED, and the verification code Cognito would email is logged.
 * - ConfirmSignUp takes that code: the user is CONFIRMED and the email verified.
 * - InitiateAuth (USER_PASSWORD_AUTH) answers an id token from the dev issuer carrying the
 *   user's `cognito:groups`, the one token the local API accepts.
 * - AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminListGroupsForUser: the pool's groups.
 * - AdminCreateUser (the trigger with `PreSignUp_AdminCreateUser`; the user must change the
 *   temporary password), AdminSetUserPassword, AdminGetUser, and AdminInitiateAuth with
 *   ADMIN_USER_PASSWORD_AUTH: what an operator's script (the post-deploy smoke test's journey
 *   mode) does with the smoke-test app client.
 *
 * A user's `sub` is the dev issuer's `subjectForEmail`, so a person who signs up keeps the
 * subject `npm run token` gives the same address.
 */
import { randomInt, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { awsJsonProtocol, AwsJsonServiceError, type JsonObject } from '../aws-json.ts';
import { subjectForEmail, type DevIssuer } from '../dev-issuer.ts';
import { listen } from '../ports.ts';

export type CognitoErrorType =
  | 'InvalidParameterException'
  | 'InvalidPasswordException'
  | 'UsernameExistsException'
  | 'UserLambdaValidationException'
  | 'UserNotFoundException'
  | 'UserNotConfirmedException'
  | 'NotAuthorizedException'
  | 'CodeMismatchException'
  | 'ExpiredCodeException'
  | 'ResourceNotFoundException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'InternalErrorException';

export class CognitoError extends AwsJsonServiceError<CognitoErrorType> {
  constructor(type: CognitoErrorType, message: string, status?: number) {
    super(type, message, 'InternalErrorException', status);
  }
}

const protocol = awsJsonProtocol({
  contentType: 'application/x-amz-json-1.1',
  targetPrefix: 'AWSCognitoIdentityProviderService.',
  error: (kind, message) => new CognitoError(kind === 'ValidationException' ? 'InvalidParameterException' : kind, message),
});

/** A verification code is valid for 24 hours, as Cognito's are. */
const CODE_TTL_MS = 24 * 60 * 60 * 1000;

export interface LocalUser {
  sub: string;
  email: string;
  name?: string;
  /** FORCE_CHANGE_PASSWORD: created by an administrator with a temporary password. */
  status: 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD';
  emailVerified: boolean;
  groups: string[];
  passwordHash: string;
  /** The code Cognito would have emailed, while unconfirmed. */
  code?: { value: string; expiresAt: number };
  createdAt: string;
}

export interface LocalCognitoOptions {
  port?: number;
  host?: string;
  region: string;
  userPoolId: string;
  /**
   * The web client's id: SignUp, ConfirmSignUp, InitiateAuth and AdminInitiateAuth must name it
   * (also the tokens' `aud`). The local pool has this one client; in AWS the admin flow has its
   * own (the smoke-test client, infra/constructs/smoke-client.ts).
   */
  clientId: string;
  /** The pool's groups, with their precedence (index). */
  groups: readonly string[];
  /** Mints the id tokens InitiateAuth answers. */
  issuer: DevIssuer;
  /** Runs the pre-sign-up trigger with Cognito's event; absent means no trigger is attached. */
  preSignUp?: (event: PreSignUpEvent) => Promise<unknown>;
  /** Persisted runs keep the users in `<dataDir>/users.json`; else in memory. */
  dataDir?: string;
  log?: (line: string) => void;
}

export interface LocalCognito {
  /** e.g. http://127.0.0.1:4012, for AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER or `--endpoint-url`. */
  endpoint: string;
  port: number;
  userPoolId: string;
  clientId: string;
  /** The verification code last "emailed" to an address, while its user is unconfirmed. */
  verificationCode(email: string): string | undefined;
  /** The user with this address or subject (a copy). */
  user(usernameOrSub: string): LocalUser | undefined;
  stop(): Promise<void>;
}

/** The event Cognito passes a pre-sign-up trigger (aws-lambda's PreSignUpTriggerEvent). */
export interface PreSignUpEvent {
  version: string;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
  triggerSource: 'PreSignUp_SignUp' | 'PreSignUp_AdminCreateUser';
  request: {
    userAttributes: Record<string, string>;
    validationData?: Record<string, string>;
    clientMetadata?: Record<string, string>;
  };
  response: { autoConfirmUser: boolean; autoVerifyEmail: boolean; autoVerifyPhone: boolean };
}

function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `${salt.toString('base64')}:${scryptSync(password, salt, 32).toString('base64')}`;
}

function passwordMatches(password: string, stored: string): boolean {
  const [salt, hash] = stored.split(':');
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(expected, actual);
}

/** The pool's password policy (infra/constructs/auth.ts), in Cognito's words. */
function checkPassword(password: string): void {
  const fail = (why: string) => {
    throw new CognitoError('InvalidPasswordException', `Password did not conform with policy: ${why}`);
  };
  if (password.length < 12) fail('Password not long enough');
  if (!/[a-z]/.test(password)) fail('Password must have lowercase characters');
  if (!/[A-Z]/.test(password)) fail('Password must have uppercase characters');
  if (!/[0-9]/.test(password)) fail('Password must have numeric characters');
  if (!/[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/.test(password)) fail('Password must have symbol characters');
}

function string(body: JsonObject, name: string, required = true): string {
  const value = body[name];
  if (value === undefined || value === null || value === '') {
    if (!required) return '';
    throw new CognitoError(
      'InvalidParameterException',
      `1 validation error detected: Value at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (typeof value !== 'string') throw new CognitoError('SerializationException', `${name} must be a string`);
  return value;
}

function attributeMap(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const entry of list as { Name?: unknown; Value?: unknown }[]) {
    if (typeof entry?.Name === 'string' && typeof entry.Value === 'string') out[entry.Name] = entry.Value;
  }
  return out;
}

/** `a***@e***` as Cognito shows where a code went. */
function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.charAt(0)}***@${domain.charAt(0)}***`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function startLocalCognito(options: LocalCognitoOptions): Promise<LocalCognito> {
  const { region, userPoolId, clientId, issuer } = options;
  const log = options.log ?? (() => {});
  const file = options.dataDir ? path.join(options.dataDir, 'users.json') : undefined;
  const groups = new Map(options.groups.map((name, precedence) => [name, { precedence, createdAt: Date.now() / 1000 }]));
  const users = new Map<string, LocalUser>();

  if (file) {
    try {
      for (const u of JSON.parse(readFileSync(file, 'utf8')) as LocalUser[]) users.set(u.sub, u);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`Cannot read the local user pool ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  const save = () => {
    if (!file) return;
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify([...users.values()], null, 2), { mode: 0o600 });
    renameSync(tmp, file);
  };

  /** By sub, or by email (the pool's sign-in alias, case-insensitive). */
  const find = (username: string): LocalUser | undefined =>
    users.get(username) ?? [...users.values()].find((u) => u.email === username.trim().toLowerCase());
  const checkClient = (body: JsonObject) => {
    const id = string(body, 'ClientId');
    if (id !== clientId) throw new CognitoError('ResourceNotFoundException', `User pool client ${id} does not exist.`);
  };
  const checkPool = (body: JsonObject) => {
    const id = string(body, 'UserPoolId');
    if (id !== userPoolId) throw new CognitoError('ResourceNotFoundException', `User pool ${id} does not exist.`);
  };
  const adminUser = (body: JsonObject) => {
    checkPool(body);
    const user = find(string(body, 'Username'));
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return user;
  };
  const adminGroup = (body: JsonObject) => {
    const name = string(body, 'GroupName');
    if (!groups.has(name)) throw new CognitoError('ResourceNotFoundException', 'Group not found.');
    return name;
  };

  async function signUp(body: JsonObject): Promise<object> {
    checkClient(body);
    const username = string(body, 'Username').trim().toLowerCase();
    const password = string(body, 'Password');
    const attributes = attributeMap(body.UserAttributes);
    // Email is the pool's username attribute: the username is the address.
    if (!EMAIL.test(username)) throw new CognitoError('InvalidParameterException', 'Username should be an email.');
    const email = username;
    if (attributes.email && attributes.email.trim().toLowerCase() !== email) {
      throw new CognitoError('InvalidParameterException', 'Email attribute and username must be the same address.');
    }
    if (find(email)) throw new CognitoError('UsernameExistsException', 'An account with the given email already exists.');
    checkPassword(password);

    const sub = subjectForEmail(email);
    const event: PreSignUpEvent = {
      version: '1',
      region,
      userPoolId,
      userName: sub,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
      triggerSource: 'PreSignUp_SignUp',
      request: {
        userAttributes: { ...attributes, email },
        ...(body.ValidationData ? { validationData: attributeMap(body.ValidationData) } : {}),
        ...(body.ClientMetadata && typeof body.ClientMetadata === 'object'
          ? { clientMetadata: body.ClientMetadata as Record<string, string> }
          : {}),
      },
      response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    };
    let response = event.response;
    if (options.preSignUp) {
      try {
        const answer = (await options.preSignUp(structuredClone(event))) as Partial<PreSignUpEvent> | undefined;
        response = { ...response, ...answer?.response };
      } catch (error) {
        log(`cognito: sign-up of ${email} refused by the pre-sign-up trigger`);
        throw new CognitoError('UserLambdaValidationException', `PreSignUp failed with error ${(error as Error).message}.`);
      }
    }
    // As in Cognito, autoVerifyEmail takes effect only with autoConfirmUser.
    const confirmed = response.autoConfirmUser === true;
    const user: LocalUser = {
      sub,
      email,
      ...(attributes.name ? { name: attributes.name } : {}),
      status: confirmed ? 'CONFIRMED' : 'UNCONFIRMED',
      emailVerified: confirmed && response.autoVerifyEmail === true,
      groups: [],
      passwordHash: hashPassword(password),
      createdAt: new Date().toISOString(),
    };
    if (!confirmed) {
      user.code = { value: String(randomInt(0, 1_000_000)).padStart(6, '0'), expiresAt: Date.now() + CODE_TTL_MS };
      log(`cognito: verification code for ${email}: ${user.code.value} (Cognito would email it)`);
    }
    users.set(sub, user);
    save();
    return {
      UserConfirmed: confirmed,
      UserSub: sub,
      ...(confirmed ? {} : { CodeDeliveryDetails: { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' } }),
    };
  }

  function confirmSignUp(body: JsonObject): object {
    checkClient(body);
    const user = find(string(body, 'Username'));
    const code = string(body, 'ConfirmationCode');
    if (!user) throw new CognitoError('UserNotFoundException', 'Username/client id combination not found.');
    if (user.status === 'CONFIRMED')
      throw new CognitoError('NotAuthorizedException', 'User cannot be confirmed. Current status is CONFIRMED');
    if (!user.code || user.code.value !== code)
      throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
    if (user.code.expiresAt <= Date.now())
      throw new CognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
    user.status = 'CONFIRMED';
    user.emailVerified = true;
    delete user.code;
    save();
    log(`cognito: ${user.email} confirmed`);
    return {};
  }

  /** The answer of a password sign-in, shared by InitiateAuth and AdminInitiateAuth. */
  async function passwordAuth(params: Record<string, unknown>): Promise<object> {
    const user = typeof params.USERNAME === 'string' ? find(params.USERNAME) : undefined;
    if (!user || typeof params.PASSWORD !== 'string' || !passwordMatches(params.PASSWORD, user.passwordHash)) {
      throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
    }
    if (user.status === 'UNCONFIRMED') throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
    if (user.status === 'FORCE_CHANGE_PASSWORD') {
      // Cognito's challenge; the local pool does not answer it (set a permanent password instead).
      return {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: randomBytes(24).toString('base64url'),
        ChallengeParameters: { USER_ID_FOR_SRP: user.sub, requiredAttributes: '[]', userAttributes: JSON.stringify({ email: user.email }) },
      };
    }
    const expiresIn = 3600;
    const idToken = await issuer.issueToken({
      sub: user.sub,
      email: user.email,
      ...(user.name ? { name: user.name } : {}),
      groups: [...user.groups].sort((a, b) => groups.get(a)!.precedence - groups.get(b)!.precedence),
      expiresIn,
      claims: { email_verified: user.emailVerified, aud: clientId },
    });
    return { ChallengeParameters: {}, AuthenticationResult: { IdToken: idToken, ExpiresIn: expiresIn, TokenType: 'Bearer' } };
  }

  async function initiateAuth(body: JsonObject): Promise<object> {
    checkClient(body);
    const flow = string(body, 'AuthFlow');
    if (flow !== 'USER_PASSWORD_AUTH') {
      throw new CognitoError('InvalidParameterException', `The local user pool supports AuthFlow USER_PASSWORD_AUTH only, not ${flow}.`);
    }
    return passwordAuth((body.AuthParameters ?? {}) as Record<string, unknown>);
  }

  async function adminInitiateAuth(body: JsonObject): Promise<object> {
    checkPool(body);
    checkClient(body);
    const flow = string(body, 'AuthFlow');
    // ADMIN_NO_SRP_AUTH is the flow's former name; Cognito still accepts it.
    if (flow !== 'ADMIN_USER_PASSWORD_AUTH' && flow !== 'ADMIN_NO_SRP_AUTH') {
      throw new CognitoError(
        'InvalidParameterException',
        `The local user pool supports AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH only, not ${flow}.`,
      );
    }
    return passwordAuth((body.AuthParameters ?? {}) as Record<string, unknown>);
  }

  /** AdminGetUser's and AdminCreateUser's view of a user. */
  const attributesOf = (user: LocalUser) => [
    { Name: 'sub', Value: user.sub },
    { Name: 'email', Value: user.email },
    { Name: 'email_verified', Value: String(user.emailVerified) },
    ...(user.name ? [{ Name: 'name', Value: user.name }] : []),
  ];
  const epoch = (iso: string) => Date.parse(iso) / 1000;

  async function adminCreateUser(body: JsonObject): Promise<object> {
    checkPool(body);
    const username = string(body, 'Username').trim().toLowerCase();
    const attributes = attributeMap(body.UserAttributes);
    if (!EMAIL.test(username)) throw new CognitoError('InvalidParameterException', 'Username should be an email.');
    const email = username;
    if (attributes.email && attributes.email.trim().toLowerCase() !== email) {
      throw new CognitoError('InvalidParameterException', 'Email attribute and username must be the same address.');
    }
    const action = string(body, 'MessageAction', false);
    if (action === 'RESEND')
      throw new CognitoError('UnknownOperationException', 'The local user pool does not resend invitations (MessageAction RESEND).');
    if (action !== '' && action !== 'SUPPRESS')
      throw new CognitoError('InvalidParameterException', `MessageAction must be RESEND or SUPPRESS, not ${action}.`);
    if (find(email)) throw new CognitoError('UsernameExistsException', 'User account already exists');
    const temporary = string(body, 'TemporaryPassword', false) || `${randomBytes(9).toString('base64url')}aA1!`;
    checkPassword(temporary);

    const sub = subjectForEmail(email);
    if (options.preSignUp) {
      const event: PreSignUpEvent = {
        version: '1',
        region,
        userPoolId,
        userName: sub,
        callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'CLIENT_ID_NOT_APPLICABLE' },
        triggerSource: 'PreSignUp_AdminCreateUser',
        request: {
          userAttributes: { ...attributes, email },
          ...(body.ValidationData ? { validationData: attributeMap(body.ValidationData) } : {}),
          ...(body.ClientMetadata && typeof body.ClientMetadata === 'object'
            ? { clientMetadata: body.ClientMetadata as Record<string, string> }
            : {}),
        },
        response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
      };
      try {
        await options.preSignUp(structuredClone(event));
      } catch (error) {
        log(`cognito: creation of ${email} refused by the pre-sign-up trigger`);
        throw new CognitoError('UserLambdaValidationException', `PreSignUp failed with error ${(error as Error).message}.`);
      }
    }
    // An administrator vouches for the attributes it sets (email_verified included), as in Cognito.
    const user: LocalUser = {
      sub,
      email,
      ...(attributes.name ? { name: attributes.name } : {}),
      status: 'FORCE_CHANGE_PASSWORD',
      emailVerified: attributes.email_verified === 'true',
      groups: [],
      passwordHash: hashPassword(temporary),
      createdAt: new Date().toISOString(),
    };
    users.set(sub, user);
    save();
    log(`cognito: ${email} created by an administrator${action === 'SUPPRESS' ? '' : ' (Cognito would email the temporary password)'}`);
    return {
      User: {
        Username: sub,
        Attributes: attributesOf(user),
        UserCreateDate: epoch(user.createdAt),
        UserLastModifiedDate: epoch(user.createdAt),
        Enabled: true,
        UserStatus: user.status,
      },
    };
  }

  function adminSetUserPassword(body: JsonObject): object {
    const user = adminUser(body);
    const password = string(body, 'Password');
    checkPassword(password);
    user.passwordHash = hashPassword(password);
    // A permanent password confirms the user; a temporary one asks for a change at sign-in.
    if (body.Permanent === true) user.status = 'CONFIRMED';
    else if (user.status === 'CONFIRMED') user.status = 'FORCE_CHANGE_PASSWORD';
    delete user.code;
    save();
    return {};
  }

  function adminGetUser(body: JsonObject): object {
    const user = adminUser(body);
    return {
      Username: user.sub,
      UserAttributes: attributesOf(user),
      UserCreateDate: epoch(user.createdAt),
      UserLastModifiedDate: epoch(user.createdAt),
      Enabled: true,
      UserStatus: user.status,
    };
  }

  function addToGroup(body: JsonObject): object {
    const user = adminUser(body);
    const group = adminGroup(body);
    if (!user.groups.includes(group)) {
      user.groups.push(group);
      save();
      log(`cognito: ${user.email} added to group ${group}`);
    }
    return {};
  }

  function removeFromGroup(body: JsonObject): object {
    const user = adminUser(body);
    const group = adminGroup(body);
    if (user.groups.includes(group)) {
      user.groups = user.groups.filter((g) => g !== group);
      save();
      log(`cognito: ${user.email} removed from group ${group}`);
    }
    return {};
  }

  function listGroupsForUser(body: JsonObject): object {
    const user = adminUser(body);
    return {
      Groups: user.groups.map((name) => {
        const g = groups.get(name)!;
        return {
          GroupName: name,
          UserPoolId: userPoolId,
          Precedence: g.precedence,
          Description: `pathcert role "${name}"`,
          CreationDate: g.createdAt,
          LastModifiedDate: g.createdAt,
        };
      }),
    };
  }

  const operations: Record<string, (body: JsonObject) => object | Promise<object>> = {
    SignUp: signUp,
    ConfirmSignUp: confirmSignUp,
    InitiateAuth: initiateAuth,
    AdminInitiateAuth: adminInitiateAuth,
    AdminCreateUser: adminCreateUser,
    AdminSetUserPassword: adminSetUserPassword,
    AdminGetUser: adminGetUser,
    AdminAddUserToGroup: addToGroup,
    AdminRemoveUserFromGroup: removeFromGroup,
    AdminListGroupsForUser: listGroupsForUser,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const { operation, body } = await protocol.readApiRequest(req);
      const run = operations[operation];
      if (!run) throw new CognitoError('UnknownOperationException', `The local user pool does not support ${operation}`);
      protocol.writeResult(res, await run(body));
    } catch (error) {
      if (error instanceof CognitoError) return protocol.writeError(res, error);
      log(`cognito: request failed: ${String(error)}`);
      protocol.writeError(res, new CognitoError('InternalErrorException', 'Internal error in the local user pool'));
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  const { port, endpoint } = await listen(server, { ...options, inUseHint: 'stop what uses it' });
  log(`cognito: endpoint ${endpoint}, user pool ${userPoolId}, client ${clientId}`);

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    userPoolId,
    clientId,
    verificationCode: (email) => find(email)?.code?.value,
    user: (username) => {
      const u = find(username);
      return u ? structuredClone(u) : undefined;
    },
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
