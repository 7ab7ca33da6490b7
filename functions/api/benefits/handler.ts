import { capacityWindow, requestRefusals, unlockedBy } from '../../core/benefits.ts';
import { authorize, loadAccess, withAccess } from '../../use-cases/access.ts';
import { httpHandler, implement, type HttpResult } from '../../lib/http.ts';
import { nowIso } from '../../lib/clock.ts';
import { actorOf } from '../../lib/principal.ts';
import { problems } from '../../lib/problem.ts';
import { listAudit } from '../../store/audit-read.ts';
import {
  allRequests,
  createBenefit,
  createBenefitRequest,
  getBenefit,
  getBenefitRequest,
  getEntitlement,
  listBenefits,
  listPathwayRequests,
  listRequestsByStatus,
  moveBenefitRequest,
  pathwayStandings,
  replaceBenefit,
  usageOf,
  wholeCatalog,
  type Benefit,
  type BenefitContent,
  type BenefitRequest,
} from '../../store/benefits.ts';
import { idempotencyContext } from '../../lib/idempotency-key.ts';
import { idempotent } from '../../store/idempotency.ts';
import { getPathway } from '../../store/registry.ts';
import { withdrawCertification } from '../../recertification/withdrawal.ts';
import { etag, expectedVersion } from '../../lib/preconditions.ts';
import { pathwayTarget } from '../../use-cases/targets.ts';
import * as r from './routes.ts';

const NETWORK = { kind: 'network' } as const;

function benefitView(b: Benefit) {
  const { createdBy: _c, updatedBy: _u, ...rest } = b;
  return rest;
}

const answer = (b: Benefit, status = 200): HttpResult => ({ status, body: benefitView(b), headers: { etag: etag(b.revision) } });

const requestView = (q: BenefitRequest) => q;

async function loadPathway(principal: Parameters<typeof loadAccess>[0], pathwayId: string, action: 'benefit.pathway.read' | 'benefit.request' | 'benefit.decide' | 'certification.withdraw') {
  const [pathway, access] = await withAccess(principal, getPathway(pathwayId, true));
  if (!pathway) throw problems.notFound('pathway');
  authorize(access, action, pathwayTarget(pathway), 'pathway');
  return pathway;
}

/** A catalog entry the caller may see: inactive ones are staff's. */
async function loadBenefit(principal: Parameters<typeof loadAccess>[0], id: string, consistent = false) {
  const [b, access] = await withAccess(principal, getBenefit(id, consistent));
  authorize(access, 'benefit.read', NETWORK);
  if (!b || (!b.active && !access.groups.includes('staff'))) throw problems.notFound('benefit');
  return { benefit: b, staff: access.groups.includes('staff') };
}

const content = (body: BenefitContent): BenefitContent => body;

