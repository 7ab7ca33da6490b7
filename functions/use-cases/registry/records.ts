/**
 * The registry records a use case acts on, each read beside the caller's access (withAccess)
 * and answered 404 when missing; the caller then authorizes on the stored ancestry.
 */
import type { AccessContext } from '#core/access.ts';
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import type { District, School } from '#store/entities.ts';
import * as registry from '#store/registry.ts';
import { withAccess } from '../access.ts';

export async function readDistrict(id: string): Promise<District> {
  const d = await registry.getDistrict(id);
  if (!d) throw new NotFoundError('district');
  return d;
}

async function readSchool(id: string): Promise<School> {
  const s = await registry.getSchool(id);
  if (!s) throw new NotFoundError('school');
  return s;
}

async function readPathway(id: string): Promise<registry.StoredPathway> {
  const p = await registry.getPathway(id);
  if (!p) throw new NotFoundError('pathway');
  return p;
}

export const districtWithAccess = (principal: Principal, id: string): Promise<[District, AccessContext]> =>
  withAccess(principal, readDistrict(id));
export const schoolWithAccess = (principal: Principal, id: string): Promise<[School, AccessContext]> =>
  withAccess(principal, readSchool(id));
export const pathwayWithAccess = (principal: Principal, id: string): Promise<[registry.StoredPathway, AccessContext]> =>
  withAccess(principal, readPathway(id));
