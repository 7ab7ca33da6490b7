/** A pathway's industry and community partners: recording one (idempotent creation) and the list. */
import { newId } from '#core/ids.ts';
import { nowIso } from '#lib/clock.ts';
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import { createPartner as storePartner, listPathwayPartners, type Partner } from '#store/outcomes-partners.ts';
import type { Deferred } from '../deferred.ts';

import { checkReportExport, type ReportFormat } from './report-export.ts';
import { pathwayFor } from '../targets.ts';

export type NewPartner = Pick<Partner, 'organization' | 'sector' | 'engagement' | 'studentsServed' | 'schoolYear'>;

/** Records a partner; `answer` renders it (stored with it for idempotent retries). */
export async function createPartner(
  principal: Principal,
  input: { pathwayId: string; partner: NewPartner },
  idempotency: Deferred<IdempotencyContext>,
  answer: (created: Partner) => RecordedAnswer,
): Promise<RecordedAnswer> {
  const { pathway } = await pathwayFor(principal, input.pathwayId, 'partner.manage');
  const p = input.partner;
  return idempotent(idempotency(), async (record) => {
    const at = nowIso();
    const partner: Partner = {
      id: newId('partner', Date.parse(at)),
      pathwayId: pathway.id,
      districtId: pathway.districtId,
      organization: p.organization,
      sector: p.sector,
      engagement: p.engagement,
      studentsServed: p.studentsServed,
      ...(p.schoolYear ? { schoolYear: p.schoolYear } : {}),
      createdAt: at,
      createdBy: actorOf(principal),
    };
    const result = answer(partner);
    await storePartner(partner, record(result));
    return result;
  });
}

export async function listPartners(
  principal: Principal,
  input: { pathwayId: string; limit?: number; cursor?: string; format?: ReportFormat },
) {
  const { pathway, access } = await pathwayFor(principal, input.pathwayId, 'partner.read');
  const page = await listPathwayPartners(pathway.id, input.limit, input.cursor);
  checkReportExport(access, input.format);
  return page;
}
