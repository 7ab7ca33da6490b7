/**
 * Certification levels, how long each lasts, and which application a pathway may open.
 *
 * The journey is candidacy -> silver -> gold, with renewal of silver and gold. These rules
 * are the only place that knows the order of the levels; handlers and the pipeline ask here.
 */
import { addDays, toDate, type DateInput } from './time.ts';

export const levels = ['candidacy', 'silver', 'gold'] as const;
export type Level = (typeof levels)[number];

/** What an application aims at: a level, or renewal of the level the pathway holds. */
export const applicationTargets = ['candidacy', 'silver', 'gold', 'renewal'] as const;
export type ApplicationTarget = (typeof applicationTargets)[number];

const rank: Record<Level, number> = { candidacy: 0, silver: 1, gold: 2 };

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (levels as readonly string[]).includes(value);
}

export function isApplicationTarget(value: unknown): value is ApplicationTarget {
  return typeof value === 'string' && (applicationTargets as readonly string[]).includes(value);
}

/** Negative when `a` is below `b`, zero when equal. */
export function compareLevels(a: Level, b: Level): number {
  return rank[a] - rank[b];
}

export interface CertificationConfig {
  /**
   * Validity per level in calendar months. Silver 24 and gold 36 come from the Alliance's
   * published practice. Candidacy has no published term; 24 months is our choice: long
   * enough to build the core components for silver, short enough that a stalled candidate
   * shows up in the expiry sweep instead of staying a candidate forever.
   */
  validityMonths: Record<Level, number>;
  /** Renewal may be opened this many days before expiry (and any time after it). */
  renewalWindowDays: number;
  /**
   * Levels that can be renewed. Candidacy is not renewable by default: a candidate either
   * moves on to silver or, once its candidacy has lapsed, applies for candidacy again.
   */
  renewableLevels: readonly Level[];
}

export const defaultCertificationConfig: CertificationConfig = Object.freeze({
  validityMonths: Object.freeze({ candidacy: 24, silver: 24, gold: 36 }),
  renewalWindowDays: 180,
  renewableLevels: Object.freeze(['silver', 'gold'] as Level[]),
});

/** Partial overrides, as read from configuration; anything missing takes the default. */
export interface CertificationConfigInput {
  validityMonths?: Partial<Record<Level, number>>;
  renewalWindowDays?: number;
  renewableLevels?: readonly Level[];
}

export function resolveCertificationConfig(input: CertificationConfigInput = {}): CertificationConfig {
  const validityMonths = { ...defaultCertificationConfig.validityMonths, ...input.validityMonths };
  for (const level of levels) {
    const months = validityMonths[level];
    if (!Number.isInteger(months) || months < 1) throw new RangeError(`validity of ${level} must be a whole number of months >= 1`);
  }
  const renewalWindowDays = input.renewalWindowDays ?? defaultCertificationConfig.renewalWindowDays;
  if (!Number.isInteger(renewalWindowDays) || renewalWindowDays < 0) {
    throw new RangeError('renewalWindowDays must be a whole number >= 0');
  }
  return {
    validityMonths,
    renewalWindowDays,
    renewableLevels: input.renewableLevels ?? defaultCertificationConfig.renewableLevels,
  };
}

/** When the renewal of a certification valid until `validUntil` may be opened. */
export function renewalWindowOpensAt(validUntil: DateInput, config: CertificationConfigInput = {}): Date {
  const c = resolveCertificationConfig(config);
  return addDays(validUntil, -c.renewalWindowDays);
}

export function isValidAt(validUntil: DateInput, at: DateInput): boolean {
  return toDate(at).getTime() < toDate(validUntil).getTime();
}

/** The level a pathway holds (or last held, if expired) and until when. */
export interface CertificationStanding {
  level: Level;
  validUntil: DateInput;
}

export type OpenReasonCode =
  | 'unknown_target'
  | 'open_application_exists'
  | 'requires_candidacy'
  | 'requires_silver'
  | 'prerequisite_expired'
  | 'already_at_level'
  | 'already_beyond_level'
  | 'nothing_to_renew'
  | 'level_not_renewable'
  | 'renewal_window_not_open';

