import { isEditable } from '../../core/application-status.ts';
import { criteriaFor, criterionIndex } from '../../core/framework.ts';
import { canOpenApplication, type OpenReason } from '../../core/levels.ts';
import { authorize, loadAccess, withAccess } from '../../use-cases/access.ts';
import { nowIso } from '../../lib/clock.ts';
import { httpHandler, implement, type HttpResult } from '../../lib/http.ts';
import { problems, type FieldError } from '../../lib/problem.ts';
import { actorOf } from '../../lib/principal.ts';
import {
  certificationConfig,
  certificationStanding,
  getApplicationWithResponses,
  getOpenApplicationGuard,
  getResponse,
  listApplicationsByStatus,
  listAssignedApplications,
  listPathwayApplications,
  notEditable,
  openApplication,
  writeResponse,
} from '../../store/applications.ts';
import { latestHeadline } from '../../store/outcomes-headline.ts';
import { getPublishedFramework, newestPublishedFramework } from '../../store/frameworks.ts';
import { idempotencyContext } from '../../lib/idempotency-key.ts';
import { idempotent } from '../../store/idempotency.ts';
import { carryForwardInto } from '../../store/evidence-applications.ts';
import { assertLinkable } from '../../store/evidence-links.ts';
import { etag, expectedVersionOrNew } from '../../lib/preconditions.ts';
import {
  getApplicationRoute,
  listApplicationsRoute,
  listPathwayApplicationsRoute,
  openApplicationRoute,
  putResponseRoute,
} from './routes.ts';
import { answer, applicationTarget, loadApplication, loadPathway, pinnedFramework } from './access.ts';

const reasonError = (r: OpenReason): FieldError => ({ in: 'body', field: 'target', message: r.message, code: r.code });

export const handler = httpHandler([
  implement(openApplicationRoute, async (req) => {
    const pathway = await loadPathway(req.principal, req.params.pathwayId, 'application.open');
    // Read before the idempotency check: a guard taken by a first try with the same key is
    // then always accompanied by its recorded answer, which is replayed instead of a 409.
    const [guard, standing] = await Promise.all([getOpenApplicationGuard(pathway.id), certificationStanding(pathway)]);
    const ctx = idempotencyContext(req.principal.sub, req.headers, { routeKey: req.event.routeKey, path: req.event.rawPath, body: req.body });
    return idempotent(ctx, async (record) => {
      const errors: FieldError[] = [];
      const { target, frameworkId } = req.body;
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
      const decision = canOpenApplication({ current: standing, hasOpenApplication: !!guard, target, now: nowIso(), config: certificationConfig() });
      if (decision.ok && framework && criteriaFor(framework, decision.level).length === 0) {
        errors.push({ in: 'body', field: 'frameworkId', message: `framework ${framework.version} has no criteria for ${decision.level}`, code: 'level_not_covered' });
      }
      const reasons = decision.ok ? [] : decision.reasons;
      const onlyOpen = errors.length === 0 && reasons.length > 0 && reasons.every((r) => r.code === 'open_application_exists');
      if (onlyOpen) {
        throw problems.conflict('The pathway already has an open application; finish or withdraw it first.', {
          ...(guard ? { openApplicationId: guard.applicationId } : {}),
        });
      }
      if (reasons.length > 0 || errors.length > 0) {
        throw problems.unprocessable('The pathway cannot open this application.', [...reasons.map(reasonError), ...errors], {
          reasons: reasons.map((r) => r.code),
        });
      }
      if (!decision.ok || !framework) throw new Error('unreachable');
      let result: HttpResult | undefined;
      let opened = false;
      const app = await openApplication({
        pathway,
        target,
        level: decision.level,
        renewal: decision.renewal,
        framework,
        actor: actorOf(req.principal),
        extra: (created) => {
          const first: HttpResult = { ...answer(created, 201), headers: { etag: etag(created.version), location: `/applications/${created.id}` } };
          result = first;
          opened = true;
          return record(first);
        },
      });
      // Evidence (issue 4): a renewal starts with the previous cycle's evidence links.
      if (opened && app.renewal) {
        await carryForwardInto(app, new Set(criteriaFor(framework, app.level).map((c) => c.criterion.id)), actorOf(req.principal));
      }
      return result ?? answer(app, 201);
    });
  }),

  implement(listPathwayApplicationsRoute, async (req) => {
    const pathway = await loadPathway(req.principal, req.params.pathwayId, 'application.list');
    const { status, target, limit, cursor } = req.query;
    return { body: await listPathwayApplications(pathway.id, { status, target }, limit, cursor) };
  }),

  implement(listApplicationsRoute, async (req) => {
    const access = await loadAccess(req.principal);
    const { status, target, limit, cursor } = req.query;
    if (access.groups.includes('staff')) {
      return { body: await listApplicationsByStatus(status ?? 'submitted', { target }, limit, cursor) };
    }
    if (access.groups.includes('reviewer')) {
      return { body: await listAssignedApplications(req.principal.sub, { status, target }, limit, cursor) };
    }
    authorize(access, 'application.queue', { kind: 'network' });
    throw problems.forbidden();
  }),

  implement(getApplicationRoute, async (req) => {
    const [found, access] = await withAccess(req.principal, getApplicationWithResponses(req.params.applicationId));
    if (!found) throw problems.notFound('application');
    authorize(access, 'application.read', applicationTarget(found.application), 'application');
    const { application, responses } = found;
    // Reviewers and staff judge the application with the pathway's outcomes beside it (issue 7):
    // staff see every count, reviewers the suppressed view. The team has its own outcome routes.
    const staff = access.groups.includes('staff');
    const outcomes = staff || access.groups.includes('reviewer') ? { outcomes: await latestHeadline(application.pathwayId, staff) } : {};
    return { body: { ...application, responses, ...outcomes }, headers: { etag: etag(application.version) } };
  }),

  implement(putResponseRoute, async (req) => {
    const { applicationId, criterionId } = req.params;
    const [{ application }, before] = await Promise.all([
      loadApplication(req.principal, applicationId, 'application.edit'),
      getResponse(applicationId, criterionId, true),
    ]);
    if (!isEditable(application.status)) throw notEditable(application);
    const framework = await pinnedFramework(application);
    const located = criterionIndex(framework).get(criterionId);
    if (!located) throw problems.notFound('criterion');
    if (!located.criterion.levels.includes(application.level)) {
      throw problems.unprocessable(`${criterionId} is not assessed at ${application.level} in framework ${framework.version}.`, [
        { in: 'path', field: 'criterionId', message: `not assessed at ${application.level}`, code: 'criterion_not_applicable' },
      ]);
    }
    const version = expectedVersionOrNew(req.headers, req.body.version);
    // Evidence (issue 4): each reference must be an available item of this pathway's library.
    await assertLinkable(application.pathwayId, criterionId, req.body.evidence ?? []);
    const { response, created } = await writeResponse({
      application,
      criterionId,
      narrative: req.body.narrative,
      evidence: req.body.evidence ?? [],
      expectedVersion: version,
      before,
      actor: actorOf(req.principal),
    });
    return { status: created ? 201 : 200, body: response, headers: { etag: etag(response.version) } };
  }),

]);
