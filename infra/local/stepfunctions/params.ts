/** Request member checks with the errors AWS returns for them. */
import { sfnErrors } from './errors.ts';
import type { JsonObject } from './json.ts';

export function requiredString(body: JsonObject, key: string): string {
  const value = body[key];
  if (typeof value !== 'string') {
    throw sfnErrors.validation(`Value null at '${key}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

export function optionalString(body: JsonObject, key: string, maxLength?: number): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw sfnErrors.validation(`Value at '${key}' must be a string`);
  if (maxLength !== undefined && value.length > maxLength) {
    throw sfnErrors.validation(
      `Value at '${key}' failed to satisfy constraint: Member must have length less than or equal to ${maxLength}`,
    );
  }
  return value;
}

export function optionalBoolean(body: JsonObject, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw sfnErrors.validation(`Value at '${key}' must be a boolean`);
  return value;
}

/** maxResults: 0 or absent means the service default; AWS allows at most 1000. */
export function maxResults(body: JsonObject, defaultValue = 100): number {
  const value = body.maxResults;
  if (value === undefined || value === null || value === 0) return defaultValue;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1000) {
    throw sfnErrors.validation(
      `Value '${String(value)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`,
    );
  }
  return value;
}

export function optionalNextToken(body: JsonObject): string | undefined {
  return optionalString(body, 'nextToken', 1024);
}

/** Execution names: 1-80 characters, none of whitespace, brackets, wildcards, specials or controls. */
const FORBIDDEN_NAME_CHARS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

export function executionName(body: JsonObject): string | undefined {
  const name = optionalString(body, 'name');
  if (name === undefined) return undefined;
  if (name.length < 1 || name.length > 80 || FORBIDDEN_NAME_CHARS.test(name)) throw sfnErrors.invalidName(name);
  return name;
}
