/**
 * Authorization targets built from stored records (never from the request), shared by
 * every route group that acts on districts, schools and pathways.
 */
import type { AccessContext, Action, Target } from '#core/access.ts';
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { getDistrict, getPathway, type StoredPathway } from '#store/registry.ts';
import { authorize, withAccess } from './access.ts';
import type { District, Pathway, School } from '#store/entities.ts';

export const districtTarget = (d: Pick<District, 'id'>): Target => ({ kind: 'district', districtId: d.id });
export const schoolTarget = (s: Pick<School, 'id' | 'districtId'>): Target => ({
  kind: 'school',
  districtId: s.districtId,
  schoolId: s.id,
});
export const pathwayTarget = (p: Pick<Pathway, 'id' | 'districtId' | 'schoolId'>): Target => ({
  kind: 'pathway',
  districtId: p.districtId,
  schoolId: p.schoolId,
  pathwayId: p.id,
});

/**
 * The pathway a use case acts on, read beside the caller's access (one round trip), then
 * authorized on its stored ancestry: 404 when it is missing or hidden, 403 when the caller
 * may see it but not do `action`. `consistent` for a read a write is about to be decided on.
 */
export async function pathwayFor(
  principal: Principal,
  pathwayId: string,
  action: Action,
  consistent = false,
): Promise<{ pathway: StoredPathway; access: AccessContext }> {
  const [pathway, access] = await withAccess(principal, getPathway(pathwayId, consistent));
  if (!pathway) throw new NotFoundError('pathway');
  authorize(access, action, pathwayTarget(pathway), 'pathway');
  return { pathway, access };
}

/** The district a use case acts on, read and authorized the same way. */
export async function districtFor(
  principal: Principal,
  districtId: string,
  action: Action,
): Promise<{ district: District; access: AccessContext }> {
  const [district, access] = await withAccess(principal, getDistrict(districtId));
  if (!district) throw new NotFoundError('district');
  authorize(access, action, districtTarget(district), 'district');
  return { district, access };
}
