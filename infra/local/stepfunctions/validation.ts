/** asl-validator (CommonJS, untyped) behind a typed function. */
import { createRequire } from 'node:module';

interface AslValidatorResult {
  isValid: boolean;
  errorsText?: (separator?: string) => string;
  errors?: unknown[];
}
type AslValidator = (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => AslValidatorResult;

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator') as AslValidator;

/**
 * asl-validator compiles its JSON schemas on every call (100-500 ms); a process that starts
 * the runtime more than once (tests, restarts) validates each distinct text only once.
 */
const verdicts = new Map<string, string[]>();

/** Problems asl-validator finds in a definition (empty when valid). */
export function aslProblems(definition: unknown): string[] {
  const key = JSON.stringify(definition);
  const cached = verdicts.get(key);
  if (cached) return cached;
  // The validator annotates the object it is given; keep the caller's copy pristine.
  const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
  const text = result.isValid ? '' : (result.errorsText?.('\n') ?? JSON.stringify(result.errors ?? []));
  const problems = text.split('\n').filter((line) => line.trim() !== '');
  verdicts.set(key, problems);
  return problems;
}
