/**
 * Identifiers: a short type prefix and a ULID (time-ordered, 26 Crockford base32 chars),
 * e.g. `pw_01JD3X7K9Q2M4N6P8R0S1T2V3W`. The prefix lets every path id be validated
 * before any lookup, and time order gives "newest first" for free.
 */
import * as z from 'zod/mini';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const idPrefixes = {
  district: 'dst',
  school: 'sch',
  pathway: 'pw',
  person: 'per',
  invitation: 'inv',
  framework: 'fw',
  application: 'app',
  evidence: 'ev',
  resource: 'res',
  review: 'rev',
  certification: 'cert',
  notification: 'ntf',
  message: 'msg',
  outcome: 'out',
  partner: 'prt',
  export: 'exp',
  audit: 'aud',
  benefit: 'ben',
  benefitRequest: 'breq',
} as const;
export type IdKind = keyof typeof idPrefixes;

export const ULID_PATTERN = '[0-9A-HJKMNP-TV-Z]{26}';

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % 32];
  return out;
}

export function ulid(timeMs: number = Date.now()): string {
  return encodeTime(timeMs) + encodeRandom();
}

export function newId(kind: IdKind, timeMs?: number): string {
  return `${idPrefixes[kind]}_${ulid(timeMs)}`;
}

/** When an id of `kind` was made (ms since the epoch, from its ULID's first ten characters); undefined for an id not of that kind. */
export function idTimeMs(kind: IdKind, id: string): number | undefined {
  if (!isId(kind, id)) return undefined;
  const time = id.slice(idPrefixes[kind].length + 1, idPrefixes[kind].length + 11);
  let ms = 0;
  for (const ch of time) ms = ms * 32 + ALPHABET.indexOf(ch);
  return ms;
}

export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${idPrefixes[kind]}_${ULID_PATTERN}$`);
}

export function isId(kind: IdKind, value: string): boolean {
  return idPattern(kind).test(value);
}

/** A zod schema for an id of one kind (request paths, bodies and event details). */
export const idSchema = (kind: IdKind) => z.string().check(z.regex(idPattern(kind), { error: `must be a ${kind} id` }));
