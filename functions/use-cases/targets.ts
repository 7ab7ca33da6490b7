/**
 * Authorization targets built from stored records (never from the request), shared by
 * every route group that acts on districts, schools and pathways.
 */
import type { Target } from '#core/access.ts';
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
