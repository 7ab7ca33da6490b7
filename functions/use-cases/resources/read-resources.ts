/** Reading the resource library: the list, and one resource with its versions and a download. */
import { quarantinedResourceKey, resourceKey } from '#core/evidence/object-keys.ts';
import { NotFoundError } from '#core/errors.ts';
import { hasRole, type Principal } from '#lib/principal.ts';
import { currentOf, type StoredVersion } from '#store/evidence.ts';
import { listResources as listStoredResources, type ResourceKind } from '#store/evidence-resources.ts';
import { download, type Download } from '../evidence/downloads.ts';
import { authorizeLibrary, loadResource } from './load-resource.ts';

/** Non-staff readers see only resources with an available version. */
export async function listResources(
  principal: Principal,
  input: { kind?: ResourceKind; criterionId?: string; limit?: number; cursor?: string },
) {
  await authorizeLibrary(principal, 'resource.read');
  return listStoredResources(
    {
      ...(input.kind ? { kind: input.kind } : {}),
      ...(input.criterionId ? { criterionId: input.criterionId } : {}),
      availableOnly: !hasRole(principal, 'staff'),
    },
    input.limit,
    input.cursor,
  );
}

/**
 * A resource, the versions the caller may see (staff: all; others: available ones) and a
 * download of the one asked for (the current one by default).
 */
export async function getResource(principal: Principal, input: { resourceId: string; version?: number }) {
  await authorizeLibrary(principal, 'resource.read');
  // Staff curate the library and see versions not (or not yet) readable; everyone else reads.
  const staff = hasRole(principal, 'staff');
  const { resource, versions } = await loadResource(input.resourceId, staff);
  const visible = staff ? versions : versions.filter((v) => v.state === 'available');
  let chosen: StoredVersion | undefined;
  if (input.version !== undefined) {
    chosen = visible.find((v) => v.version === input.version);
    if (!chosen) throw new NotFoundError('version');
  } else chosen = currentOf(versions);
  let dl: Download | undefined;
  if (chosen?.state === 'available') dl = await download(resourceKey(resource.resourceId, chosen.version), chosen, true);
  else if (chosen?.state === 'quarantined' && staff)
    dl = await download(quarantinedResourceKey(resource.resourceId, chosen.version), chosen, false);
  return { resource, versions: visible, ...(dl ? { download: dl } : {}) };
}
