/** Reading applications: one with its responses, a pathway's list, and the queues of staff and reviewers. */
import { ForbiddenError, NotFoundError } from '#core/errors.ts';
import { hasRole, type Principal } from '#lib/principal.ts';
import type { Page } from '#store/db.ts';
import {
  getApplicationWithResponses,
  listApplicationsByStatus,
  listAssignedApplications,
  listPathwayApplications as listOfPathway,
  type ApplicationFilter,
  type ResponseRecord,
} from '#store/applications.ts';
import type { Application } from '#store/application-reads.ts';
import { latestHeadline, type OutcomeHeadline } from '#store/outcomes-headline.ts';
import { authorize, loadAccess, withAccess } from '../access.ts';
import { applicationTarget } from './load-application.ts';
import { pathwayFor } from '../targets.ts';

export interface ApplicationDetail {
  application: Application;
  responses: ResponseRecord[];
  /** Only for reviewers and staff (absent for everyone else): the pathway's latest outcomes. */
  outcomes?: OutcomeHeadline | null;
}

export async function getApplication(principal: Principal, applicationId: string): Promise<ApplicationDetail> {
  const [found, access] = await withAccess(principal, getApplicationWithResponses(applicationId));
  if (!found) throw new NotFoundError('application');
  authorize(access, 'application.read', applicationTarget(found.application), 'application');
  const { application, responses } = found;
  // Reviewers and staff judge the application with the pathway's outcomes beside it (issue 7):
  // staff see every count, reviewers the suppressed view. The team has its own outcome routes.
  const staff = hasRole(access, 'staff');
  if (!staff && !access.groups.includes('reviewer')) return { application, responses };
  return { application, responses, outcomes: await latestHeadline(application.pathwayId, staff) };
}

export interface ListQuery extends ApplicationFilter {
  limit?: number;
  cursor?: string;
}

/** A pathway's applications, newest first. */
export async function listPathwayApplications(principal: Principal, pathwayId: string, q: ListQuery): Promise<Page<Application>> {
  const { pathway } = await pathwayFor(principal, pathwayId, 'application.list');
  return listOfPathway(pathway.id, { status: q.status, target: q.target }, q.limit, q.cursor);
}

/** The caller's queue: staff see one status (submitted by default), reviewers their assignments. */
export async function listApplications(principal: Principal, q: ListQuery): Promise<Page<Application>> {
  const access = await loadAccess(principal);
  if (hasRole(access, 'staff')) {
    return listApplicationsByStatus(q.status ?? 'submitted', { target: q.target }, q.limit, q.cursor);
  }
  if (access.groups.includes('reviewer')) {
    return listAssignedApplications(principal.sub, { status: q.status, target: q.target }, q.limit, q.cursor);
  }
  authorize(access, 'application.queue', { kind: 'network' });
  throw new ForbiddenError('Your role does not allow this action.');
}
