/**
 * zod → problem+json field errors. Kept apart from the middleware so domain code that
 * validates stored or derived data can report failures in the same shape.
 */
import * as z from 'zod/mini';
import { problems, type FieldError } from './problem.ts';

type Issue = { path: PropertyKey[]; message: string; code?: string; keys?: string[] };

export function fieldErrors(where: FieldError['in'], issues: readonly Issue[]): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
      for (const key of issue.keys) {
        out.push({ in: where, field: base ? `${base}.${key}` : key, message: 'unknown field', code: 'unknown_field' });
      }
    } else {
      out.push({ in: where, field: base, message: issue.message, code: issue.code });
    }
  }
  return out;
}

/** Parses `value` with `schema` or throws a 400 problem naming every failing field. */
export function parseOrThrow<T extends z.ZodMiniType>(
  schema: T,
  value: unknown,
  where: FieldError['in'],
): z.infer<T> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  throw problems.validation(fieldErrors(where, result.error.issues as unknown as Issue[]));
}
