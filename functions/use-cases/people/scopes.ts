/** The reviewer pool a people use case manages (pathway teams and districts: ../targets.ts pathwayFor, districtFor). */
import type { Principal } from '#lib/principal.ts';
import { authorize, loadAccess } from '../access.ts';

/** The reviewer pool is managed network-wide (staff). */
export async function authorizeReviewerPool(principal: Principal): Promise<void> {
  authorize(await loadAccess(principal), 'reviewer.manage', { kind: 'network' });
}
