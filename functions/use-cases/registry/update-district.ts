import { checkVersion } from '#core/versions.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import type { District } from '#store/entities.ts';
import * as registry from '#store/registry.ts';
import { authorize } from '../access.ts';
import type { Deferred } from '../deferred.ts';
import { districtTarget } from '../targets.ts';
import { districtWithAccess } from './records.ts';

export type DistrictChanges = Partial<Pick<District, 'name' | 'state' | 'countyOrRegion'>>;

export async function updateDistrict(
  principal: Principal,
  id: string,
  expectedVersion: Deferred<number>,
  changes: Deferred<DistrictChanges>,
): Promise<District> {
  const [d, access] = await districtWithAccess(principal, id);
  authorize(access, 'district.update', districtTarget(d), 'district');
  const version = expectedVersion();
  const edits = changes();
  checkVersion(d.version, version);
  return registry.updateDistrict(d, version, edits, actorOf(principal));
}
