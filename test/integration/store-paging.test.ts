import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../functions/lib/aws-clients.ts';
import { config } from '../../functions/lib/config.ts';
import { queryAllPages, type Item } from '../../functions/store/db.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

// More than two of queryAllPages' 100-item pages, so the cursor is followed twice.
const COUNT = 230;

async function put(items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const out = await dynamoClient().send(
      new BatchWriteCommand({ RequestItems: { [config.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }),
    );
    expect(out.UnprocessedItems?.[config.tableName] ?? []).toHaveLength(0);
  }
}

const n = (i: number) => String(i).padStart(4, '0');

describe('queryAllPages: every page of a partition', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform();
    const indexed = Array.from({ length: COUNT }, (_, i) => ({ PK: `PAGING#item${n(i)}`, SK: 'ITEM', GSI2PK: 'PAGING#INDEX', GSI2SK: `name#${n(COUNT - i)}`, i }));
    const prefixed = Array.from({ length: COUNT }, (_, i) => ({ PK: 'PAGING#one', SK: `${i % 2 ? 'B' : 'A'}#${n(i)}`, i }));
    await put([...indexed, ...prefixed]);
  });
  afterAll(() => t?.stop());

  it('reads an index partition to the end, in sort-key order', async () => {
    const items = await queryAllPages({ index: 'GSI2', value: 'PAGING#INDEX' });
    expect(items).toHaveLength(COUNT);
    expect(items.map((x) => x.GSI2SK)).toEqual(Array.from({ length: COUNT }, (_, i) => `name#${n(i + 1)}`));
  });

  it('keeps to the sort-key prefix on every page', async () => {
    const items = await queryAllPages({ value: 'PAGING#one' }, 'A#');
    expect(items).toHaveLength(COUNT / 2);
    expect(items.every((x) => String(x.SK).startsWith('A#'))).toBe(true);
  });

  it('returns nothing for an empty partition', async () => {
    expect(await queryAllPages({ value: 'PAGING#none' })).toEqual([]);
  });
});