export const handler = httpHandler([
  implement(r.listBenefitsRoute, async (req) => {
    const access = await loadAccess(req.principal);
    authorize(access, 'benefit.read', NETWORK);
    const includeInactive = access.groups.includes('staff') && req.query.includeInactive === 'true';
    const page = await listBenefits({ includeInactive, limit: req.query.limit, cursor: req.query.cursor });
    return { body: { ...page, items: page.items.map(benefitView) } };
  }),

  implement(r.getBenefitRoute, async (req) => answer((await loadBenefit(req.principal, req.params.benefitId)).benefit)),

  implement(r.createBenefitRoute, async (req) => {
    authorize(await loadAccess(req.principal), 'benefit.manage', NETWORK);
    const ctx = idempotencyContext(req.principal.sub, req.headers, { routeKey: req.event.routeKey, path: req.event.rawPath, body: req.body });
    return idempotent(ctx, async (record) => {
      let first: HttpResult | undefined;
      const b = await createBenefit(content(req.body), actorOf(req.principal), (created) => {
        first = { ...answer(created, 201), headers: { etag: etag(created.revision), location: `/benefits/${created.id}` } };
        return record(first);
      });
      return first ?? answer(b, 201);
    });
  }),

  implement(r.replaceBenefitRoute, async (req) => {
    const access = await loadAccess(req.principal);
    authorize(access, 'benefit.manage', NETWORK);
    const before = await getBenefit(req.params.benefitId, true);
    if (!before) throw problems.notFound('benefit');
    return answer(await replaceBenefit(before, content(req.body), expectedVersion(req.headers), actorOf(req.principal)));
  }),

  implement(r.benefitHistoryRoute, async (req) => {
    authorize(await loadAccess(req.principal), 'benefit.manage', NETWORK);
    if (!(await getBenefit(req.params.benefitId))) throw problems.notFound('benefit');
    return { body: await listAudit({ kind: 'benefit', id: req.params.benefitId }, { limit: req.query.limit, cursor: req.query.cursor, newestFirst: req.query.order === 'newest' }) };
  }),

  implement(r.pathwayBenefitsRoute, async (req) => {
    const pathway = await loadPathway(req.principal, req.params.pathwayId, 'benefit.pathway.read');
    const [entitlement, catalog] = await Promise.all([getEntitlement(pathway.id), wholeCatalog()]);
    // The pathway's level is the standing; the entitlement (written with it) says when and why it last changed.
    const level = pathway.certificationLevel;
    const ids = new Set(unlockedBy(level, catalog));
    const held = catalog.filter((b) => ids.has(b.id));
    const day = nowIso().slice(0, 10);
    const used = await usageOf(pathway.id, held, day);
    return {
      body: {
        pathwayId: pathway.id,
        level,
        ...(entitlement ? { changedAt: entitlement.changedAt, cause: entitlement.cause } : {}),
        benefits: held.map((b) => ({
          id: b.id,
          title: b.title,
          kind: b.kind,
          minLevel: b.minLevel,
          ...(b.capacity
            ? {
                capacity: {
                  ...b.capacity,
                  window: capacityWindow(b.capacity.period, day),
                  used: used[b.id] ?? 0,
                  remaining: Math.max(0, b.capacity.perPathway - (used[b.id] ?? 0)),
                },
              }
            : {}),
        })),
      },
    };
  }),

  implement(r.createRequestRoute, async (req) => {
    const pathway = await loadPathway(req.principal, req.params.pathwayId, 'benefit.request');
    const benefit = await getBenefit(req.body.benefitId, true);
    if (!benefit) {
      throw problems.unprocessable('No such benefit in the catalog.', [{ in: 'body', field: 'benefitId', message: 'unknown benefit', code: 'unknown_benefit' }]);
    }
    const units = req.body.units ?? 1;
    const at = nowIso();
    const refused = requestRefusals(benefit, pathway.certificationLevel, units, at.slice(0, 10));
    if (refused.length > 0) {
      throw problems.unprocessable(
        refused.map((x) => x.message).join(' '),
        refused.map((x) => ({ in: 'body' as const, field: x.code === 'too_many_units' ? 'units' : 'benefitId', message: x.message, code: x.code })),
      );
    }
    const ctx = idempotencyContext(req.principal.sub, req.headers, { routeKey: req.event.routeKey, path: req.event.rawPath, body: req.body });
    return idempotent(ctx, async (record) => {
      let first: HttpResult | undefined;
      const created = await createBenefitRequest({ pathway, benefit, units, note: req.body.note, actor: actorOf(req.principal), at }, (q) => {
        first = { status: 201, body: requestView(q), headers: { location: `/pathways/${pathway.id}/benefit-requests/${q.id}` } };
        return record(first);
      });
      return first ?? { status: 201, body: requestView(created) };
    });
  }),

  implement(r.listRequestsRoute, async (req) => {
    const pathway = await loadPathway(req.principal, req.params.pathwayId, 'benefit.pathway.read');
    return { body: await listPathwayRequests(pathway.id, { limit: req.query.limit, cursor: req.query.cursor }) };
  }),

  implement(r.decideRequestRoute, async (req) => {
    const pathway = await loadPathway(req.principal, req.params.pathwayId, 'benefit.decide');
    const request = await getBenefitRequest(pathway.id, req.params.requestId, true);
    if (!request) throw problems.notFound('benefit request');
    return { body: requestView(await moveBenefitRequest(request, req.body.decision, actorOf(req.principal), req.body.note)) };
  }),

  implement(r.withdrawRequestRoute, async (req) => {
    const pathway = await loadPathway(req.principal, req.params.pathwayId, 'benefit.request');
    const request = await getBenefitRequest(pathway.id, req.params.requestId, true);
    if (!request) throw problems.notFound('benefit request');
    return { body: requestView(await moveBenefitRequest(request, 'withdrawn', actorOf(req.principal), undefined)) };
  }),

  implement(r.requestQueueRoute, async (req) => {
    authorize(await loadAccess(req.principal), 'benefit.manage', NETWORK);
    return { body: await listRequestsByStatus(req.query.status ?? 'requested', { limit: req.query.limit, cursor: req.query.cursor }) };
  }),

  implement(r.benefitReportRoute, async (req) => {
    authorize(await loadAccess(req.principal), 'benefit.manage', NETWORK);
    const [catalog, pathways, requests] = await Promise.all([wholeCatalog(), pathwayStandings(), allRequests()]);
    const active = pathways.filter((p) => p.status === 'active');
    const reach = (b: Benefit) => active.filter((p) => unlockedBy(p.certificationLevel, [b]).length > 0);
    const scholarships = catalog.filter((b) => b.kind === 'scholarship' && b.active);
    const scholarshipPathways = active.filter((p) => unlockedBy(p.certificationLevel, scholarships).length > 0);
    return {
      body: {
        computedAt: nowIso(),
        scholarshipPathways: scholarshipPathways.length,
        scholarshipStudents: scholarshipPathways.reduce((n, p) => n + (p.enrollment ?? 0), 0),
        benefits: catalog.map((b) => {
          const reached = reach(b);
          const mine = requests.filter((q) => q.benefitId === b.id);
          const count = (s: BenefitRequest['status']) => mine.filter((q) => q.status === s).length;
          return {
            id: b.id,
            title: b.title,
            kind: b.kind,
            minLevel: b.minLevel,
            active: b.active,
            pathways: reached.length,
            students: reached.reduce((n, p) => n + (p.enrollment ?? 0), 0),
            requests: { requested: count('requested'), approved: count('approved'), declined: count('declined'), withdrawn: count('withdrawn') },
            unitsHeld: mine.filter((q) => q.status === 'requested' || q.status === 'approved').reduce((n, q) => n + q.units, 0),
          };
        }),
      },
    };
  }),

  implement(r.withdrawCertificationRoute, async (req) => {
    const pathway = await loadPathway(req.principal, req.params.pathwayId, 'certification.withdraw');
    const ctx = idempotencyContext(req.principal.sub, req.headers, { routeKey: req.event.routeKey, path: req.event.rawPath, body: req.body });
    const view = (w: Awaited<ReturnType<typeof withdrawCertification>>) => ({
      certification: {
        id: w.certification.id,
        level: w.certification.level,
        issuedOn: w.certification.issuedOn,
        validFrom: w.certification.validFrom,
        expiresOn: w.certification.expiresOn,
        status: w.certification.status,
        continuous: w.certification.continuous,
        applicationId: w.certification.applicationId,
        ...(w.certification.previousCertificationId ? { previousCertificationId: w.certification.previousCertificationId } : {}),
        ...(w.certification.withdrawal ? { withdrawal: { at: w.certification.withdrawal.at, reason: w.certification.withdrawal.reason } } : {}),
      },
      pathway: w.pathway,
      benefits: w.benefits,
    });
    return idempotent(ctx, async (record) => {
      const w = await withdrawCertification({
        pathwayId: pathway.id,
        certificationId: req.params.certificationId,
        reason: req.body.reason,
        actor: actorOf(req.principal),
        extra: (result) => record({ status: 200, body: view(result) }),
      });
      return { status: 200, body: view(w) };
    });
  }),
]);
