/** The caller's own email preferences (mandatory categories cannot be turned off). */
import { UnprocessableError } from '#core/errors.ts';
import { refusedChanges, type EmailPreferences } from '#core/notifications/preferences.ts';
import type { Principal } from '#lib/principal.ts';
import { getNotificationSettings, updateEmailPreferences, type NotificationSettings } from '#store/notification-preferences.ts';

export function getNotificationPreferences(principal: Principal): Promise<NotificationSettings> {
  return getNotificationSettings(principal.sub, true);
}

export function setEmailPreferences(principal: Principal, update: EmailPreferences): Promise<NotificationSettings> {
  const refused = refusedChanges(update);
  if (refused.length > 0) {
    throw new UnprocessableError(
      `${refused.join(', ')} ${refused.length === 1 ? 'is' : 'are'} mandatory and cannot be turned off.`,
      refused.map((c) => ({
        in: 'body' as const,
        field: `email.${c}`,
        message: 'mandatory emails cannot be turned off',
        code: 'mandatory',
      })),
    );
  }
  return updateEmailPreferences(principal.sub, update);
}
