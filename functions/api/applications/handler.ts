import { httpHandler, implement } from '#lib/http.ts';
import { idempotencyContext } from '#lib/idempotency-key.ts';
import { etag, expectedVersionOrNew } from '#lib/preconditions.ts';
import { openApplication } from '#use-cases/applications/open-application.ts';
import { getApplication, listApplications, listPathwayApplications } from '#use-cases/applications/read-application.ts';
import { writeResponse } from '#use-cases/applications/write-response.ts';
import {
  getApplicationRoute,
  listApplicationsRoute,
  listPathwayApplicationsRoute,
  openApplicationRoute,
  putResponseRoute,
} from './routes.ts';
import { created } from './views.ts';

export const handler = httpHandler([
  implement(openApplicationRoute, async (req) => {
    const idempotency = () =>
      idempotencyContext(req.principal.sub, req.headers, { routeKey: req.event.routeKey, path: req.event.rawPath, body: req.body });
    return openApplication(req.principal, { pathwayId: req.params.pathwayId, ...req.body }, idempotency, created);
  }),

  implement(listPathwayApplicationsRoute, async (req) => ({
    body: await listPathwayApplications(req.principal, req.params.pathwayId, req.query),
  })),

  implement(listApplicationsRoute, async (req) => ({ body: await listApplications(req.principal, req.query) })),

  implement(getApplicationRoute, async (req) => {
    const { application, ...beside } = await getApplication(req.principal, req.params.applicationId);
    return { body: { ...application, ...beside }, headers: { etag: etag(application.version) } };
  }),

  implement(putResponseRoute, async (req) => {
    const { applicationId, criterionId } = req.params;
    const { narrative, evidence, version } = req.body;
    const { response, created: isNew } = await writeResponse(req.principal, {
      applicationId,
      criterionId,
      narrative,
      evidence,
      expectedVersion: () => expectedVersionOrNew(req.headers, version),
    });
    return { status: isNew ? 201 : 200, body: response, headers: { etag: etag(response.version) } };
  }),
]);
