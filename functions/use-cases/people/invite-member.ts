import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import type { Principal } from '#lib/principal.ts';
import type { RecordedAnswer } from '#store/idempotency.ts';
import type { DistrictRole, PathwayRole } from '#store/entities.ts';
import type { Deferred } from '../deferred.ts';
import { invite, type RenderInvitation } from './invite.ts';
import { pathwayFor, districtFor } from '../targets.ts';

/** A pathway lead (or the district, or staff) invites someone to the team. */
export async function invitePathwayMember(
  principal: Principal,
  pathwayId: string,
  request: { email: string; role: PathwayRole },
  idempotency: Deferred<IdempotencyContext>,
  render: RenderInvitation,
): Promise<RecordedAnswer> {
  const { pathway: p } = await pathwayFor(principal, pathwayId, 'membership.manage');
  const scope = {
    kind: 'pathway' as const,
    pathwayId: p.id,
    pathwayName: p.name,
    schoolId: p.schoolId,
    districtId: p.districtId,
    districtName: p.districtName,
  };
  return invite(principal, scope, request, idempotency, render);
}

/** A district lead (or staff) invites a district contact. */
export async function inviteDistrictMember(
  principal: Principal,
  districtId: string,
  request: { email: string; role: DistrictRole },
  idempotency: Deferred<IdempotencyContext>,
  render: RenderInvitation,
): Promise<RecordedAnswer> {
  const { district: d } = await districtFor(principal, districtId, 'district.membership.manage');
  return invite(principal, { kind: 'district', districtId: d.id, districtName: d.name }, request, idempotency, render);
}
