/**
 * EventBridge event pattern matching, for the content filters pathcert's rules may use:
 * exact values (strings, numbers, booleans, null), prefix, suffix, equals-ignore-case,
 * wildcard, exists, numeric ranges, anything-but (values, prefix, suffix) and `$or`.
 *
 * As in EventBridge: every field of the pattern must match; a leaf is a list of matchers
 * of which one must match; an array in the event matches when one of its elements does;
 * a missing field matches only `{ "exists": false }`; `anything-but` needs the field.
 * Arrays of objects match a nested pattern when one element matches all of it (EventBridge
 * flattens arrays per field, which differs only for patterns that combine fields of
 * different elements).
 */
import type { EventPattern, PatternMatcher } from '../../../events/rules.ts';

export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternException';
}

type Json = unknown;
type Obj = Record<string, Json>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const NUMERIC_OPS = new Set(['<', '<=', '=', '>', '>=']);

/** Throws InvalidEventPatternError when `pattern` is not a pattern EventBridge (and this matcher) accepts. */
export function validatePattern(pattern: unknown, path = ''): asserts pattern is EventPattern {
  if (!isObject(pattern)) throw new InvalidEventPatternError(`Event pattern${path ? ` at ${path}` : ''} must be a JSON object`);
  if (Object.keys(pattern).length === 0 && path === '') throw new InvalidEventPatternError('Event pattern must not be empty');
  for (const [key, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw new InvalidEventPatternError(`$or at ${at} needs at least two patterns`);
      value.forEach((p, i) => validatePattern(p, `${at}[${i}]`));
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidEventPatternError(`Empty arrays are not allowed as values (${at})`);
      value.forEach((m) => validateMatcher(m, at));
    } else if (isObject(value)) {
      validatePattern(value, at);
    } else {
      throw new InvalidEventPatternError(`Match value at ${at} must be an array or an object`);
    }
  }
}

function validateMatcher(m: unknown, at: string): void {
  if (m === null || ['string', 'number', 'boolean'].includes(typeof m)) return;
  if (!isObject(m) || Object.keys(m).length !== 1) throw new InvalidEventPatternError(`Invalid matcher at ${at}`);
  const [op, arg] = Object.entries(m)[0]!;
  const stringOrIgnoreCase = (v: unknown) =>
    typeof v === 'string' || (isObject(v) && typeof v['equals-ignore-case'] === 'string' && Object.keys(v).length === 1);
  switch (op) {
    case 'prefix':
    case 'suffix':
      if (!stringOrIgnoreCase(arg)) throw new InvalidEventPatternError(`${op} match pattern must be a string at ${at}`);
      return;
    case 'equals-ignore-case':
    case 'wildcard':
      if (typeof arg !== 'string') throw new InvalidEventPatternError(`${op} match pattern must be a string at ${at}`);
      return;
    case 'exists':
      if (typeof arg !== 'boolean') throw new InvalidEventPatternError(`exists match pattern must be either true or false at ${at}`);
      return;
    case 'numeric':
      validateNumeric(arg, at);
      return;
    case 'anything-but': {
      const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number';
      const ok =
        scalar(arg) ||
        (Array.isArray(arg) && arg.length > 0 && arg.every(scalar)) ||
        (isObject(arg) && Object.keys(arg).length === 1 && (typeof arg.prefix === 'string' || typeof arg.suffix === 'string'));
      if (!ok) throw new InvalidEventPatternError(`Invalid anything-but match pattern at ${at}`);
      return;
    }
    default:
      throw new InvalidEventPatternError(`Unrecognized match type ${op} at ${at}`);
  }
}

function validateNumeric(arg: unknown, at: string): void {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4) {
    throw new InvalidEventPatternError(`numeric match pattern needs one or two (operator, number) pairs at ${at}`);
  }
  for (let i = 0; i < arg.length; i += 2) {
    if (!NUMERIC_OPS.has(arg[i] as string) || typeof arg[i + 1] !== 'number') {
      throw new InvalidEventPatternError(`Invalid numeric match pattern at ${at}`);
    }
  }
}

/** True when `event` (an EventBridge envelope or any JSON object) matches `pattern`. */
export function matchesPattern(pattern: EventPattern, event: Json): boolean {
  for (const [key, value] of Object.entries(pattern)) {
    if (value === undefined) continue;
    if (key === '$or') {
      if (!(value as EventPattern[]).some((alternative) => matchesPattern(alternative, event))) return false;
      continue;
    }
    const field = isObject(event) ? event[key] : undefined;
    if (Array.isArray(value)) {
      if (!matchLeaf(value as PatternMatcher[], field)) return false;
    } else if (Array.isArray(field) && field.some(isObject)) {
      if (!field.some((element) => matchesPattern(value as EventPattern, element))) return false;
    } else if (!matchesPattern(value as EventPattern, field)) {
      return false;
    }
  }
  return true;
}

function matchLeaf(matchers: PatternMatcher[], field: Json): boolean {
  const present = field !== undefined && !(Array.isArray(field) && field.length === 0);
  const values: Json[] = Array.isArray(field) ? field : present ? [field] : [];
  return matchers.some((m) => {
    if (isObject(m) && 'exists' in m) return m.exists === present;
    if (isObject(m) && 'anything-but' in m) return present && values.some((v) => anythingBut(m['anything-but'], v));
    return values.some((v) => matchValue(m, v));
  });
}

function matchValue(m: PatternMatcher, v: Json): boolean {
  if (!isObject(m)) return m === v;
  if ('prefix' in m) return affix(m.prefix, v, (s, a) => s.startsWith(a));
  if ('suffix' in m) return affix(m.suffix, v, (s, a) => s.endsWith(a));
  if ('equals-ignore-case' in m) return typeof v === 'string' && v.toLowerCase() === m['equals-ignore-case'].toLowerCase();
  if ('wildcard' in m) return typeof v === 'string' && wildcardRegex(m.wildcard).test(v);
  if ('numeric' in m) return typeof v === 'number' && numericMatch(m.numeric, v);
  return false;
}

function affix(arg: string | { 'equals-ignore-case': string }, v: Json, test: (s: string, a: string) => boolean): boolean {
  if (typeof v !== 'string') return false;
  return typeof arg === 'string' ? test(v, arg) : test(v.toLowerCase(), arg['equals-ignore-case'].toLowerCase());
}

function anythingBut(arg: string | number | (string | number)[] | { prefix: string } | { suffix: string }, v: Json): boolean {
  if (Array.isArray(arg)) return !arg.some((x) => x === v);
  if (isObject(arg)) {
    if (typeof v !== 'string') return false;
    return 'prefix' in arg ? !v.startsWith(arg.prefix) : !v.endsWith(arg.suffix);
  }
  return arg !== v;
}

function numericMatch(spec: (string | number)[], v: number): boolean {
  for (let i = 0; i < spec.length; i += 2) {
    const op = spec[i] as string;
    const n = spec[i + 1] as number;
    const ok = op === '<' ? v < n : op === '<=' ? v <= n : op === '=' ? v === n : op === '>' ? v > n : v >= n;
    if (!ok) return false;
  }
  return true;
}

const wildcardCache = new Map<string, RegExp>();

/** `*` matches any run of characters; `\*` is a literal star. */
function wildcardRegex(pattern: string): RegExp {
  let re = wildcardCache.get(pattern);
  if (!re) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '\\' && pattern[i + 1] === '*') {
        source += '\\*';
        i++;
      } else if (c === '*') source += '.*';
      else source += c.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
    }
    re = new RegExp(`^${source}$`, 's');
    wildcardCache.set(pattern, re);
  }
  return re;
}
