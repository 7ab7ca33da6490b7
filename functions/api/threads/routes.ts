/**
 * The conversation around an application: its message thread (team, reviewers, staff;
 * reviewers shown to the team by role), virtual review sessions, and the decision letter.
 */
import * as z from 'zod/mini';
import { route } from '../../lib/route.ts';
import { idSchema, isoDateTime, pageOf, pageQuery, text, versionField } from '../../lib/schemas.ts';

const TAGS = ['Threads'];
const FN = 'threads' as const;
const applicationParams = z.strictObject({ applicationId: idSchema('application') });
const anything = z.record(z.string(), z.unknown());

const messageView = z.object({
  id: z.string(),
  at: z.string(),
  body: z.string(),
  author: z.object({ role: z.string(), label: z.string(), sub: z.optional(z.string()), name: z.optional(z.string()) }),
});

export const listMessagesRoute = route({
  id: 'listMessages',
  method: 'GET',
  path: '/applications/{applicationId}/messages',
  fn: FN,
  auth: 'jwt',
  summary: "The application's message thread, oldest first (team, assigned reviewers, staff)",
  description: 'Reviewers appear to the team by their panel role ("Lead reviewer", "Reviewer 2"), not by name, unless staff reveal names.',
  tags: TAGS,
  params: applicationParams,
  query: z.strictObject({ ...pageQuery }),
  response: pageOf(messageView),
});

export const postMessageRoute = route({
  id: 'postMessage',
  method: 'POST',
  path: '/applications/{applicationId}/messages',
  fn: FN,
  auth: 'jwt',
  summary: 'Post to the thread; everyone else on it is notified',
  tags: TAGS,
  params: applicationParams,
  body: z.strictObject({ body: text(1, 5000) }),
  response: messageView,
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
  params: applicationParams,
  body: z.strictObject({ revealReviewerNames: z.boolean(), version: z.optional(versionField(0)) }),
  response: anything,
  ifMatch: true,
});

export const listSessionsRoute = route({
  id: 'listReviewSessions',
  method: 'GET',
  path: '/applications/{applicationId}/sessions',
  fn: FN,
  auth: 'jwt',
  summary: 'Virtual review sessions scheduled for the application',
  tags: TAGS,
  params: applicationParams,
  response: z.object({ items: z.array(anything) }),
});

export const createSessionRoute = route({
  id: 'scheduleReviewSession',
  method: 'POST',
  path: '/applications/{applicationId}/sessions',
  fn: FN,
  auth: 'jwt',
  summary: 'Schedule a virtual review session (video interviews with students, teachers, partners) (staff)',
  tags: TAGS,
  params: applicationParams,
  body: z.strictObject({
    startsAt: isoDateTime(),
    durationMinutes: z.int().check(z.minimum(15), z.maximum(480)),
    meetingUrl: z.string().check(z.maxLength(500), z.regex(/^https:\/\/\S+$/, { error: 'must be an https link' })),
    agenda: z.optional(text(1, 4000)),
    participants: z.optional(text(1, 1000)),
  }),
  response: anything,
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
  params: applicationParams,
  response: anything,
});

export const getDecisionLetterRoute = route({
  id: 'getDecisionLetter',
  method: 'GET',
  path: '/applications/{applicationId}/decision/letter',
  fn: FN,
  auth: 'jwt',
  summary: 'The decision letter as a Markdown document to download',
  tags: TAGS,
  params: applicationParams,
  produces: 'text/markdown; charset=utf-8',
});

export const listCertificationsRoute = route({
  id: 'listPathwayCertifications',
  method: 'GET',
  path: '/pathways/{pathwayId}/certifications',
  fn: FN,
  auth: 'jwt',
  summary: "A pathway's certifications, newest first (level, issued, valid from, expires, status)",
  description: '`expiresOn` is the first day no longer valid. A renewal decided before expiry starts at the old expiry; the certification it continues is then `renewed`.',
  tags: TAGS,
  params: z.strictObject({ pathwayId: idSchema('pathway') }),
  query: z.strictObject({ ...pageQuery }),
  response: pageOf(anything),
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
