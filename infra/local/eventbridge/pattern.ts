/**
 * EventBridge event patterns, limited to what pathcert's rules use: exact values (strings,
 * numbers, booleans, null) under nested fields. Every content filter (`prefix`, `suffix`,
 * `equals-ignore-case`, `wildcard`, `exists`, `numeric`, `anything-but`, `cidr`) and `$or`
 * is refused with InvalidEventPatternException naming it, at load (server.ts checks every
 * rule) and in TestEventPattern, so a rule that needs one fails loudly instead of never
 * matching. test/unit/events/definitions.test.ts checks every rule of events/rules.ts.
 *
 * As in EventBridge: every field of the pattern must match; a leaf is a list of values of
 * which one must equal the field (type included: 30 is not "30"); an array in the event
 * matches when one of its elements does; a missing field never matches. Arrays of objects
 * match a nested pattern when one element matches all of it.
 */
import type { EventPattern } from '#events/rules.ts';

export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternException';
}

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Throws InvalidEventPatternError unless `pattern` is a pattern of exact values (the subset this server matches). */
export function validatePattern(pattern: unknown, path = ''): asserts pattern is EventPattern {
  if (!isObject(pattern)) throw new InvalidEventPatternError(`Event pattern${path ? ` at ${path}` : ''} must be a JSON object`);
  if (Object.keys(pattern).length === 0 && path === '') throw new InvalidEventPatternError('Event pattern must not be empty');
  for (const [key, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') throw new InvalidEventPatternError(`$or (at ${at}) is not supported by the local EventBridge server`);
    if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidEventPatternError(`Empty arrays are not allowed as values (${at})`);
      for (const m of value) validateMatcher(m, at);
    } else if (isObject(value)) {
      validatePattern(value, at);
    } else {
      throw new InvalidEventPatternError(`Match value at ${at} must be an array or an object`);
    }
  }
}

function validateMatcher(m: unknown, at: string): void {
  if (m === null || ['string', 'number', 'boolean'].includes(typeof m)) return;
  const name = isObject(m) ? Object.keys(m).join(', ') : typeof m;
  throw new InvalidEventPatternError(`Match type ${name} at ${at} is not supported by the local EventBridge server (exact values only)`);
}

/** True when `event` (an EventBridge envelope or any JSON object) matches a validated `pattern`. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  for (const [key, value] of Object.entries(pattern)) {
    if (value === undefined) continue;
    const field = isObject(event) ? event[key] : undefined;
    if (Array.isArray(value)) {
      const values = Array.isArray(field) ? field : [field];
      if (!value.some((m) => values.some((v) => v !== undefined && v === m))) return false;
    } else if (Array.isArray(field) && field.some(isObject)) {
      if (!field.some((element) => matchesPattern(value, element))) return false;
    } else if (!matchesPattern(value, field)) {
      return false;
    }
  }
  return true;
}
