/**
 * Review due dates, reminders and what happens when a review is late.
 *
 * - Due = assignedAt + dueDays (default 21) whole 24-hour days, in instants: reviewers sit in
 *   different time zones, so "end of day" would favour some of them; a fixed span does not.
 *   Staff may record a different dueAt (an extension); they then clear remindersSent so the
 *   reminders run again against the new date.
 * - Reminders go out 7 and 3 days before due (configurable). A reminder whose time falls at
 *   or before the assignment itself is never sent: the assignment notice already said it.
 * - Catch-up after a gap (the scheduler was down, or the assignment came late): of the
 *   reminders whose time has passed and that were not sent, only the most urgent one goes
 *   out, and the earlier ones are recorded as sent with it ("superseded"). Two reminders in
 *   one minute are noise, and the latest one carries the accurate "3 days left". Only the
 *   most urgent passed reminder is ever sent, and it only gets more urgent as time goes
 *   on, so a skipped reminder could never go out later even if it were not recorded.
 * - At the due date the review is late: the first time the seat is reassigned to another
 *   reviewer (maxReassignments, default 1); when the replacement is late too, staff are
 *   alerted (escalation) once, and the assignment stays open for them to resolve.
 *   No reminder is sent from the due date on.
 * The function reads only the recorded state and `now`, so running it twice, or from two
 * sweeps at once, proposes the same actions; the caller records them conditionally.
 */

export const DAY_MS = 86_400_000;

export interface ReviewDueConfig {
  dueDays?: number;
  /** Days before due at which a reminder goes out. */
  reminderDaysBefore?: readonly number[];
  /** How many times a late seat is reassigned before staff are alerted instead. */
  maxReassignments?: number;
  /**
   * Days past a review's due date before the workflow's own wait for it times out and acts
   * (the daily review-reminders job acts at the due date; this is the backstop).
   */
  graceDays?: number;
  /** Days between staff alerts while a wait is on staff: a vacant or escalated seat, adjudication, the decision. */
  staffAlertDays?: number;
}

export const DEFAULT_REVIEW_DUE: Required<{ [K in keyof ReviewDueConfig]: NonNullable<ReviewDueConfig[K]> }> = {
  dueDays: 21,
  reminderDaysBefore: [7, 3],
  maxReassignments: 1,
  graceDays: 1,
  staffAlertDays: 7,
};

export interface AssignmentDueState {
  /** ISO instant. */
  assignedAt: string;
  /** ISO instant; defaults to assignedAt + dueDays. */
  dueAt?: string | undefined;
  /** Reminder offsets (days before due) already sent or superseded. */
  remindersSent: readonly number[];
  /** How many times this seat was reassigned before this assignment was made. */
  reassignedCount: number;
  escalated: boolean;
  /** Submitted, recused, reassigned away or withdrawn: nothing more is due. */
  closed?: boolean | undefined;
}

export type ReviewDueAction =
  | {
      kind: 'remind';
      daysBefore: number;
      dueAt: string;
      /** Offsets to add to remindersSent: this one and the earlier ones it supersedes. */
      record: number[];
    }
  | { kind: 'reassign'; dueAt: string }
  | { kind: 'escalate'; dueAt: string };

function ms(value: Date | string): number {
  const t = typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (Number.isNaN(t)) throw new RangeError(`not a date: ${String(value)}`);
  return t;
}

/** The configuration with its defaults, every value checked (a bad one throws, naming it). */
function resolve(config: ReviewDueConfig = {}) {
  const dueDays = config.dueDays ?? DEFAULT_REVIEW_DUE.dueDays;
  const reminderDaysBefore = config.reminderDaysBefore ?? DEFAULT_REVIEW_DUE.reminderDaysBefore;
  const maxReassignments = config.maxReassignments ?? DEFAULT_REVIEW_DUE.maxReassignments;
  const graceDays = config.graceDays ?? DEFAULT_REVIEW_DUE.graceDays;
  const staffAlertDays = config.staffAlertDays ?? DEFAULT_REVIEW_DUE.staffAlertDays;
  if (!(dueDays > 0)) throw new RangeError(`dueDays must be positive, got ${dueDays}`);
  if (reminderDaysBefore.some((d) => !(d > 0))) throw new RangeError('reminder offsets must be positive');
  if (!Number.isInteger(maxReassignments) || maxReassignments < 0) throw new RangeError('maxReassignments must be a whole number');
  if (!(graceDays >= 0)) throw new RangeError(`graceDays must be zero or more, got ${graceDays}`);
  if (!(staffAlertDays > 0)) throw new RangeError(`staffAlertDays must be positive, got ${staffAlertDays}`);
  return { dueDays, reminderDaysBefore, maxReassignments, graceDays, staffAlertDays };
}

