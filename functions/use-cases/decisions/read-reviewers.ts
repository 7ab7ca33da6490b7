/** Staff's reads of the reviewer pool: a page of profiles, or one person's profile. */
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import type { Page } from '#store/db.ts';
import { getReviewer, listReviewers as listProfiles, type ReviewerProfile } from '#store/reviewers.ts';
import { authorizeStaff } from './staff-access.ts';

export async function listReviewers(principal: Principal, limit?: number, cursor?: string): Promise<Page<ReviewerProfile>> {
  await authorizeStaff(principal, 'reviewer.manage');
  return listProfiles(limit, cursor);
}

/** The person's reviewer profile, read consistently (its version is the ETag staff edit with). */
export async function getReviewerProfile(principal: Principal, personSub: string): Promise<ReviewerProfile> {
  await authorizeStaff(principal, 'reviewer.manage');
  const profile = await getReviewer(personSub, true);
  if (!profile) throw new NotFoundError('reviewer profile');
  return profile;
}
