/**
 * The network's resource library (staff exemplars and templates): who may do what, and one
 * resource as the caller may see it.
 */
import type { Action } from '#core/access.ts';
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { getResourceWithVersions } from '#store/evidence-resources.ts';
import { authorize, loadAccess } from '../access.ts';

const NETWORK = { kind: 'network' } as const;

/** Refuses unless the caller may do `action` on the library (no read of its own beyond the caller's access). */
export async function authorizeLibrary(principal: Principal, action: Action): Promise<void> {
  authorize(await loadAccess(principal), action, NETWORK);
}

/** A resource with its versions; one with nothing readable yet does not exist for non-staff readers. */
export async function loadResource(resourceId: string, staff: boolean) {
  const found = await getResourceWithVersions(resourceId);
  if (!found || (!staff && !found.resource.current)) throw new NotFoundError('resource');
  return found;
}
