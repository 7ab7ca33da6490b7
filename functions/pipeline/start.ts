/**
 * What happens right after a team submits (called by the submit use case, use-cases/applications/submit-application.ts):
 * the ApplicationSubmitted event, then the review workflow for this submission.
 *
 * The submission is already committed, so nothing here may undo or fail it: a failure to
 * start is logged and raised to staff (who start it from the review office, or the
 * console), and the application waits in the `submitted` queue meanwhile. Starting is
 * idempotent by execution name, so a repeated call starts nothing twice.
 */
import { publish } from '#events/publish.ts';
import { logger } from '#lib/logger.ts';
import type { Application } from '#store/application-reads.ts';
import { transact } from '#store/db.ts';
import { notifyStaff } from '#store/messages.ts';
import { endAssignmentItems, isOpenReview, moveStage, readRound, vacateReview } from '#store/reviews.ts';
import { answerTask, executionName, startReview } from './workflow.ts';
import { config } from '#lib/config.ts';

export async function reviewAfterSubmit(app: Application, submittedBy: string): Promise<void> {
  try {
    await publish([
      {
        detailType: 'ApplicationSubmitted',
        detail: {
          applicationId: app.id,
          pathwayId: app.pathwayId,
          districtId: app.districtId,
          level: app.level,
          renewal: app.renewal,
          submittedBy,
          submittedAt: app.submittedAt ?? app.updatedAt,
        },
      },
    ]);
  } catch (error) {
    logger.error('ApplicationSubmitted could not be published', { error, applicationId: app.id });
  }
  // Locally the Step Functions endpoint is optional (test files that do not need it skip it):
  // without one, the SDK would try AWS itself. (The endpoint is SDK wiring, not an app setting.)
  const noEndpoint = config.stage === 'local' && !process.env.AWS_ENDPOINT_URL_SFN;
  if (!config.hasReviewStateMachine || noEndpoint) {
    logger.warn('no review state machine to start; the review workflow was not started', { applicationId: app.id });
    return;
  }
  const name = executionName(app.id, app.submissionNumber);
  try {
    const started = await startReview(app.id, name);
    logger.info('review workflow started', { applicationId: app.id, executionArn: started.executionArn, started: started.started });
  } catch (error) {
    logger.error('the review workflow could not be started', { error, applicationId: app.id, executionName: name });
    await notifyStaff({
      kind: 'pipeline.start_failed',
      title: 'A review workflow did not start',
      body: `The review of ${app.pathwayName}'s ${app.level} application (submission ${app.submissionNumber}) did not start: ${(error as Error).name}. Start it from the review office.`,
      applicationId: app.id,
      link: `/applications/${app.id}/review-round`,
    }).catch((e: unknown) => logger.error('staff alert failed too', { error: e }));
  }
}

/**
 * After a withdrawal (called by the withdraw use case): the round's open
 * reviews close (access and load released), the reviewers who submitted lose access too,
 * and every wait of the workflow is answered `closed`, so the execution ends instead of
 * waiting forever. Failures are logged: the withdrawal itself is committed, and a workflow
 * left waiting is closed by the next task that reads the withdrawn status.
 */
export async function reviewAfterWithdraw(app: Application): Promise<void> {
  if (app.submissionNumber < 1) return;
  try {
    const view = await readRound(app.id, app.submissionNumber);
    if (!view) return;
    for (const review of view.reviews.filter(isOpenReview)) await vacateReview(review, 'reassigned', 'Application withdrawn');
    const submitted = view.reviews.filter((r) => r.status === 'submitted');
    if (submitted.length)
      await transact(endAssignmentItems(submitted)).catch((e: unknown) => logger.warn('ending assignments failed', { error: e }));
    await moveStage(app.id, app.submissionNumber, 'withdrawn');
    // Write, then read (store/reviews.ts): a wait that stored its token after the first read
    // either shows here or re-reads the vacated review itself.
    const after = (await readRound(app.id, app.submissionNumber)) ?? view;
    const tokens = [...new Set([...after.seats.map((s) => s.token), after.round.staffTask?.token].filter((t): t is string => !!t))];
    for (const token of tokens) await answerTask(token, { outcome: 'closed' });
  } catch (error) {
    logger.error('closing the review after a withdrawal failed', { error, applicationId: app.id });
  }
}
