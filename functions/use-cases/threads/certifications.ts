/** A pathway's certifications, newest first, for whoever may read the pathway. */
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { listPathwayCertifications, type Certification } from '#store/certifications.ts';
import type { Page } from '#store/db.ts';
import { getPathway } from '#store/registry.ts';
import { authorize, loadAccess } from '../access.ts';
import { pathwayTarget } from '../targets.ts';

export async function listCertifications(
  principal: Principal,
  pathwayId: string,
  page: { limit?: number; cursor?: string },
): Promise<Page<Certification>> {
  // The pathway first: a missing one answers 404 without reading the caller's access.
  const pathway = await getPathway(pathwayId);
  if (!pathway) throw new NotFoundError('pathway');
  authorize(await loadAccess(principal), 'pathway.read', pathwayTarget(pathway), 'pathway');
  return listPathwayCertifications(pathway.id, page.limit, page.cursor);
}
