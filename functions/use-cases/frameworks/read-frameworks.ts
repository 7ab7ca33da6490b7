/** Reading framework versions: the list (drafts only for staff) and one whole version. */
import { hasRole, type Principal } from '#lib/principal.ts';
import { listFrameworks as framePage, type StoredFramework } from '#store/frameworks.ts';
import { authorize, loadAccess } from '../access.ts';
import { loadFramework } from './load-framework.ts';

export async function listFrameworks(principal: Principal, query: { status?: 'draft' | 'published'; limit?: number; cursor?: string }) {
  const access = await loadAccess(principal);
  authorize(access, 'framework.list', { kind: 'network' });
  const includeDrafts = hasRole(access, 'staff');
  return framePage({ includeDrafts, status: query.status, limit: query.limit, cursor: query.cursor });
}

export function getFramework(principal: Principal, id: string): Promise<StoredFramework> {
  return loadFramework(principal, id, 'framework.read');
}
