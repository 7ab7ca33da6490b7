/**
 * A framework version the caller may act on. Drafts are invisible to all but staff, so a
 * draft another caller names answers 404 like a missing one (core/access.ts).
 */
import type { Action } from '#core/access.ts';
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { getFramework, type StoredFramework } from '#store/frameworks.ts';
import { authorize, loadAccess } from '../access.ts';

export async function loadFramework(principal: Principal, id: string, action: Action, consistent = false): Promise<StoredFramework> {
  // Read first: a missing framework costs no access Query.
  const f = await getFramework(id, consistent);
  if (!f) throw new NotFoundError('framework');
  authorize(await loadAccess(principal), action, { kind: 'framework', frameworkId: f.id, status: f.status }, 'framework');
  return f;
}
