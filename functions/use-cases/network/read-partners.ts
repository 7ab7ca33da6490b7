/** Staff list every work-based learning partner in the network, newest first. */
import type { AccessContext } from '#core/access.ts';
import type { Principal } from '#lib/principal.ts';
import { listAllPartners } from '#store/outcomes-partners.ts';
import { authorize, loadAccess } from '../access.ts';

export async function listNetworkPartners(principal: Principal, limit?: number, cursor?: string) {
  const reader: AccessContext = await loadAccess(principal);
  authorize(reader, 'partner.list', { kind: 'network' });
  return { reader, page: await listAllPartners(limit, cursor) };
}
