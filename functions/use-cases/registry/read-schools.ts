import type { Principal } from '#lib/principal.ts';
import type { Page } from '#store/db.ts';
import type { School } from '#store/entities.ts';
import * as registry from '#store/registry.ts';
import { authorize } from '../access.ts';
import { districtTarget, schoolTarget } from '../targets.ts';
import { districtWithAccess, schoolWithAccess } from './records.ts';

export async function getSchool(principal: Principal, id: string): Promise<School> {
  const [s, access] = await schoolWithAccess(principal, id);
  authorize(access, 'school.read', schoolTarget(s), 'school');
  return s;
}

export async function listSchools(principal: Principal, districtId: string, limit?: number, cursor?: string): Promise<Page<School>> {
  const [d, access] = await districtWithAccess(principal, districtId);
  authorize(access, 'school.list', districtTarget(d), 'district');
  return registry.listSchools(d.id, limit, cursor);
}
