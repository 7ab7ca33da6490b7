import type { Principal } from '#lib/principal.ts';
import type { Page } from '#store/db.ts';
import * as people from '#store/people.ts';
import { authorizedDistrict, authorizedPathway } from './scopes.ts';

export async function listPathwayMembers(
  principal: Principal,
  pathwayId: string,
  limit?: number,
  cursor?: string,
): Promise<Page<people.MemberView>> {
  const p = await authorizedPathway(principal, pathwayId, 'membership.read');
  return people.listPathwayMembers(p.id, limit, cursor);
}

export async function listDistrictMembers(
  principal: Principal,
  districtId: string,
  limit?: number,
  cursor?: string,
): Promise<Page<people.MemberView>> {
  const d = await authorizedDistrict(principal, districtId, 'district.membership.read');
  return people.listDistrictMembers(d.id, limit, cursor);
}
