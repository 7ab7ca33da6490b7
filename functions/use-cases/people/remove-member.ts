import { syncMembershipGroup } from '#accounts/groups.ts';
import { NotFoundError } from '#core/errors.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import { type Key } from '#store/keys.ts';
import * as keys from '#store/keys.ts';
import * as people from '#store/people.ts';
import { pathwayFor, districtFor } from '../targets.ts';

/**
 * Removes the membership, then the Cognito group of its kind unless another membership of
 * that kind still needs it. A retry of a removal whose group sync failed finds no member:
 * it finishes the sync, then answers 404 as before.
 */
async function removeMember(principal: Principal, key: Key, personSub: string, kind: 'pathway' | 'district'): Promise<void> {
  const m = await people.getMembership(key, true);
  if (!m) {
    await syncMembershipGroup(personSub, kind);
    throw new NotFoundError('member');
  }
  await people.removeMembership(m, actorOf(principal));
  await syncMembershipGroup(m.sub, kind);
}

export async function removePathwayMember(principal: Principal, pathwayId: string, personSub: string): Promise<void> {
  const { pathway: p } = await pathwayFor(principal, pathwayId, 'membership.manage');
  await removeMember(principal, keys.pathwayMembership(personSub, p.id), personSub, 'pathway');
}

export async function removeDistrictMember(principal: Principal, districtId: string, personSub: string): Promise<void> {
  const { district: d } = await districtFor(principal, districtId, 'district.membership.manage');
  await removeMember(principal, keys.districtMembership(personSub, d.id), personSub, 'district');
}
