import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import * as people from '#store/people.ts';
import { authorize, loadAccess } from '../access.ts';
import { namedMemberships } from './named-memberships.ts';

/** Staff look a person up by email address: profile, named memberships, whether they review. */
export async function findPerson(principal: Principal, email: string) {
  authorize(await loadAccess(principal), 'person.find', { kind: 'person' }, 'person');
  const found = await people.findPersonByEmail(email);
  if (!found) throw new NotFoundError('person');
  const { profile } = found;
  return {
    sub: profile.sub,
    email: profile.email!,
    ...(profile.name ? { name: profile.name } : {}),
    createdAt: profile.createdAt,
    memberships: await namedMemberships(found.memberships),
    reviewerProfile: found.reviewerProfile,
  };
}
