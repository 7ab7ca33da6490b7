/**
 * The caller's notifications: their own `INBOX#<sub>`, or for staff only the shared staff
 * inbox. Nobody can name another person's inbox: the inbox is always the caller's subject
 * or, for staff, STAFF.
 */
import { ForbiddenError, NotFoundError } from '#core/errors.ts';
import { hasRole, type Principal } from '#lib/principal.ts';
import { STAFF_RECIPIENT } from '#core/notifications/rules.ts';
import { listInbox, markAllRead, markNotificationRead, type Notification } from '#store/messages.ts';
import type { Page } from '#store/db.ts';

/** Which inbox a request names: the caller's own (default) or the staff inbox. */
export type InboxName = 'me' | 'staff';

function inboxOf(principal: Principal, inbox: InboxName | undefined): string {
  if (inbox !== 'staff') return principal.sub;
  if (!hasRole(principal, 'staff')) throw new ForbiddenError('Only staff read the staff inbox.');
  return STAFF_RECIPIENT;
}

export function listNotifications(
  principal: Principal,
  query: { inbox?: InboxName; limit?: number; cursor?: string; unreadOnly: boolean },
): Promise<Page<Notification>> {
  return listInbox(inboxOf(principal, query.inbox), query.limit, query.cursor, query.unreadOnly);
}

export async function markNotificationAsRead(
  principal: Principal,
  inbox: InboxName | undefined,
  notificationId: string,
): Promise<Notification> {
  const n = await markNotificationRead(inboxOf(principal, inbox), notificationId);
  // Another person's notification id is simply not in the caller's inbox: 404, like any unknown id.
  if (!n) throw new NotFoundError('notification');
  return n;
}

export function markAllNotificationsRead(principal: Principal, inbox: InboxName | undefined): Promise<{ marked: number; more: boolean }> {
  return markAllRead(inboxOf(principal, inbox));
}
