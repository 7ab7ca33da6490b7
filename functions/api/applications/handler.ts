import { pathwayRole, type AccessContext, type Target } from '../../core/access.ts';
import { isEditable, type TransitionActor } from '../../core/application-status.ts';
import { criteriaFor, criterionIndex } from '../../core/framework.ts';
import { canOpenApplication, type OpenReason } from '../../core/levels.ts';
import { authorize, loadAccess, withAccess } from '../../lib/authorize.ts';
import { nowIso } from '../../lib/clock.ts';
import { httpHandler, implement, type HttpResult } from '../../lib/http.ts';
import type { Principal } from '../../lib/principal.ts';
import { problems, type FieldError } from '../../lib/problem.ts';
import {
  afterSubmit,
  afterWithdraw,
  certificationConfig,
  certificationStanding,
  getApplication,
  getApplicationWithResponses,
  getOpenApplicationGuard,
  getResponse,
  IncompleteApplication,
  listApplicationsByStatus,
  listAssignedApplications,
  listPathwayApplications,
  notEditable,
  openApplication,
  submitApplication,
  withdrawApplication,
  writeResponse,
  type Actor,
  type Application,
} from '../../store/applications.ts';
import type { Pathway } from '../../store/entities.ts';
import { latestHeadline } from '../../store/outcomes-headline.ts';
import { getPublishedFramework, newestPublishedFramework, type StoredFramework } from '../../store/frameworks.ts';
import { idempotencyContext, idempotent } from '../../store/idempotency.ts';
import { getPathway } from '../../store/registry.ts';
import { carryForwardInto, freezeForSubmission } from '../../store/evidence-applications.ts';
import { assertLinkable } from '../../store/evidence-links.ts';
import { etag, expectedVersion, expectedVersionOrNew } from './preconditions.ts';
import {
  getApplicationRoute,
  listApplicationsRoute,
  listPathwayApplicationsRoute,
  openApplicationRoute,
  putResponseRoute,
  submitApplicationRoute,
  withdrawApplicationRoute,
} from './routes.ts';

const actorOf = (p: Principal): Actor => ({ sub: p.sub, ...(p.name ? { name: p.name } : {}), ...(p.email ? { email: p.email } : {}) });

const pathwayTarget = (p: Pathway): Target => ({ kind: 'pathway', districtId: p.districtId, schoolId: p.schoolId, pathwayId: p.id });
const applicationTarget = (a: Application): Target => ({
  kind: 'application',
  districtId: a.districtId,
  schoolId: a.schoolId,
  pathwayId: a.pathwayId,
  applicationId: a.id,
});

/** Who makes a status move: the pathway's lead acts as the team; anyone else allowed here is staff. */
const transitionActor = (access: AccessContext, a: Application): TransitionActor =>
  pathwayRole(access, a.pathwayId) === 'lead' ? 'team_lead' : 'staff';

const answer = (a: Application, status = 200) => ({ status, body: a, headers: { etag: etag(a.version) } });

async function loadPathway(principal: Principal, id: string, action: 'application.open' | 'application.list') {
  const [pathway, access] = await withAccess(principal, getPathway(id));
  if (!pathway) throw problems.notFound('pathway');
  authorize(access, action, pathwayTarget(pathway), 'pathway');
  return pathway;
}

async function loadApplication(principal: Principal, id: string, action: 'application.edit' | 'application.submit' | 'application.withdraw') {
  // Consistent: status moves are decided on this read (and then re-checked by the write's condition).
  const [application, access] = await withAccess(principal, getApplication(id, true));
  if (!application) throw problems.notFound('application');
  authorize(access, action, applicationTarget(application), 'application');
  return { application, access };
}

/** The pinned framework; always published (only published versions can be pinned). */
async function pinnedFramework(a: Application): Promise<StoredFramework> {
  const f = await getPublishedFramework(a.frameworkId);
  if (!f) throw new Error(`application ${a.id} pins framework ${a.frameworkId}, which is not a published framework`);
  return f;
}

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

  implement(submitApplicationRoute, async (req) => {
    // The header is read before the idempotency check (see openApplication above).
    const { application, access } = await loadApplication(req.principal, req.params.applicationId, 'application.submit');
    const version = expectedVersion(req.headers);
    const ctx = idempotencyContext(req.principal.sub, req.headers, { routeKey: req.event.routeKey, path: req.event.rawPath, body: null });
    let submitted: Application | undefined;
    const result = await idempotent(ctx, async (record) => {
      try {
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
      } catch (error) {
        if (error instanceof IncompleteApplication) {
          throw problems.unprocessable(
            `The application is not complete for ${application.level}: ${error.gaps.length} gap(s).`,
            error.gaps.map((g) => ({ in: 'body', field: `responses.${g.criterionId}`, message: g.message, code: g.code })),
            { gaps: error.gaps },
          );
        }
        throw error;
      }
      return answer(submitted);
    });
    if (submitted) await afterSubmit(submitted, req.principal.sub);
    return result;
  }),

  implement(withdrawApplicationRoute, async (req) => {
    const { application, access } = await loadApplication(req.principal, req.params.applicationId, 'application.withdraw');
    const after = await withdrawApplication(application, expectedVersion(req.headers), actorOf(req.principal), transitionActor(access, application));
    await afterWithdraw(after);
    return answer(after);
  }),
]);
