import { hasRole, type Principal } from '#lib/principal.ts';
import type { Page } from '#store/db.ts';
import type { Pathway } from '#store/entities.ts';
import * as registry from '#store/registry.ts';
import { authorize, loadAccess } from '../access.ts';
import { districtTarget, pathwayTarget, schoolTarget } from '../targets.ts';
import { districtWithAccess, pathwayWithAccess, schoolWithAccess } from './records.ts';

/** The stored pathway (with its `leadCount`, which the edge leaves out of the answer). */
export async function getPathway(principal: Principal, id: string): Promise<registry.StoredPathway> {
  const [p, access] = await pathwayWithAccess(principal, id);
  authorize(access, 'pathway.read', pathwayTarget(p), 'pathway');
  return p;
}

/** Staff see every pathway; everyone else their districts' and their teams' pathways. */
export async function listPathways(
  principal: Principal,
  filter: registry.PathwayFilter,
  limit?: number,
  cursor?: string,
): Promise<Page<Pathway>> {
  const access = await loadAccess(principal);
  if (hasRole(access, 'staff')) return registry.listAllPathways(filter, limit, cursor);
  const districtIds = access.memberships.flatMap((m) => (m.kind === 'district' ? [m.districtId] : []));
  const pathwayIds = access.memberships.flatMap((m) => (m.kind === 'pathway' ? [m.pathwayId] : []));
  return registry.listVisiblePathways({ districtIds, pathwayIds }, filter, limit, cursor);
}

export async function listDistrictPathways(
  principal: Principal,
  districtId: string,
  filter: registry.PathwayFilter,
  limit?: number,
  cursor?: string,
): Promise<Page<Pathway>> {
  const [d, access] = await districtWithAccess(principal, districtId);
  authorize(access, 'pathway.list', districtTarget(d), 'district');
  return registry.listDistrictPathways(d.id, filter, limit, cursor);
}

export async function listSchoolPathways(
  principal: Principal,
  schoolId: string,
  filter: registry.PathwayFilter,
  limit?: number,
  cursor?: string,
): Promise<Page<Pathway>> {
  const [s, access] = await schoolWithAccess(principal, schoolId);
  authorize(access, 'pathway.list', schoolTarget(s), 'school');
  return registry.listSchoolPathways(s.id, filter, limit, cursor);
}
