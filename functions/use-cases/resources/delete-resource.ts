/** Staff delete a resource: its records, then (as cleanup) its files wherever they are. */
import { pendingResourceKey, quarantinedResourceKey, resourceKey } from '#core/evidence/object-keys.ts';
import { logger } from '#lib/logger.ts';
import type { Principal } from '#lib/principal.ts';
import { deleteObject } from '#store/evidence-objects.ts';
import { deleteResource as storeDelete } from '#store/evidence-resources.ts';
import { authorizeLibrary, loadResource } from './load-resource.ts';

export async function deleteResource(principal: Principal, resourceId: string): Promise<void> {
  await authorizeLibrary(principal, 'resource.manage');
  const { resource, versions } = await loadResource(resourceId, true);
  await storeDelete(resource, versions);
  const objectKeys = versions.flatMap((v) => [
    resourceKey(resource.resourceId, v.version),
    quarantinedResourceKey(resource.resourceId, v.version),
    pendingResourceKey(resource.resourceId, v.version),
  ]);
  await Promise.all(
    objectKeys.map((k) => deleteObject(k).catch((error: unknown) => logger.warn('could not delete a resource object', { key: k, error }))),
  );
}
