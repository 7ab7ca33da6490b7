/**
 * Who edits an application, and how: the rules every change to an application shares.
 * Whether the caller may act at all is the access policy's (loadApplication authorizes
 * 'application.edit', 'application.submit', 'application.withdraw'); what it may do then
 * depends on the status (isEditable, the transitions of core/application-status.ts) and on
 * the capacity the caller acts in, decided here once.
 */
import { pathwayRole, type AccessContext } from '#core/access.ts';
import type { TransitionActor } from '#core/application-status.ts';
import type { Application } from '#store/application-reads.ts';
import { getPublishedFramework, type StoredFramework } from '#store/frameworks.ts';

/** Who makes a status move: the pathway's lead acts as the team; anyone else allowed here is staff. */
export const transitionActor = (access: AccessContext, a: Application): TransitionActor =>
  pathwayRole(access, a.pathwayId) === 'lead' ? 'team_lead' : 'staff';

/** The pinned framework; always published (only published versions can be pinned). */
export async function pinnedFramework(a: Application): Promise<StoredFramework> {
  const f = await getPublishedFramework(a.frameworkId);
  if (!f) throw new Error(`application ${a.id} pins framework ${a.frameworkId}, which is not a published framework`);
  return f;
}
