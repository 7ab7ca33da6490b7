/**
 * The targets of the evidence use cases beyond the library's pathway (../targets.ts
 * pathwayFor): one item of the library, or an application whose evidence is read or exported.
 */
import type { Action } from '#core/access.ts';
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { getApplication } from '#store/application-reads.ts';
import { getEvidenceWithVersions } from '#store/evidence.ts';
import type { StoredPathway } from '#store/registry.ts';
import { authorize, loadAccess } from '../access.ts';
import { applicationTarget } from '../applications/load-application.ts';

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
