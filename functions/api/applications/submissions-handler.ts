/**
 * Submitting and withdrawing applications: the two routes that start and end review
 * workflows, apart from the rest of the applications API so that only this function carries
 * the Step Functions client and the rights to start and stop executions.
 */
import { httpHandler, implement } from '../../lib/http.ts';
import { actorOf } from '../../lib/principal.ts';
import { reviewAfterSubmit, reviewAfterWithdraw } from '../../pipeline/start.ts';
import {
  submitApplication,
  withdrawApplication,
  type Application,
} from '../../store/applications.ts';
import { freezeForSubmission } from '../../store/evidence-applications.ts';
import { idempotencyContext } from '../../lib/idempotency-key.ts';
import { idempotent } from '../../store/idempotency.ts';
import { answer, loadApplication, pinnedFramework, transitionActor } from './access.ts';
import { expectedVersion } from '../../lib/preconditions.ts';
import { submitApplicationRoute, withdrawApplicationRoute } from './routes.ts';

export const handler = httpHandler([
  implement(submitApplicationRoute, async (req) => {
    // The header is read before the idempotency check (see openApplication above).
    const { application, access } = await loadApplication(req.principal, req.params.applicationId, 'application.submit');
    const version = expectedVersion(req.headers);
    const ctx = idempotencyContext(req.principal.sub, req.headers, { routeKey: req.event.routeKey, path: req.event.rawPath, body: null });
    let submitted: Application | undefined;
    const result = await idempotent(ctx, async (record) => {
      submitted = await submitApplication({
        application,
        expectedVersion: version,
        actor: actorOf(req.principal),
        transitionActor: transitionActor(access, application),
        framework: await pinnedFramework(application),
        // Evidence (issue 4): the exact versions the responses reference, frozen with the submission.
        evidence: (responses, after) => freezeForSubmission(after, responses),
        extra: (after) => record(answer(after)),
      });
      return answer(submitted);
    });
    // Not on an idempotent replay: ApplicationSubmitted and the review workflow start once.
    if (submitted) await reviewAfterSubmit(submitted, req.principal.sub);
    return result;
  }),

  implement(withdrawApplicationRoute, async (req) => {
    const { application, access } = await loadApplication(req.principal, req.params.applicationId, 'application.withdraw');
    const after = await withdrawApplication(application, expectedVersion(req.headers), actorOf(req.principal), transitionActor(access, application));
    await reviewAfterWithdraw(after);
    return answer(after);
  }),
]);
