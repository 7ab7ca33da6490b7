/**
 * The daily recertification sweep: which notices, renewal openings and expiries are due
 * for a certification today, given only what has been recorded about it.
 *
 * Rules:
 * - Notices go out 180, 90, 30 and 7 days before expiry (configurable). After a gap (the
 *   schedule did not run, or the certification was created late in its term) only the most
 *   urgent threshold already crossed is sent, and the earlier unsent ones are recorded
 *   with it as superseded: three notices in one morning would be noise, and the latest one
 *   carries the true number of days left. A threshold is only ever sent while it is the most
 *   urgent one crossed, which only gets more urgent with time, so a superseded notice can
 *   never go out later (the record makes that explicit for the audit trail).
 * - The renewal is opened once, when the renewal window starts (levels.ts's
 *   renewalWindowDays, default 180 days before expiry), for renewable levels only
 *   (candidacy is not renewed: the pathway moves on to silver or applies again).
 * - On or after the expiry date the certification is expired, exactly once. No notice is
 *   sent from that day on. If the renewal was never opened (a long gap), it is opened in
 *   the same sweep, since renewal stays possible after expiry.
 * - Only 'active' certifications have anything due: a renewed one is continued by its
 *   successor, an expired or revoked one is finished.
 * Each action is applied with applySweepAction, which refuses an action that the recorded
 * state has already made stale; the handler records the action with that condition first
 * and performs it (sends the e-mail) only when the record succeeded, so two sweeps running
 * at once, or one running twice, perform everything at most once.
 */
import { resolveCertificationConfig, type CertificationConfigInput, type Level } from '../levels.ts';
import { dayNumber, daysBetween, fromDayNumber, type CalendarDate, type CertificationStatus } from './validity.ts';

export const DEFAULT_NOTICE_DAYS_BEFORE: readonly number[] = Object.freeze([180, 90, 30, 7]);

export interface SweepConfig {
  noticeDaysBefore?: readonly number[];
  /** Renewal window and renewable levels come from the certification configuration. */
  certification?: CertificationConfigInput;
}

export interface SweepCertification {
  id: string;
  level: Level;
  expiresOn: CalendarDate;
  status: CertificationStatus;
  /** Thresholds (days before expiry) sent or superseded. */
  noticesSent: readonly number[];
  renewalOpened: boolean;
  expiredApplied: boolean;
}

export type SweepAction =
  | {
      kind: 'notice';
      daysBefore: number;
      /** Days actually left (fewer than daysBefore after a gap). */
      daysLeft: number;
      expiresOn: CalendarDate;
      /** Earlier thresholds skipped by this notice. */
      superseded: number[];
    }
  | { kind: 'open-renewal'; expiresOn: CalendarDate }
  | { kind: 'expire'; expiresOn: CalendarDate };

function noticeDays(config: SweepConfig = {}): number[] {
  const days = [...new Set(config.noticeDaysBefore ?? DEFAULT_NOTICE_DAYS_BEFORE)];
  if (days.some((d) => !Number.isInteger(d) || d < 1)) throw new RangeError('notice thresholds must be whole days >= 1');
  return days.sort((a, b) => b - a);
}

/** Whether the certification still has anything due, i.e. must stay in the sweep's index. */
export function needsSweep(cert: Pick<SweepCertification, 'status' | 'expiredApplied'>): boolean {
  return cert.status === 'active' && !cert.expiredApplied;
}

export function sweepActions({
  certification: cert,
  today,
  config = {},
}: {
  certification: SweepCertification;
  today: CalendarDate;
  config?: SweepConfig;
}): SweepAction[] {
  const thresholds = noticeDays(config);
  const cc = resolveCertificationConfig(config.certification);
  if (!needsSweep(cert)) return [];
  const daysLeft = daysBetween(today, cert.expiresOn);
  const actions: SweepAction[] = [];
  const renewable = cc.renewableLevels.includes(cert.level);
  if (renewable && !cert.renewalOpened && daysLeft <= cc.renewalWindowDays) {
    actions.push({ kind: 'open-renewal', expiresOn: cert.expiresOn });
  }
  if (daysLeft <= 0) {
    actions.push({ kind: 'expire', expiresOn: cert.expiresOn });
    return actions;
  }
  const crossed = thresholds.filter((t) => daysLeft <= t); // most urgent last
  const mostUrgent = crossed[crossed.length - 1];
  if (mostUrgent !== undefined && !cert.noticesSent.includes(mostUrgent)) {
    const superseded = crossed.filter((t) => t !== mostUrgent && !cert.noticesSent.includes(t));
    actions.push({ kind: 'notice', daysBefore: mostUrgent, daysLeft, expiresOn: cert.expiresOn, superseded });
  }
  return actions;
}

/**
 * The recorded state after performing `action`, or null when the state already shows it
 * done (or no longer due): the caller must then not perform it. Written as the same
 * conditions a conditional database update uses.
 */
export function applySweepAction<T extends SweepCertification>(cert: T, action: SweepAction): T | null {
  if (!needsSweep(cert) || action.expiresOn !== cert.expiresOn) return null;
  switch (action.kind) {
    case 'notice':
      // Stale if this notice, or a more urgent one, was already recorded.
      if (cert.noticesSent.some((t) => t <= action.daysBefore)) return null;
      return { ...cert, noticesSent: [...new Set([...cert.noticesSent, action.daysBefore, ...action.superseded])] };
    case 'open-renewal':
      if (cert.renewalOpened) return null;
      return { ...cert, renewalOpened: true };
    case 'expire':
      return { ...cert, status: 'expired', expiredApplied: true };
  }
}

/**
 * The first day on which the sweep has something to do for the certification (an action
 * applySweepAction would accept), given only what is recorded; null once nothing will ever be
 * due. The sweep's index is keyed by this day rather than by the expiry date, so a daily run
 * reads the certifications due that day (and any a missed day left behind), never the ones
 * merely waiting between two notices.
 */
export function nextSweepDay(cert: SweepCertification, config: SweepConfig = {}): CalendarDate | null {
  if (!needsSweep(cert)) return null;
  const cc = resolveCertificationConfig(config.certification);
  const expiry = dayNumber(cert.expiresOn);
  let next = expiry;
  if (cc.renewableLevels.includes(cert.level) && !cert.renewalOpened) next = Math.min(next, expiry - cc.renewalWindowDays);
  // A notice is accepted only when more urgent than every recorded one (applySweepAction).
  const floor = Math.min(Infinity, ...cert.noticesSent);
  const pending = noticeDays(config).filter((t) => t < floor);
  if (pending[0] !== undefined) next = Math.min(next, expiry - pending[0]);
  return fromDayNumber(next);
}
