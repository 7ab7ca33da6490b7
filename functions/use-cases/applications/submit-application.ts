/**
 * The team lead submits the application for review: complete responses, the cited evidence
 * versions frozen with it, then ApplicationSubmitted and the review workflow (pipeline/start.ts).
 */
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import { reviewAfterSubmit } from '#pipeline/start.ts';
import { submitApplication as storeSubmit } from '#store/applications.ts';
import type { Application } from '#store/application-reads.ts';
import { freezeForSubmission } from '#store/evidence-applications.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import type { Deferred } from '../deferred.ts';
import { pinnedFramework, transitionActor } from './editing.ts';
import { loadApplication } from './load-application.ts';

export interface SubmitInput {
  applicationId: string;
  /** The version the caller submits; read once the caller is authorized (before the key, as the route did). */
  expectedVersion: Deferred<number>;
  idempotency: Deferred<IdempotencyContext>;
  /** Renders the submitted application: recorded under the key, so a retry replays it. */
  answer: (submitted: Application) => RecordedAnswer;
}

export async function submitApplication(principal: Principal, input: SubmitInput): Promise<RecordedAnswer> {
  const { application, access } = await loadApplication(principal, input.applicationId, 'application.submit');
  const version = input.expectedVersion();
  let submitted: Application | undefined;
  const result = await idempotent(input.idempotency(), async (record) => {
    submitted = await storeSubmit({
      application,
      expectedVersion: version,
      actor: actorOf(principal),
      transitionActor: transitionActor(access, application),
      framework: await pinnedFramework(application),
      // Evidence (issue 4): the exact versions the responses reference, frozen with the submission.
      evidence: (responses, after) => freezeForSubmission(after, responses),
      extra: (after) => record(input.answer(after)),
    });
    return input.answer(submitted);
  });
  // Not on an idempotent replay: ApplicationSubmitted and the review workflow start once.
  if (submitted) await reviewAfterSubmit(submitted, principal.sub);
  return result;
}
