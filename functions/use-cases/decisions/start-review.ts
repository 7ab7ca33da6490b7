/**
 * Staff start (or restart) an application's review workflow: the console's rules, answered
 * before anything starts. The workflow's first task (pipeline/prepare.ts) applies the same
 * rules again, so a start that slips past them (a race) still ends at once there.
 */
import { isTerminal } from '#core/application-status.ts';
import { ConflictError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { getRound } from '#store/reviews.ts';
import { describeExecution, executionName, startReview as startExecution } from '#pipeline/workflow.ts';
import { loadApplication } from '../applications/load-application.ts';

export interface StartedReview {
  executionName: string;
  executionArn: string;
  /** false when an execution of this name existed already (starting is idempotent). */
  started: boolean;
}

/**
 * Starts the workflow of the current submission; a restart (the round has had executions)
 * is named `-r<n>`. Refused while nothing is to review or an execution still runs.
 */
export async function startReview(principal: Principal, applicationId: string): Promise<StartedReview> {
  const { application: app } = await loadApplication(principal, applicationId, 'application.assign');
  if (app.submissionNumber < 1 || app.status === 'draft') {
    throw new ConflictError(`The application is ${app.status}; it has not been submitted, so there is nothing to review.`, {
      code: 'not_submitted',
      status: app.status,
    });
  }
  if (app.status === 'withdrawn') {
    throw new ConflictError('The application was withdrawn; there is nothing to review.', { code: 'withdrawn', status: app.status });
  }
  if (isTerminal(app.status) || app.status === 'revise_and_resubmit') {
    throw new ConflictError(`The application is already decided (${app.status}); its review cannot run again.`, {
      code: 'already_decided',
      status: app.status,
    });
  }
  const round = await getRound(app.id, app.submissionNumber);
  if (round?.executionArn) {
    const current = await describeExecution(round.executionArn);
    if (current?.status === 'RUNNING') {
      throw new ConflictError('The review workflow is running; stop it before starting another.', {
        code: 'review_running',
        executionArn: round.executionArn,
      });
    }
  }
  const previous = round?.executions.length ?? 0;
  const name = executionName(app.id, app.submissionNumber, previous > 0 ? previous : undefined);
  const started = await startExecution(app.id, name);
  return { executionName: name, executionArn: started.executionArn, started: started.started };
}
