/**
 * An application the caller may act on: read (consistently) beside the caller's access, then
 * authorized on the stored application's ancestry. Most application use cases start here.
 */
import type { Action, Target } from '#core/access.ts';
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { getApplication, type Application } from '#store/application-reads.ts';
import { authorize, withAccess } from '../access.ts';

export const applicationTarget = (a: Application): Target => ({
  kind: 'application',
  districtId: a.districtId,
  schoolId: a.schoolId,
  pathwayId: a.pathwayId,
  applicationId: a.id,
});

/** The application and the caller's access, read side by side; 404 unless the caller may do `action` on it. */
export async function loadApplication(principal: Principal, id: string, action: Action) {
  // Consistent: status moves and review decisions are made on this read (and then re-checked
  // by the write's condition).
  const [application, access] = await withAccess(principal, getApplication(id, true));
  if (!application) throw new NotFoundError('application');
  authorize(access, action, applicationTarget(application), 'application');
  return { application, access };
}
