import { keys } from '#store/keys.ts';
import type { StoredMembership } from '#store/people.ts';
import * as registry from '#store/registry.ts';

/** Memberships with their district's and pathway's names (one BatchGet), as /me and /people answer them. */
export async function namedMemberships(memberships: readonly StoredMembership[]) {
  const names = await registry.batchGet([
    ...memberships.flatMap((m) => (m.kind === 'pathway' ? [keys.pathway(m.pathwayId)] : [])),
    ...memberships.map((m) => keys.district(m.districtId)),
  ]);
  const nameOf = new Map(names.map((i) => [String(i.id), String(i.name)]));
  return memberships.map((m) => ({
    kind: m.kind,
    role: m.role,
    districtId: m.districtId,
    districtName: nameOf.get(m.districtId),
    ...(m.kind === 'pathway' ? { schoolId: m.schoolId, pathwayId: m.pathwayId, pathwayName: nameOf.get(m.pathwayId) } : {}),
    since: m.since,
  }));
}
