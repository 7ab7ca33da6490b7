/**
 * Opaque cursors for every list. A cursor is the query's LastEvaluatedKey as base64url
 * JSON; on the way back in it is checked against the query it is used with (same key
 * attributes, same partition), so a forged or foreign cursor is a 400, never a 500 from
 * DynamoDB and never a window into another partition.
 */
import { InvalidInputError } from '#core/errors.ts';
import { tableIndexes, tableKeys, type IndexName } from './table.ts';

export type StoredKey = Record<string, string>;

export function keyAttributes(index?: IndexName): string[] {
  const base = [tableKeys.partitionKey, tableKeys.sortKey];
  if (!index) return base;
  const def = tableIndexes.find((i) => i.name === index)!;
  return [...base, def.partitionKey, def.sortKey];
}

export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | undefined {
  if (!lastKey) return undefined;
  return Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
}

function invalid(): never {
  throw new InvalidInputError([{ in: 'query', field: 'cursor', message: 'is not a cursor of this list', code: 'invalid_cursor' }]);
}

/** Decodes a cursor for a query on `index` (undefined = the table) over `partitionValue`. */
export function decodeCursor(cursor: string | undefined, index: IndexName | undefined, partitionValue: string): StoredKey | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    invalid();
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) invalid();
  const expected = keyAttributes(index);
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length !== expected.length) invalid();
  for (const [name, value] of entries) {
    if (!expected.includes(name) || typeof value !== 'string' || value.length === 0 || value.length > 1024) invalid();
  }
  const partitionAttr = index ? tableIndexes.find((i) => i.name === index)!.partitionKey : tableKeys.partitionKey;
  if ((parsed as StoredKey)[partitionAttr] !== partitionValue) invalid();
  return parsed as StoredKey;
}
