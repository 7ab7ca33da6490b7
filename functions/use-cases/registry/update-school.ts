import { checkVersion } from '#core/versions.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import type { School } from '#store/entities.ts';
import * as registry from '#store/registry.ts';
import { authorize } from '../access.ts';
import type { Deferred } from '../deferred.ts';
import { schoolTarget } from '../targets.ts';
import { schoolWithAccess } from './records.ts';

export async function updateSchool(
  principal: Principal,
  id: string,
  expectedVersion: Deferred<number>,
  changes: Deferred<Partial<Pick<School, 'name'>>>,
): Promise<School> {
  const [s, access] = await schoolWithAccess(principal, id);
  authorize(access, 'school.update', schoolTarget(s), 'school');
  const version = expectedVersion();
  const edits = changes();
  checkVersion(s.version, version);
  return registry.updateSchool(s, version, edits, actorOf(principal));
}
