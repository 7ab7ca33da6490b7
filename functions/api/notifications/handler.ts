/**
 * The caller's notifications (their own `INBOX#<sub>`; staff may pass `inbox=staff` for
 * the shared staff inbox) and email preferences. Nobody can name another person's inbox:
 * the inbox is always the token's subject or, for staff only, STAFF.
 */
import { effectivePreferences, emailCategories, categoryNames, mandatoryCategories } from '#core/notifications/preferences.ts';
import { httpHandler, implement } from '#lib/http.ts';
import type { Notification } from '#store/messages.ts';
import type { NotificationSettings } from '#store/notification-preferences.ts';
import { listNotifications, markAllNotificationsRead, markNotificationAsRead } from '#use-cases/notifications/inbox.ts';
import { getNotificationPreferences, setEmailPreferences } from '#use-cases/notifications/preferences.ts';
import {
  getNotificationPreferencesRoute,
  listNotificationsRoute,
  markAllNotificationsReadRoute,
  markNotificationReadRoute,
  putNotificationPreferencesRoute,
} from './routes.ts';

const view = (n: Notification) => ({
  id: n.id,
  kind: n.kind,
  at: n.at,
  title: n.title,
  body: n.body,
  read: n.read === true,
  ...(n.applicationId ? { applicationId: n.applicationId } : {}),
  ...(n.link ? { link: n.link } : {}),
  ...(n.readAt ? { readAt: n.readAt } : {}),
  ...(n.eventId ? { eventId: n.eventId } : {}),
});

function preferencesView(s: NotificationSettings) {
  return {
    email: effectivePreferences(s.email),
    mandatory: mandatoryCategories,
    categories: categoryNames.map((name) => ({ name, ...emailCategories[name] })),
    ...(s.emailProblem
      ? {
          emailProblem: {
            reason: s.emailProblem.reason,
            at: s.emailProblem.at,
            ...(s.emailProblem.address ? { address: s.emailProblem.address } : {}),
            ...(s.emailProblem.detail ? { detail: s.emailProblem.detail } : {}),
          },
        }
      : {}),
    version: s.version,
  };
}

export const handler = httpHandler([
  implement(listNotificationsRoute, async (req) => {
    const { inbox, limit, cursor, unread } = req.query;
    const page = await listNotifications(req.principal, { inbox, limit, cursor, unreadOnly: unread === 'true' });
    return { body: { items: page.items.map(view), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),

  implement(markNotificationReadRoute, async (req) => {
    return { body: view(await markNotificationAsRead(req.principal, req.query.inbox, req.params.notificationId)) };
  }),

  implement(markAllNotificationsReadRoute, async (req) => {
    return { body: await markAllNotificationsRead(req.principal, req.query.inbox) };
  }),

  implement(getNotificationPreferencesRoute, async (req) => {
    return { body: preferencesView(await getNotificationPreferences(req.principal)) };
  }),

  implement(putNotificationPreferencesRoute, async (req) => {
    return { body: preferencesView(await setEmailPreferences(req.principal, req.body.email)) };
  }),
]);
