/** Editing an item's own fields (title, description, criteria) at the revision the caller read. */
import { actorOf, type Principal } from '#lib/principal.ts';
import { updateEvidenceItem, type ItemChanges, type StoredEvidenceItem } from '#store/evidence.ts';
import type { Deferred } from '../deferred.ts';
import { itemOf } from './library-access.ts';
import { pathwayFor } from '../targets.ts';

export async function updateEvidence(
  principal: Principal,
  input: { pathwayId: string; evidenceId: string; expectedVersion: Deferred<number>; changes: Deferred<ItemChanges> },
): Promise<StoredEvidenceItem> {
  const { pathway } = await pathwayFor(principal, input.pathwayId, 'evidence.update');
  const { item } = await itemOf(pathway, input.evidenceId, true);
  const version = input.expectedVersion();
  return updateEvidenceItem(item, version, input.changes(), actorOf(principal));
}
