/**
 * JSON Schema (the subset zod's generator writes into /openapi.json) → fast-check
 * arbitraries of values the schema accepts, biased towards edges (shortest and longest
 * strings, bounds of numbers, empty and full arrays, optional fields left out), and of
 * values it rejects (wrong types, missing or unknown fields, oversized strings, deep
 * nesting, lone surrogates).
 */
import fc from 'fast-check';

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
};

/** Real ids of the fuzz world, offered for any string whose pattern they match. */
export type IdPool = readonly string[];

const LONGEST_GENERATED = 4_000;

/** Strings that are valid text but unkind: control characters, RTL marks, astral planes, NUL. */
const awkwardText = fc.constantFrom(
  ' ',
  '\u0000',
  '\u202eevil',
  'Ω≈ç√∫˜µ≤≥÷',
  '𝕳𝖊𝖑𝖑𝖔 🏳️‍🌈',
  '<script>alert(1)</script>',
  "'; DROP TABLE x; --",
  '${jndi:ldap://x}',
  '../../etc/passwd',
  'PK#DISTRICT#',
  '\r\n\t',
);

function stringOf(schema: JsonSchema, ids: IdPool): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 64, LONGEST_GENERATED);
  if (schema.format === 'email')
    return fc.oneof(fc.emailAddress(), fc.constant('fuzz@example.org')).filter((s) => s.length <= max || max < 6);
  if (schema.pattern) {
    const re = new RegExp(schema.pattern);
    const matching = ids.filter((id) => re.test(id));
    const generated = matchingPattern(schema.pattern).filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity));
    return matching.length > 0
      ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...matching) }, { weight: 1, arbitrary: generated })
      : generated;
  }
  if (schema.format === 'date-time')
    return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === 'date')
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  const edges = [min > 0 ? 'x'.repeat(min) : '', 'y'.repeat(Math.max(min, max))];
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength: Math.max(min, 1), maxLength: Math.min(max, 40), unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.constantFrom(...edges) },
    { weight: 1, arbitrary: awkwardText.filter((s) => s.length >= min && s.length <= max) },
  );
}

function numberOf(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 1e-9) : -1e9);
  const hi = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 1e-9) : 1e9);
  const safeLo = Math.max(lo, Number.MIN_SAFE_INTEGER);
  const safeHi = Math.min(hi, Number.MAX_SAFE_INTEGER);
  const edges = fc.constantFrom(safeLo, safeHi, Math.min(Math.max(0, safeLo), safeHi));
  const inside = integer
    ? fc.integer({ min: Math.ceil(safeLo), max: Math.floor(safeHi) })
    : fc.double({ min: safeLo, max: safeHi, noNaN: true, noDefaultInfinity: true });
  return fc.oneof(edges, inside);
}

/** Building a regex arbitrary parses the regex: costly enough to do once per pattern. */
const byPattern = new Map<string, fc.Arbitrary<string>>();
function matchingPattern(pattern: string): fc.Arbitrary<string> {
  let arb = byPattern.get(pattern);
  if (!arb) byPattern.set(pattern, (arb = fc.stringMatching(new RegExp(pattern))));
  return arb;
}

const built = new WeakMap<object, WeakMap<IdPool, fc.Arbitrary<unknown>>>();

/** Values the schema accepts, edges first. `depth` bounds recursion through nested schemas. */
export function validValue(schema: JsonSchema | undefined, ids: IdPool, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.constant(null);
  let perPool = built.get(schema);
  if (!perPool) built.set(schema, (perPool = new WeakMap()));
  let arb = perPool.get(ids);
  if (!arb) perPool.set(ids, (arb = buildValid(schema, ids, depth)));
  return arb;
}