export interface OpenReason {
  code: OpenReasonCode;
  message: string;
}

export interface CanOpenInput {
  /** Latest certification (see `currentCertification`), or null if the pathway never held one. */
  current: CertificationStanding | null;
  hasOpenApplication: boolean;
  target: ApplicationTarget;
  now: DateInput;
  config?: CertificationConfigInput;
}

export type CanOpenResult =
  | {
      ok: true;
      /** The level the application is assessed against (for renewal: the level held). */
      level: Level;
      renewal: boolean;
    }
  | { ok: false; reasons: OpenReason[] };

const day = (d: DateInput) => toDate(d).toISOString().slice(0, 10);

/**
 * Whether a pathway may open an application for `target`. Every reason that applies is
 * returned (not only the first), so the API can show the team everything to fix at once.
 */
export function canOpenApplication(input: CanOpenInput): CanOpenResult {
  const { current, target, now } = input;
  const config = resolveCertificationConfig(input.config);
  const reasons: OpenReason[] = [];
  if (input.hasOpenApplication) {
    reasons.push({
      code: 'open_application_exists',
      message: 'The pathway already has an open application; finish or withdraw it first.',
    });
  }
  if (!isApplicationTarget(target)) {
    reasons.push({ code: 'unknown_target', message: `Unknown target ${String(target)}.` });
    return { ok: false, reasons };
  }

  const expired = current ? !isValidAt(current.validUntil, now) : false;
  let level: Level | null = null;

  if (target === 'renewal') {
    if (!current) {
      reasons.push({ code: 'nothing_to_renew', message: 'The pathway holds no certification to renew.' });
    } else if (!config.renewableLevels.includes(current.level)) {
      reasons.push({
        code: 'level_not_renewable',
        message: `${current.level} cannot be renewed; apply for the next level instead.`,
      });
    } else {
      const opensAt = renewalWindowOpensAt(current.validUntil, config);
      if (toDate(now).getTime() < opensAt.getTime()) {
        reasons.push({
          code: 'renewal_window_not_open',
          message: `Renewal of ${current.level} opens on ${day(opensAt)}, ${config.renewalWindowDays} days before it expires on ${day(current.validUntil)}.`,
        });
      } else {
        level = current.level;
      }
    }
  } else {
    const wanted: Level = target;
    const prerequisite: Level | null = wanted === 'candidacy' ? null : wanted === 'silver' ? 'candidacy' : 'silver';
    if (current && compareLevels(current.level, wanted) > 0) {
      reasons.push({
        code: 'already_beyond_level',
        message: `The pathway already holds ${current.level}; renew it instead of applying for ${wanted}.`,
      });
    } else if (current && current.level === wanted) {
      // An expired candidacy starts the journey again; every other level is renewed, which
      // keeps the pathway's history as one continuous line.
      if (wanted === 'candidacy' && expired && !config.renewableLevels.includes('candidacy')) level = wanted;
      else {
        reasons.push({
          code: 'already_at_level',
          message: `The pathway already holds ${wanted}${config.renewableLevels.includes(wanted) ? '; apply for renewal instead' : ''}.`,
        });
      }
    } else if (prerequisite === null) {
      level = wanted;
    } else if (!current || current.level !== prerequisite) {
      reasons.push(
        prerequisite === 'candidacy'
          ? { code: 'requires_candidacy', message: 'Silver requires candidacy first.' }
          : { code: 'requires_silver', message: 'Gold requires silver first.' },
      );
    } else if (expired) {
      reasons.push({
        code: 'prerequisite_expired',
        message: `The pathway's ${prerequisite} expired on ${day(current.validUntil)}; ${
          config.renewableLevels.includes(prerequisite) ? 'renew it' : 'apply for it again'
        } before applying for ${wanted}.`,
      });
    } else {
      level = wanted;
    }
  }

  if (reasons.length > 0 || level === null) return { ok: false, reasons };
  return { ok: true, level, renewal: target === 'renewal' };
}
