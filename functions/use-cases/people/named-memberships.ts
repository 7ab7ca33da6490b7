import type { StoredMembership } from '#store/people.ts';
import { registryNames } from '#store/registry.ts';

/** Memberships with their district's and pathway's names (one BatchGet), as /me and /people answer them. */
export async function namedMemberships(memberships: readonly StoredMembership[]) {
  const nameOf = await registryNames({
    pathwayIds: memberships.flatMap((m) => (m.kind === 'pathway' ? [m.pathwayId] : [])),
    districtIds: memberships.map((m) => m.districtId),
  });
  return memberships.map((m) => ({
    kind: m.kind,
    role: m.role,
    districtId: m.districtId,
    districtName: nameOf.get(m.districtId),
    ...(m.kind === 'pathway' ? { schoolId: m.schoolId, pathwayId: m.pathwayId, pathwayName: nameOf.get(m.pathwayId) } : {}),
    since: m.since,
  }));
}
