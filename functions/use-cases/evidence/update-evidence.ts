/** Editing an item's own fields (title, description, criteria) at the revision the caller read. */
import { actorOf, type Principal } from '../../lib/principal.ts';
import { updateEvidenceItem, type ItemChanges, type StoredEvidenceItem } from '../../store/evidence.ts';
import { itemOf, libraryOf } from './library-access.ts';

export async function updateEvidence(
  principal: Principal,
  input: { pathwayId: string; evidenceId: string; expectedVersion: number; changes: ItemChanges },
): Promise<StoredEvidenceItem> {
  const pathway = await libraryOf(principal, input.pathwayId, 'evidence.update');
  const { item } = await itemOf(pathway, input.evidenceId, true);
  return updateEvidenceItem(item, input.expectedVersion, input.changes, actorOf(principal));
}
