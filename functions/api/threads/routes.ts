/**
 * The conversation around an application: its message thread (team, reviewers, staff;
 * reviewers shown to the team by role), virtual review sessions, and the decision letter.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { route } from '#lib/route.ts';
import { idSchema, isoDateTime, named, pageOf, pageQuery, text, versionField } from '#lib/schemas.ts';
import { certificationView } from './schemas.ts';
import { decisionView, reviewSessionView } from '../reviews/schemas.ts';

const TAGS = ['Threads'];
const FN = 'threads' as const;
const applicationParams = /* @__PURE__ */ lazy(() => z.strictObject({ applicationId: idSchema('application') }));

const messageView = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      at: z.string(),
      body: z.string(),
      author: z.object({ role: z.string(), label: z.string(), sub: z.optional(z.string()), name: z.optional(z.string()) }),
    }),
    'Message',
    {
      id: 'msg_01JD0000000000000000000000',
      at: '2026-11-12T10:00:00.000Z',
      body: 'Could you add the advisory board minutes?',
      author: { role: 'reviewer', label: 'Lead reviewer' },
    },
  ),
);

export const listMessagesRoute = route({
  id: 'listMessages',
  method: 'GET',
  path: '/applications/{applicationId}/messages',
  fn: FN,
  auth: 'jwt',
  summary: "The application's message thread, oldest first (team, assigned reviewers, staff)",
  description: 'Reviewers appear to the team by their panel role ("Lead reviewer", "Reviewer 2"), not by name, unless staff reveal names.',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    query: z.strictObject({ ...pageQuery() }),
    response: pageOf(messageView()),
  }),
});

export const postMessageRoute = route({
  id: 'postMessage',
  method: 'POST',
  path: '/applications/{applicationId}/messages',
  fn: FN,
  auth: 'jwt',
  summary: 'Post to the thread; everyone else on it is notified',
  description:
    'Everyone else on the thread (the team, the current panel; the staff inbox unless staff wrote) gets an in-app `message.posted` notification at once and, with the `messages` email preference on (the default), an email: batched per thread and person, one email at the end of a window (MESSAGE_EMAIL_WINDOW_MINUTES, default 10) opened by the first message, listing every message of the window.',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    body: z.strictObject({ body: text(1, 5000) }),
    response: messageView(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const threadSettingsRoute = route({
  id: 'putThreadSettings',
  method: 'PUT',
  path: '/applications/{applicationId}/thread-settings',
  fn: FN,
  auth: 'jwt',
  summary: "Whether the team sees reviewers' names in the thread (staff)",
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    body: z.strictObject({ revealReviewerNames: z.boolean(), version: z.optional(versionField(0)) }),
    response: z.object({ applicationId: z.string(), revealReviewerNames: z.boolean(), version: z.number(), updatedAt: z.string() }),
  }),
  ifMatch: true,
  ifNoneMatch: true,
});

export const listSessionsRoute = route({
  id: 'listReviewSessions',
  method: 'GET',
  path: '/applications/{applicationId}/sessions',
  fn: FN,
  auth: 'jwt',
  summary: 'Virtual review sessions scheduled for the application',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    response: z.object({ items: z.array(reviewSessionView()) }),
  }),
});

export const createSessionRoute = route({
  id: 'scheduleReviewSession',
  method: 'POST',
  path: '/applications/{applicationId}/sessions',
  fn: FN,
  auth: 'jwt',
  summary: 'Schedule a virtual review session (video interviews with students, teachers, partners) (staff)',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    body: z.strictObject({
      startsAt: isoDateTime(),
      durationMinutes: z.int().check(z.minimum(15), z.maximum(480)),
      meetingUrl: z.string().check(z.maxLength(500), z.regex(/^https:\/\/\S+$/, { error: 'must be an https link' })),
      agenda: z.optional(text(1, 4000)),
      participants: z.optional(text(1, 1000)),
    }),
    response: reviewSessionView(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const getDecisionRoute = route({
  id: 'getDecision',
  method: 'GET',
  path: '/applications/{applicationId}/decision',
  fn: FN,
  auth: 'jwt',
  summary: 'The decision and its letter (summary, strengths, areas for growth per component, required changes)',
  description: 'The latest decision once applied (staff see it from the moment it is recorded). 404 before any decision.',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    response: decisionView(),
  }),
});

export const getDecisionLetterRoute = route({
  id: 'getDecisionLetter',
  method: 'GET',
  path: '/applications/{applicationId}/decision/letter',
  fn: FN,
  auth: 'jwt',
  summary: 'The decision letter as a Markdown document to download',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
  }),
  produces: 'text/markdown; charset=utf-8',
});

export const listCertificationsRoute = route({
  id: 'listPathwayCertifications',
  method: 'GET',
  path: '/pathways/{pathwayId}/certifications',
  fn: FN,
  auth: 'jwt',
  summary: "A pathway's certifications, newest first (level, issued, valid from, expires, status)",
  description:
    '`expiresOn` is the first day no longer valid. A renewal decided before expiry starts at the old expiry; the certification it continues is then `renewed`.',
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ pathwayId: idSchema('pathway') }),
    query: z.strictObject({ ...pageQuery() }),
    response: pageOf(certificationView()),
  }),
});

export const threadRoutes = [
  listMessagesRoute,
  postMessageRoute,
  threadSettingsRoute,
  listSessionsRoute,
  createSessionRoute,
  getDecisionRoute,
  getDecisionLetterRoute,
  listCertificationsRoute,
];
