/**
 * The targets of the outcome use cases: a district or a pathway from the registry, read
 * beside the caller's access (withAccess) and authorized on its stored ancestry.
 */
import type { Action } from '#core/access.ts';
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { getDistrict, getPathway } from '#store/registry.ts';
import { authorize, withAccess } from '../access.ts';
import { pathwayTarget } from '../targets.ts';

async function loadDistrict(id: string) {
  const d = await getDistrict(id);
  if (!d) throw new NotFoundError('district');
  return d;
}

async function loadPathway(id: string) {
  const p = await getPathway(id);
  if (!p) throw new NotFoundError('pathway');
  return p;
}

/** The district and the caller's access; 404 or 403 unless they may do `action` on it. */
export async function districtFor(principal: Principal, districtId: string, action: Action) {
  const [district, access] = await withAccess(principal, loadDistrict(districtId));
  authorize(access, action, { kind: 'district', districtId: district.id }, 'district');
  return { district, access };
}

/** The pathway and the caller's access; 404 or 403 unless they may do `action` on it. */
export async function pathwayFor(principal: Principal, pathwayId: string, action: Action) {
  const [pathway, access] = await withAccess(principal, loadPathway(pathwayId));
  authorize(access, action, pathwayTarget(pathway), 'pathway');
  return { pathway, access };
}
