/**
 * Notification fields the notification and staff-alert routes share, without bundling each
 * other's routes.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';

/** A notification's fields; staff alerts (GET /review-alerts) carry the same, plus their recipient. */
export const notificationFields = /* @__PURE__ */ lazy(() => ({
  id: z.string(),
  kind: z.string(),
  at: z.string(),
  title: z.string(),
  body: z.string(),
  applicationId: z.optional(z.string()),
  link: z.optional(z.string()),
  /** What to do about it (e.g. restart a review workflow): a call of this API. */
  action: z.optional(z.object({ title: z.string(), method: z.string(), path: z.string() })),
  read: z.boolean(),
  readAt: z.optional(z.string()),
  eventId: z.optional(z.string()),
}));
