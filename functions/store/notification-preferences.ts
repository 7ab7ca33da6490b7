/**
 * A person's email preferences and the last permanent problem with their email address
 * (`PREFS#<sub>` / `NOTIFICATIONS`). Kept out of PERSON#<sub>, which every request's access
 * check reads. Mandatory categories are never stored: they cannot be off.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mergePreferences, type EmailPreferences } from '../core/notifications/preferences.ts';
import { dynamoClient } from '../lib/aws-clients.ts';
import { nowIso } from '../lib/clock.ts';
import { config } from '../lib/config.ts';
import { getItem } from './db.ts';
import { keys } from './keys.ts';

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
  const item = await getItem<Record<string, unknown>>(keys.notificationPreferences(sub), consistent);
  return {
    sub,
    email: (item?.email as EmailPreferences | undefined) ?? {},
    ...(item?.emailProblem ? { emailProblem: item.emailProblem as EmailProblem } : {}),
    version: Number(item?.version ?? 0),
    updatedAt: String(item?.updatedAt ?? ''),
  };
}

const MAX_ATTEMPTS = 5;

/** Applies a partial update of the optional categories (read, merge, conditional write; retried on a concurrent change). */
export async function updateEmailPreferences(sub: string, update: EmailPreferences): Promise<NotificationSettings> {
  for (let attempt = 1; ; attempt++) {
    const current = await getNotificationSettings(sub, true);
    const email = mergePreferences(current.email, update);
    const next = { ...current, email, version: current.version + 1, updatedAt: nowIso() };
    try {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: config.tableName,
          Key: keys.notificationPreferences(sub),
          UpdateExpression: 'SET #email = :email, #version = :next, #updatedAt = :at, #sub = :sub, #type = :type',
          ConditionExpression: current.version === 0 ? 'attribute_not_exists(#version)' : '#version = :current',
          ExpressionAttributeNames: { '#email': 'email', '#version': 'version', '#updatedAt': 'updatedAt', '#sub': 'sub', '#type': '_type' },
          ExpressionAttributeValues: {
            ':email': email,
            ':next': next.version,
            ':at': next.updatedAt,
            ':sub': sub,
            ':type': 'notification_settings',
            ...(current.version === 0 ? {} : { ':current': current.version }),
          },
        }),
      );
      return next;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException' || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
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
  await dynamoClient().send(
    new UpdateCommand({
      TableName: config.tableName,
      Key: keys.notificationPreferences(sub),
      UpdateExpression: 'REMOVE #problem',
      ConditionExpression: 'attribute_exists(#problem)',
      ExpressionAttributeNames: { '#problem': 'emailProblem' },
    }),
  ).catch((error: Error) => {
    if (error.name !== 'ConditionalCheckFailedException') throw error;
  });
}

