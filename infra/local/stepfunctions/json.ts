/** JSON values as Step Functions moves them between states. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A payload crosses a service boundary as JSON text in AWS, so handlers never share object
 * identity with the workflow and `undefined`, Dates or class instances come out as AWS would
 * serialise them.
 */
export function roundTrip(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

export function parseJson(text: string): { ok: true; value: JsonValue } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    return { ok: false };
  }
}

/** Only `$` and `$.a.b` reference paths, the forms used by *SecondsPath fields. */
const SIMPLE_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

export function isSimplePath(path: string): boolean {
  return SIMPLE_PATH.test(path);
}

export function resolveSimplePath(path: string, input: JsonValue): JsonValue | undefined {
  let current: JsonValue | undefined = input;
  for (const key of path.split('.').slice(1)) {
    if (!isJsonObject(current)) return undefined;
    current = current[key];
  }
  return current;
}
