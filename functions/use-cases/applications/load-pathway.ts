/** The pathway an application is opened on or listed under, authorized for the caller. */
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { getPathway, type StoredPathway } from '#store/registry.ts';
import { authorize, withAccess } from '../access.ts';
import { pathwayTarget } from '../targets.ts';

/** The pathway and the caller's access, read side by side; 404 unless the caller may do `action` on it. */
export async function loadPathway(
  principal: Principal,
  id: string,
  action: 'application.open' | 'application.list',
): Promise<StoredPathway> {
  const [pathway, access] = await withAccess(principal, getPathway(id));
  if (!pathway) throw new NotFoundError('pathway');
  authorize(access, action, pathwayTarget(pathway), 'pathway');
  return pathway;
}
