/**
 * Email addresses as SES accepts them: `local@domain` or `Display Name <local@domain>`
 * (the name optionally quoted), ASCII only (SES wants internationalized domains in
 * punycode). What SES rejects answers BadRequestException with SES's own wording.
 */
export interface Address {
  /** The mailbox, e.g. `ana@example.org`. */
  address: string;
  /** The display name, when one was given. */
  name: string | undefined;
  /** As the caller wrote it (used in the message headers). */
  raw: string;
}

const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const NAMED = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<>"]*?))\s*<([^<>]*)>\s*$/;

/** The parsed address, or SES's error message for it. */
export function parseAddress(raw: string): Address | { error: string } {
  if (typeof raw !== 'string' || raw.trim() === '') return { error: `Invalid email address ${String(raw ?? '')}.` };
  const named = NAMED.exec(raw);
  const mailbox = (named ? named[3]! : raw).trim();
  const name = named ? (named[1]?.replace(/\\(.)/g, '$1') ?? named[2]?.trim()) || undefined : undefined;
  const at = mailbox.lastIndexOf('@');
  if (at < 0) return { error: "Missing final '@domain'" };
  const local = mailbox.slice(0, at);
  const domain = mailbox.slice(at + 1);
  if (!domain) return { error: 'Missing domain' };
  if (!local || local.length > 64 || !LOCAL_ATOM.test(local)) return { error: 'Illegal address' };
  const labels = domain.split('.');
  if (domain.length > 253 || labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!)) {
    return { error: 'Illegal address' };
  }
  return { address: mailbox, name, raw: raw.trim() };
}

export const SIMULATOR_DOMAIN = 'simulator.amazonses.com';

export type SimulatorOutcome = 'success' | 'bounce' | 'ooto' | 'complaint' | 'suppressionlist';

/** SES's mailbox simulator: `bounce@simulator.amazonses.com` (also `bounce+label@…`) and friends. */
export function simulatorOutcome(address: string): SimulatorOutcome | undefined {
  const at = address.lastIndexOf('@');
  if (address.slice(at + 1).toLowerCase() !== SIMULATOR_DOMAIN) return undefined;
  const mailbox = address.slice(0, at).toLowerCase().split('+')[0];
  const known: SimulatorOutcome[] = ['success', 'bounce', 'ooto', 'complaint', 'suppressionlist'];
  return known.find((k) => k === mailbox);
}
