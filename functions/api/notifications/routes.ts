/**
 * The caller's in-app notifications and email preferences. A person reads and marks only
 * their own inbox; staff also read the shared staff inbox with `?inbox=staff` (its read
 * state is shared: one staff member marking an item read marks it for all staff).
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { categoryNames, emailCategories, type EmailCategory } from '#core/notifications/preferences.ts';
import { route } from '#lib/route.ts';
import { idSchema, named, pageOf, pageQuery } from '#lib/schemas.ts';
import { notificationFields } from './schemas.ts';

const TAGS = ['Notifications'];
const FN = 'notifications' as const;

const inboxQuery = /* @__PURE__ */ lazy(() => ({ inbox: z.optional(z.enum(['me', 'staff'])) }));

export const notificationSchema = /* @__PURE__ */ lazy(() =>
  named(z.object(notificationFields()), 'Notification', {
    id: 'ntf_01JD0000000000000000000000',
    kind: 'message.posted',
    at: '2026-11-12T10:00:00.000Z',
    title: 'New message on Engineering Academy',
    body: 'Could you add the advisory board minutes?',
    applicationId: 'app_01JD0000000000000000000000',
    link: '/applications/app_01JD0000000000000000000000/messages',
    read: false,
  }),
);

export const listNotificationsRoute = route({
  id: 'listNotifications',
  method: 'GET',
  path: '/notifications',
  fn: FN,
  auth: 'jwt',
  summary: 'Your notifications, newest first (`unread=true`: only unread; staff: `inbox=staff` for the shared staff inbox)',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ ...pageQuery(), ...inboxQuery(), unread: z.optional(z.enum(['true', 'false'])) }),
    response: pageOf(notificationSchema()),
  }),
});

export const markNotificationReadRoute = route({
  id: 'markNotificationRead',
  method: 'POST',
  path: '/notifications/{notificationId}/read',
  fn: FN,
  auth: 'jwt',
  summary: 'Mark one of your notifications read (safe to repeat)',
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ notificationId: idSchema('notification') }),
    query: z.strictObject({ ...inboxQuery() }),
    response: notificationSchema(),
  }),
});

export const markAllNotificationsReadRoute = route({
  id: 'markAllNotificationsRead',
  method: 'POST',
  path: '/notifications/read-all',
  fn: FN,
  auth: 'jwt',
  summary: 'Mark all your unread notifications read (safe to repeat; `more: true` means call again)',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ ...inboxQuery() }),
    response: z.object({ marked: z.int(), more: z.boolean() }),
  }),
});

const categoryFlags = () =>
  Object.fromEntries(categoryNames.map((c) => [c, z.optional(z.boolean())])) as Record<EmailCategory, z.ZodMiniOptional<z.ZodMiniBoolean>>;
const categoryValues = () => Object.fromEntries(categoryNames.map((c) => [c, z.boolean()])) as Record<EmailCategory, z.ZodMiniBoolean>;

export const preferencesSchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      email: z.object(categoryValues()),
      mandatory: z.array(z.string()),
      categories: z.array(z.object({ name: z.string(), mandatory: z.boolean(), description: z.string() })),
      emailProblem: z.optional(
        z.object({ address: z.optional(z.string()), reason: z.string(), detail: z.optional(z.string()), at: z.string() }),
      ),
      version: z.int(),
    }),
    'NotificationPreferences',
  ),
);

export const getNotificationPreferencesRoute = route({
  id: 'getNotificationPreferences',
  method: 'GET',
  path: '/me/notification-preferences',
  fn: FN,
  auth: 'jwt',
  summary: 'Which emails you receive; expiry and decision notices are mandatory',
  tags: TAGS,
  schemas: () => ({
    response: preferencesSchema(),
  }),
});

export const putNotificationPreferencesRoute = route({
  id: 'putNotificationPreferences',
  errors: { 422: { when: 'A mandatory notification cannot be turned off', codes: ['mandatory'] } },
  method: 'PUT',
  path: '/me/notification-preferences',
  fn: FN,
  auth: 'jwt',
  summary: 'Turn optional emails on or off (a mandatory one set to false answers 422 naming it)',
  description: `Categories: ${categoryNames.map((c) => `\`${c}\`${emailCategories[c].mandatory ? ' (mandatory)' : ''}`).join(', ')}. Omitted categories keep their value. In-app notifications are always written.`,
  tags: TAGS,
  schemas: () => ({
    body: z.strictObject({ email: z.strictObject(categoryFlags()) }),
    response: preferencesSchema(),
  }),
});

export const notificationRoutes = [
  listNotificationsRoute,
  markAllNotificationsReadRoute,
  markNotificationReadRoute,
  getNotificationPreferencesRoute,
  putNotificationPreferencesRoute,
] as const;
