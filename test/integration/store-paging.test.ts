import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#lib/aws-clients.ts';
import { config } from '#lib/config.ts';
import { queryPartition, type Item } from '#store/db.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

// DynamoDB ends a Query page at 1 MB: 230 items of ~10 KB take three pages.
const COUNT = 230;
const padding = 'x'.repeat(10_000);

async function put(items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const out = await dynamoClient().send(
      new BatchWriteCommand({ RequestItems: { [config.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }),
    );
    expect(out.UnprocessedItems?.[config.tableName] ?? []).toHaveLength(0);
  }
}

/** Queries the functions' client sends while `read` runs. */
async function countQueries<T>(read: () => Promise<T>): Promise<{ result: T; queries: number }> {
  let queries = 0;
  const name = 'storePagingQueryCounter';
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand') queries++;
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    return { result: await read(), queries };
  } finally {
    dynamoClient().middlewareStack.remove(name);
  }
}

const n = (i: number) => String(i).padStart(4, '0');

describe('queryPartition: every page of a partition', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform();
    const indexed = Array.from({ length: COUNT }, (_, i) => ({
      PK: `PAGING#item${n(i)}`,
      SK: 'ITEM',
      GSI2PK: 'PAGING#INDEX',
      GSI2SK: `name#${n(COUNT - i)}`,
      padding,
    }));
    // Two prefixes in one table partition, each with more than two pages of items.
    const prefixed = Array.from({ length: 2 * COUNT }, (_, i) => ({ PK: 'PAGING#one', SK: `${i % 2 ? 'B' : 'A'}#${n(i)}`, padding }));
    await put([...indexed, ...prefixed]);
  });
  afterAll(() => t?.stop());

  it('reads an index partition to the end, in sort-key order, a Query per page', async () => {
    const { result, queries } = await countQueries(() => queryPartition({ partition: { index: 'GSI2', value: 'PAGING#INDEX' } }));
    expect(result).toHaveLength(COUNT);
    expect(result.map((x) => x.GSI2SK)).toEqual(Array.from({ length: COUNT }, (_, i) => `name#${n(i + 1)}`));
    expect(queries).toBeGreaterThanOrEqual(3);
  });

  it('keeps to the sort-key prefix on every page', async () => {
    const { result, queries } = await countQueries(() => queryPartition({ partition: { value: 'PAGING#one' }, skBeginsWith: 'A#' }));
    expect(result).toHaveLength(COUNT);
    expect(result.every((x) => String(x.SK).startsWith('A#'))).toBe(true);
    expect(queries).toBeGreaterThanOrEqual(3);
  });

  it('reads only the projected attributes, consistently on the table', async () => {
    const items = await queryPartition({ partition: { value: 'PAGING#one' }, skBeginsWith: 'B#', projection: ['SK'], consistent: true });
    expect(items).toHaveLength(COUNT);
    expect(Object.keys(items[0]!)).toEqual(['SK']);
  });

  it('returns nothing for an empty partition, and refuses a consistent read of an index', async () => {
    expect(await queryPartition({ partition: { value: 'PAGING#none' } })).toEqual([]);
    await expect(queryPartition({ partition: { index: 'GSI2', value: 'PAGING#INDEX' }, consistent: true })).rejects.toThrow(
      /cannot be read consistently/,
    );
  });
});
