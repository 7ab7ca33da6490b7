/**
 * The caller's notifications (their own `INBOX#<sub>`; staff may pass `inbox=staff` for
 * the shared staff inbox) and email preferences. Nobody can name another person's inbox:
 * the inbox is always the token's subject or, for staff only, STAFF.
 */
import { effectivePreferences, emailCategories, categoryNames, mandatoryCategories, refusedChanges, type EmailPreferences } from '../../core/notifications/preferences.ts';
import { httpHandler, implement } from '../../lib/http.ts';
import type { Principal } from '../../lib/principal.ts';
import { problems } from '../../lib/problem.ts';
import { keys } from '../../store/keys.ts';
import { listInbox, markAllRead, markNotificationRead, type Notification } from '../../store/messages.ts';
import { getNotificationSettings, updateEmailPreferences, type NotificationSettings } from '../../store/notification-preferences.ts';
import {
  getNotificationPreferencesRoute,
  listNotificationsRoute,
  markAllNotificationsReadRoute,
  markNotificationReadRoute,
  putNotificationPreferencesRoute,
} from './routes.ts';

function inboxOf(principal: Principal, inbox: 'me' | 'staff' | undefined): string {
  if (inbox !== 'staff') return principal.sub;
  if (!principal.groups.includes('staff')) throw problems.forbidden('Only staff read the staff inbox.');
  return keys.staffInbox;
}

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
    const inbox = inboxOf(req.principal, req.query.inbox);
    const page = await listInbox(inbox, req.query.limit, req.query.cursor, req.query.unread === 'true');
    return { body: { items: page.items.map(view), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),

  implement(markNotificationReadRoute, async (req) => {
    const inbox = inboxOf(req.principal, req.query.inbox);
    const n = await markNotificationRead(inbox, req.params.notificationId);
    // Another person's notification id is simply not in the caller's inbox: 404, like any unknown id.
    if (!n) throw problems.notFound('notification');
    return { body: view(n) };
  }),

  implement(markAllNotificationsReadRoute, async (req) => {
    const inbox = inboxOf(req.principal, req.query.inbox);
    return { body: await markAllRead(inbox) };
  }),

  implement(getNotificationPreferencesRoute, async (req) => {
    return { body: preferencesView(await getNotificationSettings(req.principal.sub, true)) };
  }),

  implement(putNotificationPreferencesRoute, async (req) => {
    const update = req.body.email as EmailPreferences;
    const refused = refusedChanges(update);
    if (refused.length > 0) {
      throw problems.unprocessable(
        `${refused.join(', ')} ${refused.length === 1 ? 'is' : 'are'} mandatory and cannot be turned off.`,
        refused.map((c) => ({ in: 'body' as const, field: `email.${c}`, message: 'mandatory emails cannot be turned off', code: 'mandatory' })),
      );
    }
    return { body: preferencesView(await updateEmailPreferences(req.principal.sub, update)) };
  }),
]);
