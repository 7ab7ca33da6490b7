import { checkVersion } from '../../core/versions.ts';
import { actorOf, type Principal } from '../../lib/principal.ts';
import type { District } from '../../store/entities.ts';
import * as registry from '../../store/registry.ts';
import { authorize } from '../access.ts';
import { districtTarget } from '../targets.ts';
import { districtWithAccess } from './records.ts';

export type DistrictChanges = Partial<Pick<District, 'name' | 'state' | 'countyOrRegion'>>;

export async function updateDistrict(principal: Principal, id: string, expectedVersion: number, changes: DistrictChanges): Promise<District> {
  const [d, access] = await districtWithAccess(principal, id);
  authorize(access, 'district.update', districtTarget(d), 'district');
  checkVersion(d.version, expectedVersion);
  return registry.updateDistrict(d, expectedVersion, changes, actorOf(principal));
}
