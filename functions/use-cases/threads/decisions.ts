/** The latest decision on an application, as the caller may read it, and what its letter needs. */
import { NotFoundError } from '#core/errors.ts';
import { hasRole, type Principal } from '#lib/principal.ts';
import type { Application } from '#store/application-reads.ts';
import { getPublishedFramework } from '#store/frameworks.ts';
import { getDecision as getRoundDecision, type ReviewDecision } from '#store/reviews.ts';
import { loadThread } from './thread-access.ts';

/** The latest decision the caller may read: applied ones for the team, any recorded one for staff. */
async function latestDecision(a: Application, staff: boolean): Promise<ReviewDecision | undefined> {
  for (let n = a.submissionNumber; n >= 1; n--) {
    const d = await getRoundDecision(a.id, n);
    if (d && (d.applied || staff)) return d;
  }
  return undefined;
}

export async function getDecision(
  principal: Principal,
  applicationId: string,
): Promise<{ application: Application; decision: ReviewDecision }> {
  const { application, access } = await loadThread(principal, applicationId, 'application.decision.read');
  const decision = await latestDecision(application, hasRole(access, 'staff'));
  if (!decision) throw new NotFoundError('decision');
  return { application, decision };
}

/** The decision with the names its letter shows: the pathway's, and the pinned framework's component titles. */
export async function getDecisionLetter(principal: Principal, applicationId: string) {
  const { application, decision } = await getDecision(principal, applicationId);
  const framework = await getPublishedFramework(application.frameworkId);
  const componentTitles: ReadonlyMap<string, string> = new Map((framework?.components ?? []).map((c) => [c.id, c.title]));
  return { application, decision, componentTitles };
}
