/**
 * Runtime configuration: every application setting the functions read from the environment
 * that CDK (in AWS) or the local runtime (on a laptop) sets, validated by one zod schema
 * (`settingsSchema`, one entry per variable) and documented in README's configuration
 * table (test/unit/lib/config.test.ts keeps the two in step). Nothing else reads an app
 * setting from `process.env`.
 *
 * Not here, on purpose:
 * - the AWS SDK endpoint overrides (`AWS_ENDPOINT_URL_*`, lib/aws-clients.ts): SDK wiring the
 *   local platform sets, read the way the SDK itself reads them, not an application setting;
 * - the runtime's own variables (`AWS_LAMBDA_FUNCTION_NAME`, `AWS_REGION`);
 * - PATHCERT_PIPELINE_FAULTS, test-only fault injection (pipeline/faults.ts), honoured only
 *   when PATHCERT_STAGE is `local`.
 *
 * Read lazily so the local runtime and tests can set the environment before the first
 * call; each value is parsed again only when its variable's text changes.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { INVITATION_VALIDITY_DAYS, parseReminderDays } from '#core/invitations.ts';
import { MAX_REVIEWERS_PER_PANEL } from '#core/review/assignment.ts';

export type Stage = 'local' | 'dev' | 'prod' | (string & {});
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | 'CRITICAL' | 'TRACE';
type LevelName = 'candidacy' | 'silver' | 'gold';

type Invalid = (message: string) => never;

/**
 * One variable's schema: its text (or undefined when unset) through `parse`, which calls
 * `invalid` with a message when the text is not a valid value.
 */
function variable<T>(parse: (raw: string | undefined, invalid: Invalid) => T) {
  // Built on first read: a function reads a handful of the ~40 settings, and building them
  // all at import cost every cold start about a millisecond.
  return lazy(() =>
    z.pipe(
      z.optional(z.string()),
      z.transform((raw: string | undefined, payload) => {
        const invalid: Invalid = (message) => {
          payload.issues.push({ code: 'custom', message, input: raw });
          return z.NEVER;
        };
        return parse(raw, invalid);
      }),
    ),
  );
}

const required = variable((raw, invalid) => raw || invalid('is required'));
const optional = variable((raw) => raw);
const withDefault = (fallback: string) => variable((raw) => raw ?? fallback);
/** A whole number in [min, max]; `fallback` when unset or empty. */
function wholeNumber(min: number, max: number): ReturnType<typeof variable<number | undefined>>;
function wholeNumber(min: number, max: number, fallback: number): ReturnType<typeof variable<number>>;
function wholeNumber(min: number, max: number, fallback?: number) {
  return variable((raw, invalid) => {
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    return Number.isInteger(n) && n >= min && n <= max ? n : invalid(`must be a whole number from ${min} to ${max}, got "${raw}"`);
  });
}
/** A number when set (core checks its range), undefined otherwise. */
const numberWhenSet = variable((raw) => (raw ? Number(raw) : undefined));
const isLevelName = (l: string): l is LevelName => l === 'candidacy' || l === 'silver' || l === 'gold';

/**
 * Every application setting: the variable's name and how its text becomes a value (a plain
 * record of zod schemas, not z.object: each setting is parsed alone, when first read, and
 * the object machinery would cost every bundle ~10 KB).
 */
