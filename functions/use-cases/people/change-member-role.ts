import { NotFoundError } from '#core/errors.ts';
import { checkVersion } from '#core/versions.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import type { PathwayRole } from '#store/entities.ts';
import * as people from '#store/people.ts';
import type { Deferred } from '../deferred.ts';
import { pathwayFor } from '../targets.ts';

/**
 * A team member's role changes (lead ↔ member); the pathway's lead count moves with it and
 * the store refuses to leave a team without a lead (store/people.ts changePathwayRole).
 */
export async function changePathwayMemberRole(
  principal: Principal,
  pathwayId: string,
  personSub: string,
  expectedVersion: Deferred<number>,
  role: PathwayRole,
): Promise<people.MemberView> {
  const { pathway: p } = await pathwayFor(principal, pathwayId, 'membership.manage');
  const m = await people.getMembership(personSub, { kind: 'pathway', pathwayId: p.id }, true);
  if (!m || m.kind !== 'pathway') throw new NotFoundError('member');
  const version = expectedVersion();
  checkVersion(m.version, version);
  return people.memberView(await people.changePathwayRole(m, version, role, actorOf(principal)));
}
