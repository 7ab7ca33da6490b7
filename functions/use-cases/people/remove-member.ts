import { syncMembershipGroup } from '#accounts/groups.ts';
import { NotFoundError } from '#core/errors.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import * as people from '#store/people.ts';
import { pathwayFor, districtFor } from '../targets.ts';

/**
 * Removes the membership, then the Cognito group of its kind unless another membership of
 * that kind still needs it. A retry of a removal whose group sync failed finds no member:
 * it finishes the sync, then answers 404 as before.
 */
async function removeMember(principal: Principal, personSub: string, place: people.MembershipPlace): Promise<void> {
  const kind = place.kind;
  const m = await people.getMembership(personSub, place, true);
  if (!m) {
    await syncMembershipGroup(personSub, kind);
    throw new NotFoundError('member');
  }
  await people.removeMembership(m, actorOf(principal));
  await syncMembershipGroup(m.sub, kind);
}

export async function removePathwayMember(principal: Principal, pathwayId: string, personSub: string): Promise<void> {
  const { pathway: p } = await pathwayFor(principal, pathwayId, 'membership.manage');
  await removeMember(principal, personSub, { kind: 'pathway', pathwayId: p.id });
}

export async function removeDistrictMember(principal: Principal, districtId: string, personSub: string): Promise<void> {
  const { district: d } = await districtFor(principal, districtId, 'district.membership.manage');
  await removeMember(principal, personSub, { kind: 'district', districtId: d.id });
}
