/**
 * The targets of the evidence use cases, read from the table and authorized: a pathway's
 * library (and one item in it), or an application whose evidence is read or exported.
 * Reads go one after the other, as they did in the handler: a missing target costs one read.
 */
import type { Action } from '#core/access.ts';
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { getApplication } from '#store/applications.ts';
import { getEvidenceWithVersions } from '#store/evidence.ts';
import { getPathway, type StoredPathway } from '#store/registry.ts';
import { authorize, loadAccess } from '../access.ts';
import { applicationTarget } from '../applications/load-application.ts';
import { pathwayTarget } from '../targets.ts';

/** The pathway whose library the caller acts on; 404 unless they may do `action` there. */
export async function libraryOf(principal: Principal, pathwayId: string, action: Action): Promise<StoredPathway> {
  const pathway = await getPathway(pathwayId);
  if (!pathway) throw new NotFoundError('pathway');
  authorize(await loadAccess(principal), action, pathwayTarget(pathway), 'pathway');
  return pathway;
}

/** An item of that library with its versions (newest first); an item of another pathway is not found. */
export async function itemOf(pathway: StoredPathway, evidenceId: string, consistent = false) {
  const found = await getEvidenceWithVersions(evidenceId, consistent);
  if (!found || found.item.pathwayId !== pathway.id) throw new NotFoundError('evidence item');
  return found;
}

/** The application whose evidence the caller reads or exports (an eventually consistent read, as before). */
export async function applicationOf(principal: Principal, applicationId: string, action: Action) {
  const application = await getApplication(applicationId);
  if (!application) throw new NotFoundError('application');
  authorize(await loadAccess(principal), action, applicationTarget(application), 'application');
  return application;
}
