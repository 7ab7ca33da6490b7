/**
 * The team writes its response to one criterion of the pinned framework, while the
 * application is editable, citing evidence items of the pathway's library.
 */
import { isEditable } from '#core/application-status.ts';
import { NotFoundError, UnprocessableError } from '#core/errors.ts';
import { criterionIndex } from '#core/framework.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import { getResponse, notEditable, writeResponse as storeResponse, type EvidenceRef, type ResponseRecord } from '#store/applications.ts';
import { assertLinkable } from '#store/evidence-links.ts';
import type { Deferred } from '../deferred.ts';
import { pinnedFramework } from './editing.ts';
import { loadApplication } from './load-application.ts';

export interface ResponseInput {
  applicationId: string;
  criterionId: string;
  narrative: string;
  evidence?: EvidenceRef[];
  /**
   * The version the caller edited (0: none yet). Read once the caller, the status and the
   * criterion have passed, so a refusal of those answers before a missing or bad version.
   */
  expectedVersion: Deferred<number>;
}

export async function writeResponse(principal: Principal, input: ResponseInput): Promise<{ response: ResponseRecord; created: boolean }> {
  const { applicationId, criterionId } = input;
  const [{ application }, before] = await Promise.all([
    loadApplication(principal, applicationId, 'application.edit'),
    getResponse(applicationId, criterionId, true),
  ]);
  if (!isEditable(application.status)) throw notEditable(application);
  const framework = await pinnedFramework(application);
  const located = criterionIndex(framework).get(criterionId);
  if (!located) throw new NotFoundError('criterion');
  if (!located.criterion.levels.includes(application.level)) {
    throw new UnprocessableError(`${criterionId} is not assessed at ${application.level} in framework ${framework.version}.`, [
      { in: 'path', field: 'criterionId', message: `not assessed at ${application.level}`, code: 'criterion_not_applicable' },
    ]);
  }
  const version = input.expectedVersion();
  const evidence = input.evidence ?? [];
  // Evidence (issue 4): each reference must be an available item of this pathway's library.
  await assertLinkable(application.pathwayId, criterionId, evidence);
  return storeResponse({
    application,
    criterionId,
    narrative: input.narrative,
    evidence,
    expectedVersion: version,
    before,
    actor: actorOf(principal),
  });
}
