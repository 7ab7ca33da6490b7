/** The review office's network-wide staff rights: the reviewer pool and the review queue. */
import type { Principal } from '#lib/principal.ts';
import { authorize, loadAccess } from '../access.ts';

/** 403 unless the caller may do `action` across the network (staff). */
export async function authorizeStaff(principal: Principal, action: 'review.queue' | 'reviewer.manage'): Promise<void> {
  authorize(await loadAccess(principal), action, { kind: 'network' });
}
