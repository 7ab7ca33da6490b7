/** Reading the benefits catalog: a page of it, one entry, and (staff) an entry's audit trail. */
import { NotFoundError } from '#core/errors.ts';
import { hasRole, type Principal } from '#lib/principal.ts';
import { listAudit, type AuditView } from '#store/audit-read.ts';
import { getBenefit as readBenefit, listBenefits as catalogPage, type Benefit } from '#store/benefits.ts';
import type { Page } from '#store/db.ts';
import { authorize, loadAccess } from '../access.ts';
import { loadBenefit, NETWORK } from './load.ts';

/** Inactive entries are listed only for staff who ask for them. */
export async function listBenefits(
  principal: Principal,
  query: { includeInactive: boolean; limit?: number; cursor?: string },
): Promise<Page<Benefit>> {
  const access = await loadAccess(principal);
  authorize(access, 'benefit.read', NETWORK);
  const includeInactive = hasRole(access, 'staff') && query.includeInactive;
  return catalogPage({ includeInactive, limit: query.limit, cursor: query.cursor });
}

export function getBenefit(principal: Principal, id: string): Promise<Benefit> {
  return loadBenefit(principal, id);
}

export async function benefitHistory(
  principal: Principal,
  id: string,
  page: { limit?: number; cursor?: string; newestFirst: boolean },
): Promise<Page<AuditView>> {
  authorize(await loadAccess(principal), 'benefit.manage', NETWORK);
  if (!(await readBenefit(id))) throw new NotFoundError('benefit');
  return listAudit({ kind: 'benefit', id }, page);
}
