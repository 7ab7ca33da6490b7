/**
 * The application a thread route acts on, and how the caller takes part in its thread
 * (staff, a seated reviewer, the team or the district), decided once for every thread use case.
 */
import { pathwayRole, type AccessContext } from '#core/access.ts';
import { NotFoundError } from '#core/errors.ts';
import { hasRole, type Principal } from '#lib/principal.ts';
import { getApplication, type Application } from '#store/application-reads.ts';
import type { AuthorRole } from '#store/messages.ts';
import { authorize, loadAccess } from '../access.ts';
import { applicationTarget } from '../applications/load-application.ts';

export type ThreadAction = 'application.thread.read' | 'application.thread.post' | 'application.decision.read' | 'application.assign';

/** The application (read consistently), then the caller's access: a missing application costs no access read. */
export async function loadThread(principal: Principal, id: string, action: ThreadAction) {
  const application = await getApplication(id, true);
  if (!application) throw new NotFoundError('application');
  const access = await loadAccess(principal);
  authorize(access, action, applicationTarget(application), 'application');
  return { application, access };
}

/** How the caller takes part: staff first, then as a reviewer, then as the team. */
export function roleOf(access: AccessContext, a: Application): AuthorRole {
  if (hasRole(access, 'staff')) return 'staff';
  if (access.assignments.some((x) => x.active && x.applicationId === a.id)) return 'reviewer';
  if (pathwayRole(access, a.pathwayId)) return 'team';
  return 'district';
}