export const settingsSchema = {
  PATHCERT_STAGE: withDefault('local'),
  TABLE_NAME: required,
  EVIDENCE_BUCKET: required,
  REVIEW_STATE_MACHINE_ARN: optional,
  EVENT_BUS_NAME: required,
  USER_POOL_ID: required,
  ALLOWED_ORIGINS: variable((raw) =>
    Object.freeze(
      (raw ?? '*')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  ),
  MAX_BODY_BYTES: wholeNumber(1, 10 * 1024 * 1024, 262_144),
  APP_BASE_URL: withDefault('http://localhost:5173'),
  PATHCERT_PUBLIC_BASE_URL: variable((raw, invalid) => {
    if (!raw) return invalid('is required');
    try {
      return new URL(raw).origin;
    } catch {
      return invalid(`must be a URL, got "${raw}"`);
    }
  }),
  CREDENTIAL_KEY_ID: required,
  SES_SENDER: required,
  SES_CONFIGURATION_SET: optional,
  STAFF_INBOX_EMAIL: variable((raw) => raw || undefined),
  MESSAGE_EMAIL_WINDOW_MINUTES: optional,
  INVITATION_REMINDER_DAYS: variable((raw) => parseReminderDays(raw, INVITATION_VALIDITY_DAYS)),
  LOG_LEVEL: variable((raw) => (raw ?? 'INFO') as LogLevel),
  POWERTOOLS_SERVICE_NAME: withDefault('pathcert'),
  PATHCERT_CLOCK_OFFSET_MS: variable((raw) => {
    const n = Number(raw ?? 0);
    return Number.isFinite(n) ? n : 0;
  }),
  REVIEW_DUE_DAYS: numberWhenSet,
  REVIEW_GRACE_DAYS: numberWhenSet,
  STAFF_ALERT_DAYS: numberWhenSet,
  REVIEWERS_PER_LEVEL: variable((raw, invalid) => {
    const text = raw?.trim();
    if (!text) return undefined;
    const perLevel: Partial<Record<LevelName, number>> = {};
    for (const part of text.split(',')) {
      const m = /^\s*(candidacy|silver|gold)\s*=\s*(\d+)\s*$/.exec(part);
      const n = m ? Number(m[2]) : NaN;
      if (!m || n < 1 || n > MAX_REVIEWERS_PER_PANEL || perLevel[m[1] as LevelName] !== undefined) {
        return invalid(`"${part.trim()}" is not <candidacy|silver|gold>=<1..${MAX_REVIEWERS_PER_PANEL}> (each level once)`);
      }
      perLevel[m[1] as LevelName] = n;
    }
    return perLevel;
  }),
  RENEWAL_WINDOW_DAYS: variable((raw) => (raw === undefined || raw === '' ? undefined : Number(raw))),
  // Lenient: core validates the months; unknown levels are ignored.
  CERTIFICATION_VALIDITY_MONTHS: variable((raw) => {
    const months: Partial<Record<LevelName, number>> = {};
    for (const part of (raw ?? '').split(',')) {
      const [level, value] = part.split('=').map((t) => t.trim());
      if (level && isLevelName(level)) months[level] = Number(value);
    }
    return months;
  }),
  // Lenient on purpose: issuing a certification computes its sweep key from these, and a
  // malformed value must not break that; bad entries are ignored (none left: the defaults).
  RECERTIFICATION_NOTICE_DAYS: variable((raw) => {
    const days = (raw ?? '')
      .split(',')
      .map((d) => Number(d.trim()))
      .filter((d) => Number.isInteger(d) && d >= 1);
    return days.length > 0 ? days : undefined;
  }),
  // Unset reads as undefined: the defaults live in core (core/outcomes/suppression.ts).
  PATHCERT_SUPPRESSION_THRESHOLD: wholeNumber(0, 1000),
  PATHCERT_SUPPRESSION_MIN_CONTRIBUTORS: wholeNumber(1, 100),
  PATHCERT_SUPPRESSION_MAX_COALITION: wholeNumber(1, 4),
  PATHCERT_PROGRESS_LEVELS: variable((raw, invalid) => {
    const text = raw ?? 'silver,gold';
    const list = text
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean);
    if (list.length === 0 || !list.every(isLevelName)) return invalid(`must list levels (candidacy, silver, gold), got "${text}"`);
    return list;
  }),
  PATHCERT_PROGRESS_TARGET: wholeNumber(1, 1_000_000_000, 1_000_000),
  PATHCERT_PROGRESS_TARGET_YEAR: wholeNumber(2000, 2100, 2030),
  PATHCERT_OUTCOME_CSV_MAX_BYTES: wholeNumber(1024, 200 * 1024 * 1024, 20 * 1024 * 1024),
  PATHCERT_OUTCOME_CSV_MAX_ROWS: wholeNumber(1, 5_000_000, 500_000),
};

export type SettingName = keyof typeof settingsSchema;
export type Settings = { [K in SettingName]: z.output<ReturnType<(typeof settingsSchema)[K]>> };

const cache = new Map<SettingName, { raw: string | undefined; value: unknown }>();

/**
 * One setting, parsed from its variable. An invalid value throws an Error naming the
 * variable (`Missing required environment variable X` for an unset required one).
 */
export function setting<K extends SettingName>(name: K): Settings[K] {
  const raw = process.env[name];
  const hit = cache.get(name);
  if (hit && hit.raw === raw) return hit.value as Settings[K];
  const result = settingsSchema[name]().safeParse(raw);
  if (!result.success) {
    if (raw === undefined || raw === '') throw new Error(`Missing required environment variable ${name}`);
    throw new Error(`${name} ${result.error.issues[0]?.message ?? 'is invalid'}`);
  }
  cache.set(name, { raw, value: result.data });
  return result.data as Settings[K];
}

