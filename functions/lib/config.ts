/**
 * Runtime configuration, read from the environment that CDK (in AWS) or the local
 * runtime (on a laptop) sets. Read lazily so the local runtime and tests can set the
 * environment before the first call.
 */
import { INVITATION_VALIDITY_DAYS, parseReminderDays } from '../core/invitations.ts';

export type Stage = 'local' | 'dev' | 'prod' | (string & {});

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing required environment variable ${name}`);
  return value;
}

// Every API response reads the origin list; parse it once per value of the variable.
let parsedOrigins: { raw: string; list: readonly string[] } | undefined;
function originList(raw: string): readonly string[] {
  if (parsedOrigins?.raw !== raw) {
    parsedOrigins = { raw, list: Object.freeze(raw.split(',').map((o) => o.trim()).filter(Boolean)) };
  }
  return parsedOrigins.list;
}

export const config = {
  get stage(): Stage {
    return process.env.PATHCERT_STAGE ?? 'local';
  },
  get tableName(): string {
    return required('TABLE_NAME');
  },
  get evidenceBucket(): string {
    return required('EVIDENCE_BUCKET');
  },
  get reviewStateMachineArn(): string {
    return required('REVIEW_STATE_MACHINE_ARN');
  },
  /** The Cognito user pool whose groups follow memberships (functions with the `userGroups` grant). */
  get userPoolId(): string {
    return required('USER_POOL_ID');
  },
  /** Origins allowed to call the API from a browser; `*` only outside prod. */
  get allowedOrigins(): readonly string[] {
    return originList(process.env.ALLOWED_ORIGINS ?? '*');
  },
  /** Largest request body the API accepts, in bytes. */
  get maxBodyBytes(): number {
    return Number(process.env.MAX_BODY_BYTES ?? 262_144);
  },
  /** Base URL of the frontend, used in links sent to people. */
  get appBaseUrl(): string {
    return process.env.APP_BASE_URL ?? 'http://localhost:5173';
  },
  /**
   * The API's public origin (`PATHCERT_PUBLIC_BASE_URL`; CDK: context `publicBaseUrl`, else
   * the HTTP API's URL): credential ids, status list URLs and the issuer's did:web derive
   * from it. Only its origin counts (did:web documents live at `/.well-known/did.json`).
   */
  get publicBaseUrl(): string {
    return new URL(required('PATHCERT_PUBLIC_BASE_URL')).origin;
  },
  /** The KMS key that signs credentials (ECC_NIST_P256, SIGN_VERIFY); only on the functions granted it. */
  get credentialKeyId(): string {
    return required('CREDENTIAL_KEY_ID');
  },
  /** Days before an invitation expires that its one reminder is sent (1–13; default 3). */
  get invitationReminderDays(): number {
    return parseReminderDays(process.env.INVITATION_REMINDER_DAYS, INVITATION_VALIDITY_DAYS);
  },
  /** The notifier's From address. */
  get sesSender(): string {
    return required('SES_SENDER');
  },
  /** SES configuration set for notification email; absent locally (in AWS it publishes bounces and complaints back). */
  get sesConfigurationSet(): string | undefined {
    return process.env.SES_CONFIGURATION_SET;
  },
  /**
   * Minutes a message email window stays open (core/notifications/message-batching.ts
   * `windowMs`): whole minutes 1–1440, default 10.
   */
  get messageEmailWindowMinutes(): string | undefined {
    return process.env.MESSAGE_EMAIL_WINDOW_MINUTES;
  },
  /** The address of the shared staff inbox, for message emails; unset = the staff inbox gets them in-app only. */
  get staffInboxEmail(): string | undefined {
    return process.env.STAFF_INBOX_EMAIL || undefined;
  },
};
