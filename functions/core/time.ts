/**
 * Calendar arithmetic the certification rules need. Everything is UTC so a certificate's
 * expiry never depends on the time zone of the Lambda or the laptop that computed it.
 */
import * as z from 'zod/mini';

export type DateInput = Date | string | number;

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Accepts a Date, an ISO string or epoch milliseconds; an unparseable value is a bug, so it throws. */
export function toDate(value: DateInput): Date {
  const d = value instanceof Date ? new Date(value.getTime()) : new Date(value);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a valid date: ${String(value)}`);
  return d;
}

/**
 * Adds calendar months keeping the time of day. A day that does not exist in the target
 * month is clamped to that month's last day (Feb 29 + 12 months = Feb 28), rather than
 * rolling into the next month as `Date.setUTCMonth` does, so a certificate never gains days.
 */
export function addMonthsUtc(value: DateInput, months: number): Date {
  if (!Number.isInteger(months)) throw new RangeError(`months must be a whole number, got ${months}`);
  const d = toDate(value);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return new Date(Date.UTC(targetYear, targetMonth, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
}

export function addDays(value: DateInput, days: number): Date {
  return new Date(toDate(value).getTime() + days * DAY_MS);
}

/** zod schemas of ISO 8601 timestamps and calendar dates. */
export const isoDateTime = () => z.string().check(z.iso.datetime());
export const isoDate = () => z.string().check(z.iso.date());
