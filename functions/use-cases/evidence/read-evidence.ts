/** Reading a pathway's library: the list, and one item with its versions and a download. */
import { evidenceKey, quarantineKey } from '#core/evidence/object-keys.ts';
import { hasRole, type Principal } from '#lib/principal.ts';
import { NotFoundError } from '#core/errors.ts';
import { currentOf, listPathwayEvidence, type StoredVersion } from '#store/evidence.ts';
import { download, type Download } from './downloads.ts';
import { itemOf } from './library-access.ts';
import { pathwayFor } from '../targets.ts';

export async function listEvidence(
  principal: Principal,
  input: { pathwayId: string; criterionId?: string; limit?: number; cursor?: string },
) {
  const { pathway } = await pathwayFor(principal, input.pathwayId, 'evidence.list');
  return listPathwayEvidence(pathway.id, { ...(input.criterionId ? { criterionId: input.criterionId } : {}) }, input.limit, input.cursor);
}

/**
 * An item with every version, and a download of the one asked for (the current one by
 * default) when it may be served.
 */
export async function getEvidence(principal: Principal, input: { pathwayId: string; evidenceId: string; version?: number }) {
  const { pathway } = await pathwayFor(principal, input.pathwayId, 'evidence.read');
  const { item, versions } = await itemOf(pathway, input.evidenceId);
  let chosen: StoredVersion | undefined;
  if (input.version !== undefined) {
    chosen = versions.find((v) => v.version === input.version);
    if (!chosen) throw new NotFoundError('version');
  } else chosen = currentOf(versions);
  let dl: Download | undefined;
  if (chosen?.state === 'available') dl = await download(evidenceKey(item.pathwayId, item.evidenceId, chosen.version), chosen, true);
  // Quarantined files are never served, except to staff, who investigate them.
  else if (chosen?.state === 'quarantined' && hasRole(principal, 'staff'))
    dl = await download(quarantineKey(item.pathwayId, item.evidenceId, chosen.version), chosen, false);
  return { item, versions, ...(dl ? { download: dl } : {}) };
}
