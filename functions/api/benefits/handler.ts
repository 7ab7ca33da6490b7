/**
 * Network benefits (docs/benefits.md) and staff withdrawal of a certification: parse, call
 * one use case (functions/use-cases/benefits), render.
 */
import { httpHandler, implement, type HttpResult } from '#lib/http.ts';
import { creationContext } from '#lib/idempotency-key.ts';
import { etagHeader, expectedVersion } from '#lib/preconditions.ts';
import type { Benefit } from '#store/benefits.ts';
import { benefitReport } from '#use-cases/benefits/benefit-report.ts';
import { createBenefit, replaceBenefit } from '#use-cases/benefits/edit-catalog.ts';
import { getPathwayBenefits } from '#use-cases/benefits/pathway-benefits.ts';
import { benefitHistory, getBenefit, listBenefits } from '#use-cases/benefits/read-catalog.ts';
import {
  benefitRequestQueue,
  decideBenefitRequest,
  listPathwayBenefitRequests,
  requestBenefit,
  withdrawBenefitRequest,
} from '#use-cases/benefits/requests.ts';
import { withdrawCertification, type WithdrawalResult } from '#use-cases/benefits/withdraw-certification.ts';
import * as r from './routes.ts';

function benefitView(b: Benefit) {
  const { createdBy: _c, updatedBy: _u, ...rest } = b;
  return rest;
}

const answer = (b: Benefit, status = 200): HttpResult => ({ status, body: benefitView(b), headers: etagHeader(b.revision) });

/** The withdrawn certification as the API shows it, with the pathway's standing and the benefits it changed. */
const withdrawalView = (w: WithdrawalResult) => ({
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

const page = (q: { limit?: number; cursor?: string }) => ({ limit: q.limit, cursor: q.cursor });

export const handler = httpHandler([
  implement(r.listBenefitsRoute, async (req) => {
    const list = await listBenefits(req.principal, { ...page(req.query), includeInactive: req.query.includeInactive === 'true' });
    return { body: { ...list, items: list.items.map(benefitView) } };
  }),

  implement(r.getBenefitRoute, async (req) => answer(await getBenefit(req.principal, req.params.benefitId))),

  implement(r.createBenefitRoute, async (req) =>
    createBenefit(
      req.principal,
      req.body,
      () => creationContext(req, r.createBenefitRoute),
      (created) => ({
        ...answer(created, 201),
        headers: { ...etagHeader(created.revision), location: `/benefits/${created.id}` },
      }),
    ),
  ),

  implement(r.replaceBenefitRoute, async (req) =>
    answer(await replaceBenefit(req.principal, req.params.benefitId, req.body, () => expectedVersion(req.headers))),
  ),

  implement(r.benefitHistoryRoute, async (req) => ({
    body: await benefitHistory(req.principal, req.params.benefitId, { ...page(req.query), newestFirst: req.query.order === 'newest' }),
  })),

  implement(r.pathwayBenefitsRoute, async (req) => ({ body: await getPathwayBenefits(req.principal, req.params.pathwayId) })),

  implement(r.createRequestRoute, async (req) =>
    requestBenefit(
      req.principal,
      req.params.pathwayId,
      req.body,
      () => creationContext(req, r.createRequestRoute),
      (q) => ({
        status: 201,
        body: q,
        headers: { location: `/pathways/${q.pathwayId}/benefit-requests/${q.id}` },
      }),
    ),
  ),

  implement(r.listRequestsRoute, async (req) => ({
    body: await listPathwayBenefitRequests(req.principal, req.params.pathwayId, page(req.query)),
  })),

  implement(r.decideRequestRoute, async (req) => ({
    body: await decideBenefitRequest(req.principal, req.params.pathwayId, req.params.requestId, req.body.decision, req.body.note),
  })),

  implement(r.withdrawRequestRoute, async (req) => ({
    body: await withdrawBenefitRequest(req.principal, req.params.pathwayId, req.params.requestId),
  })),

  implement(r.requestQueueRoute, async (req) => ({ body: await benefitRequestQueue(req.principal, req.query.status, page(req.query)) })),

  implement(r.benefitReportRoute, async (req) => ({ body: await benefitReport(req.principal) })),

  implement(r.withdrawCertificationRoute, async (req) => {
    const input = { pathwayId: req.params.pathwayId, certificationId: req.params.certificationId, reason: req.body.reason };
    return withdrawCertification(
      req.principal,
      input,
      () => creationContext(req, r.withdrawCertificationRoute),
      (w) => ({ status: 200, body: withdrawalView(w) }),
    );
  }),
]);
