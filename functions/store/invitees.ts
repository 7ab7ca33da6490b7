/**
 * Whether an address holds a pending invitation: what the Cognito pre-sign-up trigger
 * asks before it lets someone create an account with that address.
 *
 * Access pattern 14 (invitations waiting for an email address: GSI2, GSI2PK=INVITEE#<email>),
 * with a filter on status and expiry, so the trigger's role needs nothing but Query on
 * GSI2 (infra/constructs/grants.ts `inviteeLookup`). Kept apart from people.ts so the
 * trigger's bundle carries only this read.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '#lib/aws-clients.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { partitions } from './keys.ts';
import { tableIndexes } from './table.ts';

/** An address's invitations are few (they expire in 14 days; TTL removes them 30 days later): a few pages at most. */
const MAX_PAGES = 10;

export async function hasPendingInvitation(email: string): Promise<boolean> {
  const partition = partitions.invitee(email);
  const index = tableIndexes.find((i) => i.name === partition.index)!;
  let startKey: Record<string, unknown> | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await dynamoClient().send(
      new QueryCommand({
        TableName: config.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        // Pending and not yet expired, as store/people.ts invitationView reads them.
        FilterExpression: '#status = :pending AND #expiresAt > :now',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#status': 'status', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':pk': partition.value, ':pending': 'pending', ':now': nowIso() },
        ProjectionExpression: '#status',
        ExclusiveStartKey: startKey,
      }),
    );
    if ((out.Items ?? []).length > 0) return true;
    startKey = out.LastEvaluatedKey;
    if (!startKey) return false;
  }
  return false;
}
