/**
 * Verifiable credentials of certifications (docs/credentials.md) and their status lists.
 *
 * - One credential per certification, same id (`CREDENTIAL#<cert_…>`, pattern 89): the signed
 *   JWT, its status entry and, once revoked, when and why. Written with the certification, in
 *   the transaction that issues it (`credentialPut`).
 * - Status entries come from one counter (pattern 90), incremented atomically with `ADD`
 *   before signing (the entry is inside the signed credential): concurrent issues never share
 *   an entry. A transaction that then fails leaves its entry unused, a 0 bit nobody points
 *   at, which is harmless.
 * - A status list (pattern 91) keeps its revoked indexes as a number set, changed with `ADD`
 *   (idempotent: revoking twice changes nothing but the version), and a `version` bumped by
 *   every revocation. Revocation is a DynamoDB write only, so any flow can put it in its own
 *   transaction. The signed status list credential is cached on the same item with the
 *   version it was built from; a reader that finds another version signs a new one.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { statusSlot, type StatusSlot } from '#core/credentials/status-list.ts';
import type { Level } from '#core/levels.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { config } from '#lib/config.ts';
import { getItem, putNew, stripKeys, type TransactItem } from './db.ts';
import * as keys from './keys.ts';

export type CredentialRevocationReason = 'expired' | 'withdrawn' | 'downgraded';

export interface StoredCredential {
  /** = the certification's id. */
  id: string;
  certificationId: string;
  pathwayId: string;
  level: Level;
  /** The compact JWS (VC-JOSE-COSE). */
  jwt: string;
  statusList: string;
  statusIndex: number;
  issuedAt: string;
  validFrom: string;
  /** First day no longer valid (calendar date). */
  expiresOn: string;
  revokedAt?: string;
  revokedReason?: CredentialRevocationReason;
}

export interface StatusList {
  list: string;
  revoked: number[];
  version: number;
  /** The last signed status list credential, and the version it shows. */
  signed?: { version: number; jwt: string; signedAt: string };
}

/** The next free status entry: one atomic increment of the counter. */
export async function allocateStatusSlot(): Promise<StatusSlot> {
  const out = await dynamoClient().send(
    new UpdateCommand({
      TableName: config.tableName,
      Key: keys.credentialStatusCounter,
      UpdateExpression: 'ADD #next :one SET #type = :type',
      ExpressionAttributeNames: { '#next': 'next', '#type': '_type' },
      ExpressionAttributeValues: { ':one': 1, ':type': 'credentialStatusCounter' },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return statusSlot(Number(out.Attributes!.next) - 1);
}

/** The credential's item, created once (a repeated issue of the same certification fails its transaction). */
export function credentialPut(c: StoredCredential): TransactItem {
  return putNew({ ...keys.credential(c.id), _type: 'credential', ...c });
}

export async function getCredential(id: string): Promise<StoredCredential | undefined> {
  const item = await getItem(keys.credential(id));
  return item ? (stripKeys(item) as unknown as StoredCredential) : undefined;
}

/**
 * The writes that revoke these credentials: each credential marked (the first reason and
 * instant stay), and each status list's bits set with its version bumped — one update per
 * list, as a transaction may touch an item once.
 */
export function revocationItems(
  credentials: readonly Pick<StoredCredential, 'id' | 'statusList' | 'statusIndex'>[],
  reason: CredentialRevocationReason,
  at: string,
): TransactItem[] {
  const items: TransactItem[] = [];
  const byList = new Map<string, Set<number>>();
  for (const c of credentials) {
    items.push({
      Update: {
        TableName: config.tableName,
        Key: keys.credential(c.id),
        UpdateExpression: 'SET #at = if_not_exists(#at, :at), #reason = if_not_exists(#reason, :reason)',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#at': 'revokedAt', '#reason': 'revokedReason' },
        ExpressionAttributeValues: { ':at': at, ':reason': reason },
      },
    });
    byList.set(c.statusList, (byList.get(c.statusList) ?? new Set()).add(c.statusIndex));
  }
  for (const [list, indexes] of byList) {
    items.push({
      Update: {
        TableName: config.tableName,
        Key: keys.credentialStatusList(list),
        UpdateExpression: 'ADD #revoked :indexes, #version :one SET #list = :list, #type = :type',
        ExpressionAttributeNames: { '#revoked': 'revoked', '#version': 'version', '#list': 'list', '#type': '_type' },
        ExpressionAttributeValues: { ':indexes': indexes, ':one': 1, ':list': list, ':type': 'credentialStatusList' },
      },
    });
  }
  return items;
}

/**
 * Revoke the credential of certification `certificationId`: the transaction items to add to
 * the write that ends the certification (expiry, withdrawal, downgrade). None when the
 * certification has no credential (issued before credentials existed, the demo seed) or
 * it is already revoked; the items themselves are idempotent, so a retried transaction is
 * safe.
 */
export async function credentialRevocation(
  certificationId: string,
  reason: CredentialRevocationReason,
  at: string,
): Promise<TransactItem[]> {
  return credentialRevocations([certificationId], reason, at);
}

/** credentialRevocation for several certifications in one transaction. */
export async function credentialRevocations(
  certificationIds: readonly string[],
  reason: CredentialRevocationReason,
  at: string,
): Promise<TransactItem[]> {
  const found = await Promise.all(certificationIds.map((id) => getItem(keys.credential(id), true)));
  const live = found
    .filter((i): i is NonNullable<typeof i> => Boolean(i) && !i!.revokedAt)
    .map((i) => stripKeys(i) as unknown as StoredCredential);
  return live.length > 0 ? revocationItems(live, reason, at) : [];
}

export async function getStatusList(list: string): Promise<StatusList> {
  const out = await dynamoClient().send(
    new GetCommand({ TableName: config.tableName, Key: keys.credentialStatusList(list), ConsistentRead: true }),
  );
  const item = out.Item ?? {};
  const revoked = item.revoked instanceof Set ? [...(item.revoked as Set<number>)].map(Number) : [];
  return {
    list,
    revoked: revoked.sort((a, b) => a - b),
    version: Number(item.version ?? 0),
    ...(item.signed ? { signed: item.signed as StatusList['signed'] } : {}),
  };
}

/** Keeps a freshly signed copy, unless a revocation moved the list on meanwhile (then the next reader signs). */
export async function saveSignedStatusList(list: string, signed: NonNullable<StatusList['signed']>): Promise<void> {
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.credentialStatusList(list),
        UpdateExpression: 'SET #signed = :signed, #list = :list, #type = :type',
        ConditionExpression: signed.version === 0 ? 'attribute_not_exists(#version) OR #version = :v' : '#version = :v',
        ExpressionAttributeNames: { '#signed': 'signed', '#version': 'version', '#list': 'list', '#type': '_type' },
        ExpressionAttributeValues: { ':signed': signed, ':v': signed.version, ':list': list, ':type': 'credentialStatusList' },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/** How many status lists exist: entries handed out so far, in lists of `size` (at least one). */
export async function statusListCount(size: number): Promise<number> {
  const item = await getItem(keys.credentialStatusCounter);
  const next = Number(item?.next ?? 0);
  return Math.max(1, Math.ceil(next / size));
}
