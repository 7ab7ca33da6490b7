/**
 * Submitting and withdrawing applications: the two routes that start and end review
 * workflows, apart from the rest of the applications API so that only this function carries
 * the Step Functions client and the rights to start and stop executions.
 */
import { httpHandler, implement } from '#lib/http.ts';
import { idempotencyContext } from '#lib/idempotency-key.ts';
import { expectedVersion } from '#lib/preconditions.ts';
import { submitApplication } from '#use-cases/applications/submit-application.ts';
import { withdrawApplication } from '#use-cases/applications/withdraw-application.ts';
import { submitApplicationRoute, withdrawApplicationRoute } from './routes.ts';
import { answer } from './views.ts';

export const handler = httpHandler([
  implement(submitApplicationRoute, async (req) =>
    submitApplication(req.principal, {
      applicationId: req.params.applicationId,
      expectedVersion: () => expectedVersion(req.headers),
      idempotency: () =>
        idempotencyContext(req.principal.sub, req.headers, { routeKey: req.event.routeKey, path: req.event.rawPath, body: null }),
      answer: (submitted) => answer(submitted),
    }),
  ),

  implement(withdrawApplicationRoute, async (req) =>
    answer(await withdrawApplication(req.principal, req.params.applicationId, () => expectedVersion(req.headers))),
  ),
]);
