import type { Principal } from '#lib/principal.ts';
import * as people from '#store/people.ts';
import { namedMemberships } from './named-memberships.ts';

/** The caller: their profile (created from the token on first use), memberships and assignment counts. */
export async function getMe(principal: Principal) {
  const profile = await people.ensureProfile(principal);
  const { memberships, assignments } = await people.readPerson(principal.sub);
  return {
    sub: principal.sub,
    ...(profile.email ? { email: profile.email } : {}),
    ...(profile.name ? { name: profile.name } : {}),
    groups: principal.groups,
    createdAt: profile.createdAt,
    memberships: await namedMemberships(memberships),
    assignments: { active: assignments.filter((a) => a.active).length, total: assignments.length },
  };
}
