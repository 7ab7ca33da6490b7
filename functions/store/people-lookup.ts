/**
 * Staff find a person by email (GET /people?email=): the email guard item (pattern 24)
 * names the subject, and one Query of the person's partition (pattern 10) returns the
 * profile, the memberships and the reviewer profile together. Two requests: the email
 * item carries only the subject, and the partition is keyed by subject.
 */
import type { Person } from './entities.ts';
import { getItem, queryAll, stripKeys, type Item } from './db.ts';
import { keys } from './keys.ts';
import type { StoredMembership } from './people.ts';

export interface FoundPerson {
  profile: Person;
  memberships: StoredMembership[];
  reviewerProfile: boolean;
}

/** `email` is already normalized (schemas.ts `email()`: trimmed, lower case). */
export async function findPersonByEmail(email: string): Promise<FoundPerson | undefined> {
  const owner = await getItem<{ sub?: string }>(keys.email(email), true);
  if (!owner?.sub) return undefined;
  const items = await queryAll<Item & { SK: string }>(keys.personPartition(owner.sub), undefined, true);
  let profile: Person | undefined;
  const memberships: StoredMembership[] = [];
  let reviewerProfile = false;
  for (const item of items) {
    if (item.SK === keys.person(owner.sub).SK) profile = stripKeys(item) as unknown as Person;
    else if (item.SK.startsWith(keys.membershipPrefix)) memberships.push(stripKeys(item) as unknown as StoredMembership);
    else if (item.SK === keys.reviewer(owner.sub).SK) reviewerProfile = true;
  }
  // The email item outlives an address change (it is never moved): trust only a profile that still has this address.
  if (!profile || profile.email?.toLowerCase() !== email) return undefined;
  return { profile, memberships, reviewerProfile };
}
