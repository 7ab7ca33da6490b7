import { checkVersion } from '../../core/versions.ts';
import { actorOf, type Principal } from '../../lib/principal.ts';
import type { Pathway } from '../../store/entities.ts';
import * as registry from '../../store/registry.ts';
import { authorize } from '../access.ts';
import { pathwayTarget } from '../targets.ts';
import { pathwayWithAccess } from './records.ts';

export async function updatePathway(principal: Principal, id: string, expectedVersion: number, changes: registry.PathwayChanges): Promise<Pathway> {
  const [p, access] = await pathwayWithAccess(principal, id);
  authorize(access, 'pathway.update', pathwayTarget(p), 'pathway');
  // Grades are kept in order, however they were sent.
  const ordered = changes.gradesServed ? { ...changes, gradesServed: [...changes.gradesServed].sort((a, b) => a - b) } : changes;
  checkVersion(p.version, expectedVersion);
  return registry.updatePathway(p, expectedVersion, ordered, actorOf(principal));
}
