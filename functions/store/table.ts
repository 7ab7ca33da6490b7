/**
 * The physical shape of the single table: key attributes and global secondary indexes.
 * The CDK data construct and the local runtime both create the table from this
 * definition; what each key holds for each entity is in keys.ts, with the access
 * patterns table (mirrored in docs/access-patterns.md).
 */
export const tableKeys = { partitionKey: 'PK', sortKey: 'SK' } as const;

export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
  /** What the index is for; keys.ts lists every pattern served by it. */
  purpose: string;
}

export const tableIndexes = [
  {
    name: 'GSI1',
    partitionKey: 'GSI1PK',
    sortKey: 'GSI1SK',
    purpose:
      "an entity's children in display order (a district's schools and pathways by name, a pathway's applications newest first, members)",
  },
  {
    name: 'GSI2',
    partitionKey: 'GSI2PK',
    sortKey: 'GSI2SK',
    purpose: "second parent or global listings (a school's pathways, all districts, all pathways)",
  },
  {
    name: 'GSI3',
    partitionKey: 'GSI3PK',
    sortKey: 'GSI3SK',
    purpose: 'work queues by status or date (applications by status oldest first, certifications by expiry, open assignments by due date)',
  },
  { name: 'GSI4', partitionKey: 'GSI4PK', sortKey: 'GSI4SK', purpose: 'sparse public directory of certified pathways' },
] as const satisfies readonly IndexDefinition[];

export type IndexName = (typeof tableIndexes)[number]['name'];

/** Items with this attribute (epoch seconds) are deleted by DynamoDB TTL (idempotency records, expired invitations). */
export const ttlAttribute = 'ttl';