export const config = {
  get stage(): Stage {
    return setting('PATHCERT_STAGE');
  },
  get tableName(): string {
    return setting('TABLE_NAME');
  },
  get evidenceBucket(): string {
    return setting('EVIDENCE_BUCKET');
  },
  get reviewStateMachineArn(): string {
    const arn = setting('REVIEW_STATE_MACHINE_ARN');
    if (!arn) throw new Error('Missing required environment variable REVIEW_STATE_MACHINE_ARN');
    return arn;
  },
  /** Whether this function was given a review state machine (pipeline/start.ts starts none without). */
  get hasReviewStateMachine(): boolean {
    return Boolean(setting('REVIEW_STATE_MACHINE_ARN'));
  },
  /** The EventBridge bus domain events go to. */
  get eventBusName(): string {
    return setting('EVENT_BUS_NAME');
  },
  /** The Cognito user pool whose groups follow memberships (functions with the `userGroups` grant). */
  get userPoolId(): string {
    return setting('USER_POOL_ID');
  },
  /** Origins allowed to call the API from a browser; `*` only outside prod. */
  get allowedOrigins(): readonly string[] {
    return setting('ALLOWED_ORIGINS');
  },
  /** Largest request body the API accepts, in bytes. */
  get maxBodyBytes(): number {
    return setting('MAX_BODY_BYTES');
  },
  /** Base URL of the frontend, used in links sent to people. */
  get appBaseUrl(): string {
    return setting('APP_BASE_URL');
  },
  /**
   * The API's public origin (`PATHCERT_PUBLIC_BASE_URL`; CDK: context `publicBaseUrl`, else
   * the HTTP API's URL): credential ids, status list URLs and the issuer's did:web derive
   * from it. Only its origin counts (did:web documents live at `/.well-known/did.json`).
   */
  get publicBaseUrl(): string {
    return setting('PATHCERT_PUBLIC_BASE_URL');
  },
  /** The KMS key that signs credentials (ECC_NIST_P256, SIGN_VERIFY); only on the functions granted it. */
  get credentialKeyId(): string {
    return setting('CREDENTIAL_KEY_ID');
  },
  /** Days before an invitation expires that its one reminder is sent (1–13; default 3). */
  get invitationReminderDays(): number {
    return setting('INVITATION_REMINDER_DAYS');
  },
  /** The notifier's From address. */
  get sesSender(): string {
    return setting('SES_SENDER');
  },
  /** SES configuration set for notification email; absent locally (in AWS it publishes bounces and complaints back). */
  get sesConfigurationSet(): string | undefined {
    return setting('SES_CONFIGURATION_SET');
  },
  /**
   * Minutes a message email window stays open (core/notifications/message-batching.ts
   * `windowMs`): whole minutes 1–1440, default 10.
   */
  get messageEmailWindowMinutes(): string | undefined {
    return setting('MESSAGE_EMAIL_WINDOW_MINUTES');
  },
  /** The address of the shared staff inbox, for message emails; unset = the staff inbox gets them in-app only. */
  get staffInboxEmail(): string | undefined {
    return setting('STAFF_INBOX_EMAIL');
  },
  /** The dev clock offset in ms; honoured only on the local stage (lib/clock.ts). */
  get clockOffsetMs(): number {
    return setting('PATHCERT_CLOCK_OFFSET_MS');
  },
  /** Powertools log level and service name (read once, when lib/logger.ts loads). */
  get logLevel(): LogLevel {
    return setting('LOG_LEVEL');
  },
  get serviceName(): string {
    return setting('POWERTOOLS_SERVICE_NAME');
  },
  /** Review due-date overrides (core/review/due-dates.ts checks and defaults them). */
  get reviewDue(): { dueDays?: number; graceDays?: number; staffAlertDays?: number } {
    const [dueDays, graceDays, staffAlertDays] = [setting('REVIEW_DUE_DAYS'), setting('REVIEW_GRACE_DAYS'), setting('STAFF_ALERT_DAYS')];
    return {
      ...(dueDays !== undefined ? { dueDays } : {}),
      ...(graceDays !== undefined ? { graceDays } : {}),
      ...(staffAlertDays !== undefined ? { staffAlertDays } : {}),
    };
  },
  /** Panel size per level, when set (core/review/assignment.ts defaults the rest). */
  get reviewersPerLevel(): Partial<Record<LevelName, number>> | undefined {
    return setting('REVIEWERS_PER_LEVEL');
  },
  /** Renewal window in days, when set (core/levels.ts checks and defaults it). */
  get renewalWindowDays(): number | undefined {
    return setting('RENEWAL_WINDOW_DAYS');
  },
  /** Validity months per level that are set (core/levels.ts checks them and defaults the rest). */
  get certificationValidityMonths(): Partial<Record<LevelName, number>> {
    return setting('CERTIFICATION_VALIDITY_MONTHS');
  },
  /** Expiry notice days before expiry, when set to at least one valid day. */
  get recertificationNoticeDays(): readonly number[] | undefined {
    return setting('RECERTIFICATION_NOTICE_DAYS');
  },
};
