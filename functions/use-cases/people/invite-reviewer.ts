import { UnprocessableError } from '#core/errors.ts';
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import type { Principal } from '#lib/principal.ts';
import type { RecordedAnswer } from '#store/idempotency.ts';
import type { ReviewerInvitationProfile } from '#store/people.ts';
import * as registry from '#store/registry.ts';
import type { Deferred } from '../deferred.ts';
import { invite, type RenderInvitation } from './invite.ts';
import { authorizeReviewerPool } from './scopes.ts';

/** Staff invite someone to the reviewer pool, with the profile's first facts. */
export async function inviteReviewer(
  principal: Principal,
  request: { email: string; profile?: ReviewerInvitationProfile },
  idempotency: Deferred<IdempotencyContext>,
  render: RenderInvitation,
): Promise<RecordedAnswer> {
  await authorizeReviewerPool(principal);
  const districtId = request.profile?.districtId;
  if (districtId && !(await registry.getDistrict(districtId))) {
    throw new UnprocessableError('The home district does not exist.', [
      { in: 'body', field: 'profile.districtId', message: 'no such district' },
    ]);
  }
  const invitation = { email: request.email, role: 'reviewer' as const, ...(request.profile ? { profile: request.profile } : {}) };
  return invite(principal, { kind: 'reviewer' }, invitation, idempotency, render);
}
