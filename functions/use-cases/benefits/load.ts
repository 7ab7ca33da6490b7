/** The pathway or catalog entry a benefits use case acts on, authorized on stored data. */
import type { Action } from '#core/access.ts';
import { NotFoundError } from '#core/errors.ts';
import { hasRole, type Principal } from '#lib/principal.ts';
import { getBenefit, type Benefit } from '#store/benefits.ts';
import { getPathway, type StoredPathway } from '#store/registry.ts';
import { authorize, withAccess } from '../access.ts';
import { pathwayTarget } from '../targets.ts';

export const NETWORK = { kind: 'network' } as const;

/** The pathway (read consistently, beside the caller's access); 404 unless the caller may do `action` on it. */
export async function loadPathway(principal: Principal, pathwayId: string, action: Action): Promise<StoredPathway> {
  const [pathway, access] = await withAccess(principal, getPathway(pathwayId, true));
  if (!pathway) throw new NotFoundError('pathway');
  authorize(access, action, pathwayTarget(pathway), 'pathway');
  return pathway;
}

/** A catalog entry the caller may see: inactive ones are staff's (404 for everyone else). */
export async function loadBenefit(principal: Principal, id: string, consistent = false): Promise<Benefit> {
  const [benefit, access] = await withAccess(principal, getBenefit(id, consistent));
  authorize(access, 'benefit.read', NETWORK);
  if (!benefit || (!benefit.active && !hasRole(access, 'staff'))) throw new NotFoundError('benefit');
  return benefit;
}
