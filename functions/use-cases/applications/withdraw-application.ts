/**
 * The team lead or staff withdraw an open application; its review, if one runs, closes
 * (open reviews vacated, the workflow's waits answered: pipeline/start.ts).
 */
import { actorOf, type Principal } from '#lib/principal.ts';
import { reviewAfterWithdraw } from '#pipeline/start.ts';
import { withdrawApplication as storeWithdraw } from '#store/applications.ts';
import type { Application } from '#store/application-reads.ts';
import type { Deferred } from '../deferred.ts';
import { transitionActor } from './editing.ts';
import { loadApplication } from './load-application.ts';

/** `expectedVersion` is read once the caller is authorized (a refused caller learns nothing of versions). */
export async function withdrawApplication(
  principal: Principal,
  applicationId: string,
  expectedVersion: Deferred<number>,
): Promise<Application> {
  const { application, access } = await loadApplication(principal, applicationId, 'application.withdraw');
  const after = await storeWithdraw(application, expectedVersion(), actorOf(principal), transitionActor(access, application));
  await reviewAfterWithdraw(after);
  return after;
}
