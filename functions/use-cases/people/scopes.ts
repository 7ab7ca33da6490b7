/**
 * The pathway team or district a people use case manages, read from the table (so its
 * ancestry is stored data) and authorized for the caller. The record is read first and the
 * access after: a missing pathway or district costs no read of the caller's partition.
 */
import type { Action } from '#core/access.ts';
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import type { District } from '#store/entities.ts';
import * as registry from '#store/registry.ts';
import { authorize, loadAccess } from '../access.ts';
import { districtTarget, pathwayTarget } from '../targets.ts';

export async function authorizedPathway(principal: Principal, pathwayId: string, action: Action): Promise<registry.StoredPathway> {
  const p = await registry.getPathway(pathwayId);
  if (!p) throw new NotFoundError('pathway');
  authorize(await loadAccess(principal), action, pathwayTarget(p), 'pathway');
  return p;
}

export async function authorizedDistrict(principal: Principal, districtId: string, action: Action): Promise<District> {
  const d = await registry.getDistrict(districtId);
  if (!d) throw new NotFoundError('district');
  authorize(await loadAccess(principal), action, districtTarget(d), 'district');
  return d;
}

/** The reviewer pool is managed network-wide (staff). */
export async function authorizeReviewerPool(principal: Principal): Promise<void> {
  authorize(await loadAccess(principal), 'reviewer.manage', { kind: 'network' });
}
