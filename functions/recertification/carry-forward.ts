/**
 * The renewal draft starts with the evidence the certified application cited: for each
 * criterion the draft assesses, a response with an empty narrative citing the same items at
 * the versions submitted then (store/evidence-links.ts carryForwardFrom decides what is still
 * available). Idempotent, unlike the API's one-shot carry forward: a criterion that already
 * has a response (a previous attempt, or the team's own edit) is left alone, and a draft the
 * team has already submitted is not touched.
 */
import { ConflictError, PreconditionFailedError } from '#core/errors.ts';
import { criteriaFor } from '#core/framework.ts';
import { getResponse, writeResponse, type Actor } from '#store/applications.ts';
import { getApplication } from '#store/application-reads.ts';
import { carryForwardFrom, refsByCriterion } from '#store/evidence-links.ts';
import { getPublishedFramework } from '#store/frameworks.ts';

export async function carryEvidenceForward(applicationId: string, fromApplicationId: string, actor: Actor): Promise<number> {
  const app = await getApplication(applicationId, true);
  if (!app || app.status !== 'draft') return 0;
  const framework = await getPublishedFramework(app.frameworkId);
  if (!framework) return 0;
  const assessed = new Set(criteriaFor(framework, app.level).map((c) => c.criterion.id));
  const byCriterion = refsByCriterion(await carryForwardFrom(fromApplicationId), assessed);
  let written = 0;
  for (const [criterionId, evidence] of byCriterion) {
    if (await getResponse(app.id, criterionId, true)) continue;
    try {
      await writeResponse({ application: app, criterionId, narrative: '', evidence, expectedVersion: 0, before: undefined, actor });
      written++;
    } catch (error) {
      // 412: written meanwhile; 409: the draft left `draft`. Either way the team's version wins.
      if (error instanceof PreconditionFailedError || error instanceof ConflictError) continue;
      throw error;
    }
  }
  return written;
}
