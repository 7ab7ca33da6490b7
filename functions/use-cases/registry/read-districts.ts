import { hasRole, type Principal } from '#lib/principal.ts';
import type { Page } from '#store/db.ts';
import type { District } from '#store/entities.ts';
import * as registry from '#store/registry.ts';
import { authorize, loadAccess } from '../access.ts';
import { districtTarget } from '../targets.ts';
import { districtWithAccess } from './records.ts';

export async function getDistrict(principal: Principal, id: string): Promise<District> {
  const [d, access] = await districtWithAccess(principal, id);
  authorize(access, 'district.read', districtTarget(d), 'district');
  return d;
}

/** Staff list every district; everyone else the few they work in (their memberships' districts). */
export async function listDistricts(principal: Principal, limit?: number, cursor?: string): Promise<Page<District>> {
  const access = await loadAccess(principal);
  if (hasRole(access, 'staff')) return registry.listDistricts(limit, cursor);
  const ids = access.memberships.map((m) => m.districtId).filter((d): d is string => typeof d === 'string');
  return registry.listDistrictsById([...new Set(ids)], limit, cursor);
}
