/**
 * Keeps a person's Cognito groups in step with what they are: the `pathway` group while
 * they are on at least one pathway team, the `district` group while they are a lead or data
 * contact of at least one district, the `reviewer` group while their reviewer profile is
 * active (functions/core/account-groups.ts).
 *
 * `syncMembershipGroup(sub, group)` runs after anything that starts or ends a membership of
 * that kind (an accepted invitation, a removed member); `syncReviewerGroup(sub)` after
 * anything that writes a reviewer profile (an accepted reviewer-pool invitation, staff's
 * PUT /reviewers/{personSub}). Neither trusts what the request itself changed: each reads
 * the person's state (consistently), sets the group to match with AdminAddUserToGroup or
 * AdminRemoveUserFromGroup (both idempotent in Cognito), then reads again. When the second read disagrees, a
 * membership changed in between (another request is granting or ending one) and the round
 * repeats. So whichever sync writes the group last has read the memberships after every
 * change that came before its write, and the group ends right:
 *
 * - a retried acceptance adds a group already held: nothing changes;
 * - two memberships ending at once: at least the later sync sees none left and removes it,
 *   and a removal that does not find the last one keeps the group;
 * - an acceptance racing a removal: the sync that writes last re-reads and corrects.
 *
 * The user's tokens carry the new groups from their next sign-in or refresh; the API's
 * scoped rights never wait for that (they come from the memberships).
 */
import {
  AdminAddUserToGroupCommand,
  AdminRemoveUserFromGroupCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { needsGroup, needsReviewerGroup, reviewerGroup, type MembershipGroup } from '#core/account-groups.ts';
import { cognitoClient } from '#lib/aws-clients.ts';
import { config } from '#lib/config.ts';
import { logger } from '#lib/logger.ts';
import { problems } from '#lib/problem.ts';
import { readPerson } from '#store/people.ts';
import { getReviewer } from '#store/reviewers.ts';

/** Rounds before giving up: each needs a membership of the person to change between two reads. */
const MAX_ROUNDS = 4;

export type GroupSync = 'held' | 'not-held' | 'no-account';

type Group = MembershipGroup | typeof reviewerGroup;

/** Adds or removes the group; false when the pool has no such user. */
async function apply(sub: string, group: Group, hold: boolean): Promise<boolean> {
  // With email as the sign-in attribute, a user's Cognito username is their `sub`.
  const input = { UserPoolId: config.userPoolId, Username: sub, GroupName: group };
  try {
    await cognitoClient().send(hold ? new AdminAddUserToGroupCommand(input) : new AdminRemoveUserFromGroupCommand(input));
    return true;
  } catch (error) {
    // A subject with no user in the pool: a deleted user's last token, or locally a token
    // minted by `npm run token` rather than by signing up. Nothing to keep in step.
    if (error instanceof UserNotFoundException || (error as Error).name === 'UserNotFoundException') return false;
    throw error;
  }
}

/** Sets `group` to what `wanted` reads, re-reading until a round sees no change; see the module comment. */
async function syncGroup(sub: string, group: Group, wanted: () => Promise<boolean>): Promise<GroupSync> {
  let hold = await wanted();
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    if (!(await apply(sub, group, hold))) {
      logger.info('account groups: no user in the pool for this subject; groups unchanged', { sub, group });
      return 'no-account';
    }
    const after = await wanted();
    if (after === hold) return hold ? 'held' : 'not-held';
    hold = after;
  }
  logger.warn('account groups: kept changing; the next change will sync again', { sub, group });
  throw problems.unavailable(1);
}

/** Makes the person's `pathway` or `district` group match their memberships. */
export function syncMembershipGroup(sub: string, group: MembershipGroup): Promise<GroupSync> {
  return syncGroup(sub, group, async () => needsGroup((await readPerson(sub, { consistent: true })).memberships, group));
}

/** Makes the person's `reviewer` group match their reviewer profile (held while it is active). */
export function syncReviewerGroup(sub: string): Promise<GroupSync> {
  return syncGroup(sub, reviewerGroup, async () => needsReviewerGroup(await getReviewer(sub, true)));
}
