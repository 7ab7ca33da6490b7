/**
 * What both applications handlers share: how a request's caller and target are loaded and
 * authorized, and how an application is answered (with its version as the ETag).
 */
import { pathwayRole, type AccessContext } from '../../core/access.ts';
import type { TransitionActor } from '../../core/application-status.ts';
import { authorize, withAccess } from '../../use-cases/access.ts';
import type { Principal } from '../../lib/principal.ts';
import { problems } from '../../lib/problem.ts';
import type { Application } from '../../store/applications.ts';
import { getPublishedFramework, type StoredFramework } from '../../store/frameworks.ts';
import { getPathway } from '../../store/registry.ts';
import { pathwayTarget } from '../../use-cases/targets.ts';
import { etag } from '../../lib/preconditions.ts';

export { applicationTarget, loadApplication } from '../../use-cases/applications/load-application.ts';

/** Who makes a status move: the pathway's lead acts as the team; anyone else allowed here is staff. */
export const transitionActor = (access: AccessContext, a: Application): TransitionActor =>
  pathwayRole(access, a.pathwayId) === 'lead' ? 'team_lead' : 'staff';

export const answer = (a: Application, status = 200) => ({ status, body: a, headers: { etag: etag(a.version) } });

export async function loadPathway(principal: Principal, id: string, action: 'application.open' | 'application.list') {
  const [pathway, access] = await withAccess(principal, getPathway(id));
  if (!pathway) throw problems.notFound('pathway');
  authorize(access, action, pathwayTarget(pathway), 'pathway');
  return pathway;
}

/** The pinned framework; always published (only published versions can be pinned). */
export async function pinnedFramework(a: Application): Promise<StoredFramework> {
  const f = await getPublishedFramework(a.frameworkId);
  if (!f) throw new Error(`application ${a.id} pins framework ${a.frameworkId}, which is not a published framework`);
  return f;
}
