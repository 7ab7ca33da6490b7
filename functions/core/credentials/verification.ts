/**
 * The verifier's explanation: five checks, each passed or failed with a sentence, and a
 * one-line summary. Pure; functions/credentials/verify.ts gathers the facts.
 */

export type CheckName = 'format' | 'signature' | 'issuer' | 'dates' | 'status';

export interface Check {
  check: CheckName;
  ok: boolean;
  detail: string;
}

export const CHECK_ORDER: readonly CheckName[] = ['format', 'signature', 'issuer', 'dates', 'status'];

/** Validity on `now` of a credential valid from `validFrom` (inclusive) until `validUntil` (exclusive). */
export function datesCheck(validFrom: string | undefined, validUntil: string | undefined, now: string): Check {
  const from = validFrom ? Date.parse(validFrom) : NaN;
  const until = validUntil ? Date.parse(validUntil) : NaN;
  const at = Date.parse(now);
  if (Number.isNaN(from)) return { check: 'dates', ok: false, detail: 'The credential has no valid validFrom date.' };
  if (validUntil !== undefined && Number.isNaN(until))
    return { check: 'dates', ok: false, detail: 'The credential has an unreadable validUntil date.' };
  if (at < from) return { check: 'dates', ok: false, detail: `Not valid yet: valid from ${validFrom}.` };
  if (!Number.isNaN(until) && at >= until) return { check: 'dates', ok: false, detail: `Expired: valid until ${validUntil}.` };
  return { check: 'dates', ok: true, detail: `Within its validity: from ${validFrom}${validUntil ? ` until ${validUntil}` : ''}.` };
}

/** A check that could not run because an earlier one failed. */
const NOT_CHECKED = 'Not checked: ';
export const notChecked = (check: CheckName, because: string): Check => ({ check, ok: false, detail: `${NOT_CHECKED}${because}.` });

export interface Verdict {
  verified: boolean;
  summary: string;
  checks: Check[];
}

/** All checks in order; verified only when every one passed. */
export function verdict(checks: readonly Check[], claim: string | undefined): Verdict {
  const ordered = CHECK_ORDER.map((name) => checks.find((c) => c.check === name) ?? notChecked(name, 'no result'));
  const failed = ordered.filter((c) => !c.ok);
  const verified = failed.length === 0;
  // The summary names what failed, not the checks that could not run because of it.
  const ran = failed.filter((c) => !c.detail.startsWith(NOT_CHECKED));
  const reasons = ran.length > 0 ? ran : failed;
  const summary = verified
    ? `Verified: ${claim ?? 'the credential holds'}.`
    : `Not verified${claim ? ` (${claim})` : ''}: ${reasons.map((c) => c.detail.replace(/\.$/, '')).join('; ')}.`;
  return { verified, summary, checks: ordered };
}
