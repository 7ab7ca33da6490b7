/**
 * Requests for capacity-limited benefits: a pathway asks (its level, the benefit's window
 * and the units left are checked, then taken in one transaction), staff decide, the pathway
 * may withdraw while it waits; declined and withdrawn requests give their units back
 * (store/benefits.ts).
 */
import { requestRefusals, type RequestStatus } from '#core/benefits.ts';
import { NotFoundError, UnprocessableError } from '#core/errors.ts';
import { nowIso } from '#lib/clock.ts';
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import {
  createBenefitRequest,
  getBenefit,
  getBenefitRequest,
  listPathwayRequests,
  listRequestsByStatus,
  moveBenefitRequest,
  type BenefitRequest,
} from '#store/benefits.ts';
import type { Page } from '#store/db.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import { authorize, loadAccess } from '../access.ts';
import type { Deferred } from '../deferred.ts';
import { NETWORK } from './load.ts';
import { pathwayFor } from '../targets.ts';

interface PageQuery {
  limit?: number;
  cursor?: string;
}

/** `answer` renders the new request; a retry with the same key replays that rendering. */
export async function requestBenefit(
  principal: Principal,
  pathwayId: string,
  input: { benefitId: string; units?: number; note?: string },
  idempotency: Deferred<IdempotencyContext>,
  answer: (created: BenefitRequest) => RecordedAnswer,
): Promise<RecordedAnswer> {
  const { pathway } = await pathwayFor(principal, pathwayId, 'benefit.request', true);
  const benefit = await getBenefit(input.benefitId, true);
  if (!benefit) {
    throw new UnprocessableError('No such benefit in the catalog.', [
      { in: 'body', field: 'benefitId', message: 'unknown benefit', code: 'unknown_benefit' },
    ]);
  }
  const units = input.units ?? 1;
  const at = nowIso();
  const refused = requestRefusals(benefit, pathway.certificationLevel, units, at.slice(0, 10));
  if (refused.length > 0) {
    throw new UnprocessableError(
      refused.map((x) => x.message).join(' '),
      refused.map((x) => ({
        in: 'body' as const,
        field: x.code === 'too_many_units' ? 'units' : 'benefitId',
        message: x.message,
        code: x.code,
      })),
    );
  }
  return idempotent(idempotency(), async (record) => {
    let first: RecordedAnswer | undefined;
    const created = await createBenefitRequest({ pathway, benefit, units, note: input.note, actor: actorOf(principal), at }, (q) => {
      first = answer(q);
      return record(first);
    });
    return first ?? answer(created);
  });
}

/** A request of the pathway, read consistently: the move is decided on it. */
async function waitingRequest(pathwayId: string, requestId: string): Promise<BenefitRequest> {
  const request = await getBenefitRequest(pathwayId, requestId, true);
  if (!request) throw new NotFoundError('benefit request');
  return request;
}

export async function decideBenefitRequest(
  principal: Principal,
  pathwayId: string,
  requestId: string,
  decision: 'approved' | 'declined',
  note: string | undefined,
): Promise<BenefitRequest> {
  const { pathway } = await pathwayFor(principal, pathwayId, 'benefit.decide', true);
  return moveBenefitRequest(await waitingRequest(pathway.id, requestId), decision, actorOf(principal), note);
}

export async function withdrawBenefitRequest(principal: Principal, pathwayId: string, requestId: string): Promise<BenefitRequest> {
  const { pathway } = await pathwayFor(principal, pathwayId, 'benefit.request', true);
  return moveBenefitRequest(await waitingRequest(pathway.id, requestId), 'withdrawn', actorOf(principal), undefined);
}

export async function listPathwayBenefitRequests(principal: Principal, pathwayId: string, page: PageQuery): Promise<Page<BenefitRequest>> {
  const { pathway } = await pathwayFor(principal, pathwayId, 'benefit.pathway.read', true);
  return listPathwayRequests(pathway.id, { limit: page.limit, cursor: page.cursor });
}

/** Staff's queue: requests of one status (waiting ones unless told), oldest first. */
export async function benefitRequestQueue(
  principal: Principal,
  status: RequestStatus | undefined,
  page: PageQuery,
): Promise<Page<BenefitRequest>> {
  authorize(await loadAccess(principal), 'benefit.manage', NETWORK);
  return listRequestsByStatus(status ?? 'requested', { limit: page.limit, cursor: page.cursor });
}
