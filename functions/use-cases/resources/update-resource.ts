/** Staff edit a resource's own fields at the revision they read. */
import { PreconditionFailedError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { updateResource as storeUpdate, type ResourceChanges, type StoredResource } from '#store/evidence-resources.ts';
import type { Deferred } from '../deferred.ts';
import { authorizeLibrary, loadResource } from './load-resource.ts';

export async function updateResource(
  principal: Principal,
  input: { resourceId: string; expectedVersion: Deferred<number>; changes: Deferred<ResourceChanges> },
): Promise<StoredResource> {
  await authorizeLibrary(principal, 'resource.manage');
  const { resource } = await loadResource(input.resourceId, true);
  const version = input.expectedVersion();
  const changes = input.changes();
  if (resource.revision !== version) throw new PreconditionFailedError(resource.revision);
  return storeUpdate(resource, version, changes);
}
