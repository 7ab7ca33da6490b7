/** Deleting an item with all its versions and files, unless a submitted application references it. */
import { evidenceKey, pendingKey, quarantineKey } from '#core/evidence/object-keys.ts';
import { logger } from '#lib/logger.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import { transact } from '#store/db.ts';
import { deleteRemaining, deletionWrites } from '#store/evidence.ts';
import { deletionGuard } from '#store/evidence-applications.ts';
import { deleteObject } from '#store/evidence-objects.ts';
import { itemOf } from './library-access.ts';
import { pathwayFor } from '../targets.ts';

export async function deleteEvidence(principal: Principal, input: { pathwayId: string; evidenceId: string }): Promise<void> {
  const { pathway } = await pathwayFor(principal, input.pathwayId, 'evidence.delete');
  const { item, versions } = await itemOf(pathway, input.evidenceId, true);
  // Evidence a submitted application references stays: reviewers read exactly those bytes.
  const guard = await deletionGuard(item);
  const writes = deletionWrites(item, versions, actorOf(principal), guard.conditions);
  await guard.commit(() => transact(writes.now));
  await deleteRemaining(writes.later);
  // The records are gone, so nothing serves these objects any more; removing them is cleanup.
  const keysToDelete = versions.flatMap((v) => [
    evidenceKey(item.pathwayId, item.evidenceId, v.version),
    quarantineKey(item.pathwayId, item.evidenceId, v.version),
    pendingKey(item.pathwayId, item.evidenceId, v.version),
  ]);
  await Promise.all(
    keysToDelete.map((k) =>
      deleteObject(k).catch((error: unknown) => logger.warn('could not delete an evidence object', { key: k, error })),
    ),
  );
}
