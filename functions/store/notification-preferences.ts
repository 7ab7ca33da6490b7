/**
 * A person's email preferences and the last permanent problem with their email address
 * (`PREFS#<sub>` / `NOTIFICATIONS`). Kept out of PERSON#<sub>, which every request's access
 * check reads. Mandatory categories are never stored: they cannot be off.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mergePreferences, type EmailPreferences } from '#core/notifications/preferences.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { BusyError } from '#core/errors.ts';
import { getItem } from './db.ts';
import * as keys from './keys.ts';

/** Why email to an address is not sent again until the address changes. */
export interface EmailProblem {
  address: string | undefined;
  /** bounced / complained: reported by SES after it accepted an email (functions/core/notifications/ses-feedback.ts). */
  reason: 'missing_address' | 'invalid_address' | 'rejected' | 'bounced' | 'complained';
  /** SES's error name and message, for a rejection; the bounce or complaint type otherwise. */
  detail?: string;
  at: string;
  eventId: string;
}

export interface NotificationSettings {
  sub: string;
  email: EmailPreferences;
  emailProblem?: EmailProblem;
  version: number;
  updatedAt: string;
}

export async function getNotificationSettings(sub: string, consistent = false): Promise<NotificationSettings> {
  return settingsOf(sub, await getItem<Record<string, unknown>>(keys.notificationPreferences(sub), consistent));
}

function settingsOf(sub: string, item: Record<string, unknown> | undefined): NotificationSettings {
  return {
    sub,
    email: (item?.email as EmailPreferences | undefined) ?? {},
    ...(item?.emailProblem ? { emailProblem: item.emailProblem as EmailProblem } : {}),
    version: Number(item?.version ?? 0),
    updatedAt: String(item?.updatedAt ?? ''),
  };
}

/** The first write settles the usual case; the other form after a wrong guess; a third only after a lost creation race. */
const MAX_ATTEMPTS = 3;

/**
 * Applies a partial update of the optional categories as one atomic merge: each sent
 * category is SET inside the stored `email` map, so concurrent updates by the same person
 * merge (each category ends with one writer's value) instead of racing on a version read
 * first. That read-merge-write loop answered 500 once 30 writers exhausted its retries.
 * The merge is tried first (the map exists once a person has saved anything); when its
 * condition fails there is no map yet, and the first write creates it whole, guarded by
 * `attribute_not_exists`. A creation that loses to another one merges into the winner's map
 * on the next try. No read comes first: a wrong guess costs one failed conditional write.
 */
export async function updateEmailPreferences(sub: string, update: EmailPreferences): Promise<NotificationSettings> {
  const changes = mergePreferences(undefined, update);
  const categories = Object.keys(changes) as (keyof EmailPreferences)[];
  if (categories.length === 0) return getNotificationSettings(sub, true);
  const names: Record<string, string> = {
    '#email': 'email',
    '#version': 'version',
    '#updatedAt': 'updatedAt',
    '#sub': 'sub',
    '#type': '_type',
  };
  const values: Record<string, unknown> = { ':at': nowIso(), ':sub': sub, ':type': 'notification_settings', ':one': 1 };
  const common = '#updatedAt = :at, #sub = :sub, #type = :type';
  // Each form names only what its expressions use (DynamoDB refuses unused names and values).
  const merge = {
    UpdateExpression: `SET ${categories.map((_, i) => `#email.#c${i} = :c${i}`).join(', ')}, ${common} ADD #version :one`,
    ConditionExpression: 'attribute_exists(#email)',
    ExpressionAttributeNames: { ...names, ...Object.fromEntries(categories.map((c, i) => [`#c${i}`, c])) },
    ExpressionAttributeValues: { ...values, ...Object.fromEntries(categories.map((c, i) => [`:c${i}`, changes[c]])) },
  };
  const create = {
    UpdateExpression: `SET #email = :email, ${common} ADD #version :one`,
    ConditionExpression: 'attribute_not_exists(#email)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ...values, ':email': changes },
  };
  let exists = true;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      const out = await dynamoClient().send(
        new UpdateCommand({
          TableName: config.tableName,
          Key: keys.notificationPreferences(sub),
          ReturnValues: 'ALL_NEW',
          ...(exists ? merge : create),
        }),
      );
      return settingsOf(sub, out.Attributes);
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      // No map yet (merge), or another request created it meanwhile (create): the other form applies.
      exists = !exists;
    }
  }
  // Unreachable in practice (the map is never removed); a busy answer rather than a 500 if it is.
  throw new BusyError(1);
}

/** Records why email to this person failed for good (kept until their address changes and a send succeeds). */
export async function recordEmailProblem(sub: string, problem: EmailProblem): Promise<void> {
  await dynamoClient().send(
    new UpdateCommand({
      TableName: config.tableName,
      Key: keys.notificationPreferences(sub),
      UpdateExpression: 'SET #problem = :p, #sub = :sub, #type = :type',
      ExpressionAttributeNames: { '#problem': 'emailProblem', '#sub': 'sub', '#type': '_type' },
      ExpressionAttributeValues: { ':p': problem, ':sub': sub, ':type': 'notification_settings' },
    }),
  );
}

/** Forgets a recorded problem once an email to the person went out. */
export async function clearEmailProblem(sub: string): Promise<void> {
  await dynamoClient()
    .send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.notificationPreferences(sub),
        UpdateExpression: 'REMOVE #problem',
        ConditionExpression: 'attribute_exists(#problem)',
        ExpressionAttributeNames: { '#problem': 'emailProblem' },
      }),
    )
    .catch((error: Error) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    });
}
