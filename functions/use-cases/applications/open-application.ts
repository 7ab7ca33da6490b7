/**
 * A pathway team (or staff) opens an application: the target level, checked against the
 * pathway's certification standing, the one-open-application rule and the framework version
 * it pins. A renewal starts with the previous cycle's evidence links.
 */
import { ConflictError, UnprocessableError, type FieldIssue } from '#core/errors.ts';
import { criteriaFor } from '#core/framework.ts';
import { canOpenApplication, type ApplicationTarget, type OpenReason } from '#core/levels.ts';
import { nowIso } from '#lib/clock.ts';
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import {
  certificationConfig,
  certificationStanding,
  getOpenApplicationGuard,
  openApplication as createDraft,
} from '#store/applications.ts';
import type { Application } from '#store/application-reads.ts';
import { carryForwardInto } from '#store/evidence-applications.ts';
import { getPublishedFramework, newestPublishedFramework } from '#store/frameworks.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import type { Deferred } from '../deferred.ts';
import { pathwayFor } from '../targets.ts';

export interface OpenApplicationInput {
  pathwayId: string;
  target: ApplicationTarget;
  /** The framework version to pin; the newest published one when absent. */
  frameworkId?: string;
}

const reasonIssue = (r: OpenReason): FieldIssue => ({ in: 'body', field: 'target', message: r.message, code: r.code });

/**
 * Opens the application once per Idempotency-Key; `answer` renders the created application
 * (it is recorded with it, and a retry with the same key gets that answer back).
 * `idempotency` is read after the pathway is authorized, as the route always did.
 */
export async function openApplication(
  principal: Principal,
  input: OpenApplicationInput,
  idempotency: Deferred<IdempotencyContext>,
  answer: (created: Application) => RecordedAnswer,
): Promise<RecordedAnswer> {
  const { pathway } = await pathwayFor(principal, input.pathwayId, 'application.open');
  // Read before the idempotency check: a guard taken by a first try with the same key is
  // then always accompanied by its recorded answer, which is replayed instead of a 409.
  const [guard, standing] = await Promise.all([getOpenApplicationGuard(pathway.id), certificationStanding(pathway)]);
  return idempotent(idempotency(), async (record) => {
    const errors: FieldIssue[] = [];
    const { target, frameworkId } = input;
    const framework = frameworkId ? await getPublishedFramework(frameworkId) : await newestPublishedFramework();
    if (!framework) {
      errors.push(
        frameworkId
          ? { in: 'body', field: 'frameworkId', message: 'is not a published framework version', code: 'framework_not_published' }
          : { in: 'body', field: 'frameworkId', message: 'no framework version is published yet', code: 'no_published_framework' },
      );
    }
    if (pathway.status !== 'active') {
      errors.push({ in: 'body', field: 'pathwayId', message: 'the pathway is inactive', code: 'pathway_inactive' });
    }
    const decision = canOpenApplication({
      current: standing,
      hasOpenApplication: !!guard,
      target,
      now: nowIso(),
      config: certificationConfig(),
    });
    if (decision.ok && framework && criteriaFor(framework, decision.level).length === 0) {
      errors.push({
        in: 'body',
        field: 'frameworkId',
        message: `framework ${framework.version} has no criteria for ${decision.level}`,
        code: 'level_not_covered',
      });
    }
    const reasons = decision.ok ? [] : decision.reasons;
    const onlyOpen = errors.length === 0 && reasons.length > 0 && reasons.every((r) => r.code === 'open_application_exists');
    if (onlyOpen) {
      throw new ConflictError('The pathway already has an open application; finish or withdraw it first.', {
        ...(guard ? { openApplicationId: guard.applicationId } : {}),
      });
    }
    if (reasons.length > 0 || errors.length > 0) {
      throw new UnprocessableError('The pathway cannot open this application.', [...reasons.map(reasonIssue), ...errors], {
        reasons: reasons.map((r) => r.code),
      });
    }
    if (!decision.ok || !framework) throw new Error('unreachable');
    let result: RecordedAnswer | undefined;
    const app = await createDraft({
      pathway,
      target,
      level: decision.level,
      renewal: decision.renewal,
      framework,
      actor: actorOf(principal),
      extra: (created) => {
        result = answer(created);
        return record(result);
      },
    });
    // Evidence (issue 4): a renewal starts with the previous cycle's evidence links.
    if (result && app.renewal) {
      await carryForwardInto(app, new Set(criteriaFor(framework, app.level).map((c) => c.criterion.id)), actorOf(principal));
    }
    return result ?? answer(app);
  });
}
