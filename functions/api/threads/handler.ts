import { httpHandler, implement, type HttpRequest, type HttpResult } from '#lib/http.ts';
import { idempotencyContext } from '#lib/idempotency-key.ts';
import { etag, expectedVersionOrNew } from '#lib/preconditions.ts';
import type { RouteSpec } from '#lib/route.ts';
import { listCertifications } from '#use-cases/threads/certifications.ts';
import { getDecision, getDecisionLetter } from '#use-cases/threads/decisions.ts';
import { listMessages, postMessage } from '#use-cases/threads/messages.ts';
import { listSessions, scheduleSession } from '#use-cases/threads/sessions.ts';
import { updateThreadSettings } from '#use-cases/threads/thread-settings.ts';
import { renderLetter } from './letter.ts';
import {
  createSessionRoute,
  getDecisionLetterRoute,
  getDecisionRoute,
  listCertificationsRoute,
  listMessagesRoute,
  listSessionsRoute,
  postMessageRoute,
  threadSettingsRoute,
} from './routes.ts';
import { certificationView, decisionView } from './views.ts';

/** The Idempotency-Key context of a creating request, built when the use case asks for it. */
const idempotencyOf = (req: HttpRequest<RouteSpec>) => () =>
  idempotencyContext(req.principal!.sub, req.headers, { routeKey: req.event.routeKey, path: req.event.rawPath, body: req.body });

const createdAnswer = (body: unknown): HttpResult => ({ status: 201, body });

export const handler = httpHandler([
  implement(listMessagesRoute, async (req) => ({ body: await listMessages(req.principal, req.params.applicationId, req.query) })),

  implement(postMessageRoute, async (req) =>
    postMessage(req.principal, { applicationId: req.params.applicationId, body: req.body.body }, idempotencyOf(req), createdAnswer),
  ),

  implement(threadSettingsRoute, async (req) => {
    const out = await updateThreadSettings(req.principal, {
      applicationId: req.params.applicationId,
      revealReviewerNames: req.body.revealReviewerNames,
      expectedVersion: () => expectedVersionOrNew(req.headers, req.body.version),
    });
    return { body: out, headers: { etag: etag(out.version) } };
  }),

  implement(listSessionsRoute, async (req) => ({ body: { items: await listSessions(req.principal, req.params.applicationId) } })),

  implement(createSessionRoute, async (req) =>
    scheduleSession(req.principal, { applicationId: req.params.applicationId, ...req.body }, idempotencyOf(req), createdAnswer),
  ),

  implement(getDecisionRoute, async (req) => {
    const { application, decision } = await getDecision(req.principal, req.params.applicationId);
    return { body: decisionView(application, decision) };
  }),

  implement(getDecisionLetterRoute, async (req) => {
    const { application, decision: d, componentTitles } = await getDecisionLetter(req.principal, req.params.applicationId);
    const text = renderLetter(d, { pathwayName: application.pathwayName, componentTitles, certification: d.applied ?? {} });
    const filename = `decision-${application.id}-${d.round}.md`;
    return { body: text, headers: { 'content-disposition': `attachment; filename="${filename}"` } };
  }),

  implement(listCertificationsRoute, async (req) => {
    const page = await listCertifications(req.principal, req.params.pathwayId, req.query);
    return { body: { items: page.items.map(certificationView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),
]);
