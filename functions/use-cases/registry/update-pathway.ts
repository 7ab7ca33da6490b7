import { checkVersion } from '#core/versions.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import type { Pathway } from '#store/entities.ts';
import * as registry from '#store/registry.ts';
import { authorize } from '../access.ts';
import type { Deferred } from '../deferred.ts';
import { pathwayTarget } from '../targets.ts';
import { pathwayWithAccess } from './records.ts';

export async function updatePathway(
  principal: Principal,
  id: string,
  expectedVersion: Deferred<number>,
  changes: Deferred<registry.PathwayChanges>,
): Promise<Pathway> {
  const [p, access] = await pathwayWithAccess(principal, id);
  authorize(access, 'pathway.update', pathwayTarget(p), 'pathway');
  const version = expectedVersion();
  const edits = changes();
  // Grades are kept in order, however they were sent.
  const ordered = edits.gradesServed ? { ...edits, gradesServed: [...edits.gradesServed].sort((a, b) => a - b) } : edits;
  checkVersion(p.version, version);
  return registry.updatePathway(p, version, ordered, actorOf(principal));
}
