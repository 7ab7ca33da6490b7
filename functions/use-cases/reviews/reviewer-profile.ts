/**
 * A reviewer's own profile: read it, and declare conflicts, sectors and availability. A
 * declared conflict vacates the open seats it now forbids (pipeline/conflicts.ts).
 */
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { getReviewer, updateOwnProfile, type OwnReviewerFields, type ReviewerProfile } from '#store/reviewers.ts';
import { enforceConflicts } from '#pipeline/conflicts.ts';
import type { Deferred } from '../deferred.ts';

/** The caller's reviewer profile, read consistently (its version is the ETag they edit with). */
export async function getMyReviewerProfile(principal: Principal): Promise<ReviewerProfile> {
  const profile = await getReviewer(principal.sub, true);
  if (!profile) throw new NotFoundError('reviewer profile');
  return profile;
}

/** `expectedVersion` is read once the profile is known to exist (404 before 428). */
export async function updateMyReviewerProfile(
  principal: Principal,
  fields: OwnReviewerFields,
  expectedVersion: Deferred<number>,
): Promise<ReviewerProfile> {
  await getMyReviewerProfile(principal);
  const version = expectedVersion();
  try {
    return await updateOwnProfile(principal.sub, fields, version);
  } finally {
    // Also after a refused update: a retry of a write that succeeded but failed before this
    // ran (412 now) must still vacate the seats the declared conflicts forbid.
    await enforceConflicts(principal.sub);
  }
}
