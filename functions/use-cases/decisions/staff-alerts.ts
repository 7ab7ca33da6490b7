/** The staff alerts inbox (a conflicted reviewer, a seat nobody qualified for, a failed workflow), newest first. */
import type { Principal } from '#lib/principal.ts';
import type { Page } from '#store/db.ts';
import { STAFF_RECIPIENT } from '#core/notifications/rules.ts';
import { listInbox, type Notification } from '#store/messages.ts';
import { authorizeStaff } from './staff-access.ts';

export async function listStaffAlerts(principal: Principal, limit?: number, cursor?: string): Promise<Page<Notification>> {
  await authorizeStaff(principal, 'review.queue');
  return listInbox(STAFF_RECIPIENT, limit, cursor);
}
