/** The catalog entry a benefits use case acts on, authorized on stored data (pathways: ../targets.ts pathwayFor). */
import { NotFoundError } from '#core/errors.ts';
import { hasRole, type Principal } from '#lib/principal.ts';
import { getBenefit, type Benefit } from '#store/benefits.ts';
import { authorize, withAccess } from '../access.ts';

export const NETWORK = { kind: 'network' } as const;

/** A catalog entry the caller may see: inactive ones are staff's (404 for everyone else). */
export async function loadBenefit(principal: Principal, id: string, consistent = false): Promise<Benefit> {
  const [benefit, access] = await withAccess(principal, getBenefit(id, consistent));
  authorize(access, 'benefit.read', NETWORK);
  if (!benefit || (!benefit.active && !hasRole(access, 'staff'))) throw new NotFoundError('benefit');
  return benefit;
}