export function dueAtFor(assignedAt: Date | string, config?: ReviewDueConfig): string {
  return new Date(ms(assignedAt) + resolve(config).dueDays * DAY_MS).toISOString();
}

export interface ReviewActionsInput {
  assignment: AssignmentDueState;
  now: Date | string;
  config?: ReviewDueConfig;
}

export function reviewActionsDue({ assignment, now, config }: ReviewActionsInput): ReviewDueAction[] {
  const c = resolve(config);
  if (assignment.closed) return [];
  const assigned = ms(assignment.assignedAt);
  const due = assignment.dueAt !== undefined ? ms(assignment.dueAt) : assigned + c.dueDays * DAY_MS;
  const dueAt = new Date(due).toISOString();
  const t = ms(now);

  if (t >= due) {
    if (assignment.escalated) return [];
    if (assignment.reassignedCount < c.maxReassignments) return [{ kind: 'reassign', dueAt }];
    return [{ kind: 'escalate', dueAt }];
  }

  const sent = new Set(assignment.remindersSent);
  const passed = [...new Set(c.reminderDaysBefore)]
    .filter((d) => {
      const at = due - d * DAY_MS;
      return at > assigned && at <= t;
    })
    .sort((a, b) => a - b);
  const mostUrgent = passed[0];
  if (mostUrgent === undefined || sent.has(mostUrgent)) return [];
  return [{ kind: 'remind', daysBefore: mostUrgent, dueAt, record: passed.filter((d) => !sent.has(d)) }];
}

// ---------------------------------------------------------------------------------------
// The workflow's waits. Every task-token wait of the review state machine has a timeout
// taken from these instants (TimeoutSecondsPath), so no wait is without an end: when it
// fires, the workflow acts (reassign, escalate, alert staff) and waits again.

/**
 * A wait is re-armed at least this often: a later deadline just costs a lap that finds
 * nothing to do (and Node timers, which the local engine uses, stop at ~24.8 days).
 */
export const MAX_WAIT_SECONDS = 20 * 86_400;

/** Whole seconds from `now` to `at`, from 1 (Step Functions wants a positive whole timeout) to MAX_WAIT_SECONDS. */
export function secondsUntil(at: Date | string, now: Date | string): number {
  return Math.min(MAX_WAIT_SECONDS, Math.max(1, Math.ceil((ms(at) - ms(now)) / 1000)));
}

/**
 * When a seat's wait ends if nothing happens: an open review's due date plus the grace
 * period; a seat on staff (vacant with nobody qualifying, or its late replacement
 * escalated) is looked at again after staffAlertDays.
 */
export function seatWaitEndsAt(
  holder: { dueAt: string; escalated: boolean; open: boolean } | undefined,
  now: Date | string,
  config?: ReviewDueConfig,
): string {
  const c = resolve(config);
  if (holder?.open && !holder.escalated) return new Date(ms(holder.dueAt) + c.graceDays * DAY_MS).toISOString();
  return new Date(ms(now) + c.staffAlertDays * DAY_MS).toISOString();
}

/** When the next staff alert of a staff wait (adjudication, decision) is due: every staffAlertDays from the wait's start. */
export function staffAlertAt(since: string, alertsSent: number, config?: ReviewDueConfig): string {
  return new Date(ms(since) + (alertsSent + 1) * resolve(config).staffAlertDays * DAY_MS).toISOString();
}
