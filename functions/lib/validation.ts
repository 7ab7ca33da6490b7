/**
 * zod → problem+json field errors. Kept apart from the middleware so domain code that
 * validates stored or derived data can report failures in the same shape.
 */
import * as z from 'zod/mini';
import { problems, type FieldError } from './problem.ts';

type Issue = {
  path: PropertyKey[];
  message: string;
  code?: string;
  keys?: string[];
  input?: unknown;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  expected?: string;
  values?: readonly unknown[];
  format?: string;
  /** false for an exclusive bound (`z.gt`, `z.lt`). */
  inclusive?: boolean;
};

/** zod's message for an issue whose schema gave none (zod/mini carries no locale). */
const GENERIC = 'Invalid input';

const unit = (origin: string | undefined, n: number | bigint | undefined) => {
  const one = Number(n) === 1;
  if (origin === 'string') return one ? ' character' : ' characters';
  if (origin === 'array' || origin === 'set') return one ? ' item' : ' items';
  return origin === 'file' ? (one ? ' byte' : ' bytes') : '';
};

/** What a client should read for an issue: the schema's own message, else one built from the issue's facts. */
function messageOf(issue: Issue): string {
  if (issue.message !== GENERIC) return issue.message;
  switch (issue.code) {
    case 'too_big':
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${unit(issue.origin, issue.maximum)}`;
    case 'too_small':
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${String(issue.minimum)}${unit(issue.origin, issue.minimum)}`;
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `must be ${issue.expected === 'array' || issue.expected === 'object' ? 'an' : 'a'} ${issue.expected}`;
    case 'invalid_value':
      return `must be one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `must be a valid ${issue.format ?? 'value'}`;
    default:
      return issue.message;
  }
}

export function fieldErrors(where: FieldError['in'], issues: readonly Issue[]): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
      for (const key of issue.keys) {
        out.push({ in: where, field: base ? `${base}.${key}` : key, message: 'unknown field', code: 'unknown_field' });
      }
    } else {
      out.push({ in: where, field: base, message: messageOf(issue), code: issue.code });
    }
  }
  return out;
}

/** Parses `value` with `schema` or throws a 400 problem naming every failing field. */
export function parseOrThrow<T extends z.ZodMiniType>(schema: T, value: unknown, where: FieldError['in']): z.infer<T> {
  // reportInput: the issue then tells a missing field ("is required") from a wrong one.
  const result = z.safeParse(schema, value, { reportInput: true });
  if (result.success) return result.data;
  throw problems.validation(fieldErrors(where, result.error.issues));
}

/** Enough to point at the problem; a body of thousands of bad strings must not make a huge answer. */
const MAX_ILL_FORMED_ERRORS = 20;

/**
 * Field errors for every string (and object key) in `value` that is not well-formed
 * Unicode, i.e. holds a lone UTF-16 surrogate (`JSON.parse('"\\ud800"')` yields one). Such a
 * string cannot be encoded as UTF-8, so once stored it would make every answer that
 * includes it JSON that strict (I-JSON, RFC 7493) parsers reject. The field path is itself
 * made well-formed (U+FFFD) so the error cannot carry the surrogate back out. Iterative:
 * a body may nest thousands of levels deep.
 */
export function illFormedStrings(where: FieldError['in'], value: unknown, max = MAX_ILL_FORMED_ERRORS): FieldError[] {
  // The common case: nothing to report, found without building a field path per node.
  if (allWellFormed(value)) return [];
  const out: FieldError[] = [];
  const stack: [unknown, string][] = [[value, '']];
  const join = (base: string, key: string) => (base ? `${base}.${key}` : key);
  while (stack.length > 0 && out.length < max) {
    const [v, field] = stack.pop()!;
    if (typeof v === 'string') {
      if (!v.isWellFormed())
        out.push({ in: where, field, message: 'must be well-formed Unicode (no lone UTF-16 surrogates)', code: 'ill_formed_unicode' });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], join(field, String(i))]);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v).reverse()) {
        const key = k.isWellFormed() ? k : k.toWellFormed();
        if (key !== k)
          out.push({
            in: where,
            field: join(field, key),
            message: 'field names must be well-formed Unicode (no lone UTF-16 surrogates)',
            code: 'ill_formed_unicode',
          });
        stack.push([child, join(field, key)]);
      }
    }
  }
  return out;
}

/** True when every string and object key in `value` is well-formed Unicode (iterative, like illFormedStrings). */
function allWellFormed(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (!v.isWellFormed()) return false;
    } else if (Array.isArray(v)) {
      for (const child of v) stack.push(child);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (!k.isWellFormed()) return false;
        stack.push(child);
      }
    }
  }
  return true;
}
