import type { Principal } from '#lib/principal.ts';
import type { Page } from '#store/db.ts';
import * as people from '#store/people.ts';
import { pathwayFor, districtFor } from '../targets.ts';

export async function listPathwayMembers(
  principal: Principal,
  pathwayId: string,
  limit?: number,
  cursor?: string,
): Promise<Page<people.MemberView>> {
  const { pathway: p } = await pathwayFor(principal, pathwayId, 'membership.read');
  return people.listPathwayMembers(p.id, limit, cursor);
}

export async function listDistrictMembers(
  principal: Principal,
  districtId: string,
  limit?: number,
  cursor?: string,
): Promise<Page<people.MemberView>> {
  const { district: d } = await districtFor(principal, districtId, 'district.membership.read');
  return people.listDistrictMembers(d.id, limit, cursor);
}