function buildValid(schema: JsonSchema, ids: IdPool, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => validValue(s, ids, depth + 1)));
  if (schema.allOf?.length) return validValue(Object.assign({}, ...schema.allOf) as JsonSchema, ids, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringOf(schema, ids);
    case 'integer':
      return numberOf(schema, true);
    case 'number':
      return numberOf(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.min(schema.maxItems ?? 4, Math.max(minLength, 4));
      return fc.array(validValue(schema.items, ids, depth + 1), { minLength, maxLength });
    }
    case 'object':
    default: {
      if (schema.properties) {
        const required = new Set(schema.required ?? []);
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [name, s] of Object.entries(schema.properties)) record[name] = validValue(s, ids, depth + 1);
        return fc.record(record, { requiredKeys: [...required].filter((k) => k in record) });
      }
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        const key = schema.propertyNames
          ? (validValue(schema.propertyNames, ids, depth + 1) as fc.Arbitrary<string>)
          : fc.string({ minLength: 1, maxLength: 8 });
        return fc.dictionary(key, validValue(schema.additionalProperties, ids, depth + 1), { maxKeys: 3 });
      }
      return type === 'object' ? fc.constant({}) : fc.jsonValue({ maxDepth: 2 });
    }
  }
}

/** Something of another JSON type than the schema wants. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, '', 'not-the-right-type', [], {}, [null], { nested: { deeper: [] } }),
  fc.integer(),
  fc.string({ maxLength: 10 }),
);

/** Nested arrays or objects `depth` levels deep (V8's JSON.parse copes; the question is what comes after). */
export function deepNesting(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export type Mutation =
  | { kind: 'wrongType'; path: string[]; value: unknown }
  | { kind: 'drop'; path: string[] }
  | { kind: 'extra'; path: string[]; name: string; value: unknown }
  | { kind: 'hugeString'; path: string[]; size: number }
  | { kind: 'loneSurrogate'; path: string[] }
  | { kind: 'deepNesting'; path: string[]; depth: number };

/** Paths of the object fields in a value, so a mutation can target a real field. */
export function fieldPaths(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (value && typeof value === 'object') {
    out.push(prefix);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) fieldPaths(v, [...prefix, k], out);
  }
  return out;
}

/** Applies a mutation to a copy of `value`. Strings with lone surrogates are spliced in as JSON escapes by `toJsonText`. */
export function mutate(value: unknown, m: Mutation): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  if (m.path.length === 0 && m.kind !== 'extra') {
    if (m.kind === 'wrongType') return m.value;
    if (m.kind === 'hugeString') return 'h'.repeat(m.size);
    if (m.kind === 'loneSurrogate') return LONE_SURROGATE_MARK;
    if (m.kind === 'deepNesting') return new DeepMarker(m.depth);
    return undefined;
  }
  const parentPath = m.kind === 'extra' ? m.path : m.path.slice(0, -1);
  let parent: unknown = copy;
  for (const key of parentPath) parent = (parent as Record<string, unknown>)?.[key];
  if (!parent || typeof parent !== 'object') return copy;
  const target = parent as Record<string, unknown>;
  const last = m.path.at(-1)!;
  switch (m.kind) {
    case 'wrongType':
      target[last] = m.value;
      break;
    case 'drop':
      delete target[last];
      break;
    case 'extra':
      // An own property even for `__proto__`, so the JSON text carries it.
      if (Array.isArray(target)) target.push(m.value);
      else Object.defineProperty(target, m.name, { value: m.value, enumerable: true, writable: true, configurable: true });
      break;
    case 'hugeString':
      target[last] = 'h'.repeat(m.size);
      break;
    case 'loneSurrogate':
      target[last] = LONE_SURROGATE_MARK;
      break;
    case 'deepNesting':
      target[last] = new DeepMarker(m.depth);
      break;
  }
  return copy;
}

const LONE_SURROGATE_MARK = '\u0000LONE-SURROGATE\u0000';
class DeepMarker {
  constructor(readonly depth: number) {}
  toJSON() {
    return `\u0000DEEP-${this.depth}\u0000`;
  }
}

/**
 * JSON text of a value; the markers left by `mutate` become a lone surrogate escape (which
 * JSON.stringify would never write) or deeply nested arrays spliced in as raw text.
 */
export function toJsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text
    .replaceAll(JSON.stringify(LONE_SURROGATE_MARK), '"a\\ud800b\\udfffc"')
    .replace(/"\\u0000DEEP-(\d+)\\u0000"/g, (_, depth: string) => deepNesting(Number(depth), 'array'));
}
