/**
 * Staff create or update a reviewer profile. A declared conflict or a new home district
 * vacates the seats it now forbids (pipeline/conflicts.ts, which answers the seats' waits),
 * and the person's Cognito `reviewer` group follows `active` (accounts/groups.ts).
 */
import type { Principal } from '#lib/principal.ts';
import { putReviewerByStaff, type ReviewerProfile, type StaffReviewerFields } from '#store/reviewers.ts';
import { syncReviewerGroup } from '#accounts/groups.ts';
import { enforceConflicts } from '#pipeline/conflicts.ts';
import type { Deferred } from '../deferred.ts';
import { authorizeStaff } from './staff-access.ts';

export interface PutReviewerResult {
  profile: ReviewerProfile;
  /** True when the profile was new (the person joined the pool). */
  created: boolean;
}

/**
 * `expectedVersion` is read once the caller is authorized (0: a new profile), so a refusal
 * comes before a missing or malformed precondition, as it always has.
 */
export async function putReviewer(
  principal: Principal,
  personSub: string,
  fields: StaffReviewerFields,
  expectedVersion: Deferred<number>,
): Promise<PutReviewerResult> {
  await authorizeStaff(principal, 'reviewer.manage');
  const version = expectedVersion();
  let profile: ReviewerProfile;
  try {
    profile = await putReviewerByStaff(personSub, fields, version);
  } finally {
    // A declared conflict or a new home district takes the reviewer off the panels it now
    // forbids; also after a refused write, so a retry of a half-done one finishes it.
    if (version !== 0) await enforceConflicts(personSub);
  }
  // The `reviewer` group follows `active`: retiring a reviewer takes it away, reactivating gives it back.
  await syncReviewerGroup(personSub);
  return { profile, created: version === 0 };
}
