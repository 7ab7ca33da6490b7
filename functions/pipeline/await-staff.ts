/**
 * Tasks 5 and 6 (`.waitForTaskToken`): wait for staff to adjudicate disagreements, or to
 * decide. The token is stored on the round while it is at that stage; the staff API records
 * the adjudications or the decision first and then answers the token. This task re-reads
 * after storing, so a fact recorded before the token arrived (a restart, a race) is
 * answered at once.
 */
import { getApplication } from '#store/application-reads.ts';
import { notifyStaff } from '#store/messages.ts';
import { getDecision, getRound, roundOwnedBy, storeStaffToken } from '#store/reviews.ts';
import { PipelineError, TransientError } from './errors.ts';
import { pipelineTask, waitWithClock } from './task.ts';
import { staffWaitClock, staffWaitOverdue, type StaffWaitInput } from './wait-deadlines.ts';
import { answerTask } from './workflow.ts';

export interface AwaitStaffInput {
  taskToken: string;
  applicationId: string;
  round: number;
  kind: 'adjudication' | 'decision';
  executionArn?: string;
}

function adjudicated(round: NonNullable<Awaited<ReturnType<typeof getRound>>>): boolean {
  const needed = round.aggregate?.needsAdjudication ?? [];
  return needed.every((c) => round.adjudications?.[c] !== undefined);
}

export async function awaitStaff(input: AwaitStaffInput): Promise<{ waiting: boolean }> {
  const { applicationId, round: n, kind, taskToken } = input;
  const answer = async (outcome: string) => {
    await answerTask(taskToken, { outcome });
    return { waiting: false };
  };
  const app = await getApplication(applicationId, true);
  if (!app || app.status === 'withdrawn') return answer('closed');
  const round = await getRound(applicationId, n);
  // An execution that lost the round to another one (prepare.ts) stands down.
  if (!roundOwnedBy(round, input.executionArn)) return answer('closed');
  if (!round) throw new PipelineError('RoundNotFound', `no round ${n} for ${applicationId}`);

  if (kind === 'adjudication') {
    if (round.stage !== 'adjudication' || adjudicated(round)) return answer('adjudicated');
    if (!(await storeStaffToken(applicationId, n, kind, taskToken))) throw new TransientError('round left adjudication meanwhile');
    const again = await getRound(applicationId, n);
    if (again && adjudicated(again)) return answer('adjudicated');
    if (!round.staffTask || round.staffTask.kind !== 'adjudication') {
      await notifyStaff({
        kind: 'review.adjudication',
        title: 'Reviewers disagree: adjudication needed',
        body: `${round.aggregate?.needsAdjudication.length ?? 0} criterion/criteria of ${app.pathwayName}'s ${app.level} application need a final score.`,
        applicationId,
        link: `/applications/${applicationId}/review-round`,
      });
    }
    return { waiting: true };
  }

  if (await getDecision(applicationId, n)) return answer('decided');
  if (round.stage !== 'decision') throw new PipelineError('NotAwaitingDecision', `round ${n} of ${applicationId} is at ${round.stage}`);
  if (!(await storeStaffToken(applicationId, n, kind, taskToken))) throw new TransientError('round left the decision stage meanwhile');
  if (await getDecision(applicationId, n)) return answer('decided');
  return { waiting: true };
}

/** One Lambda for the staff wait and its clock (`mode`). */
export const handler = waitWithClock(
  pipelineTask('awaitStaff', awaitStaff, (i) => i.kind),
  pipelineTask('staffWaitClock', staffWaitClock, (i: StaffWaitInput) => i.kind),
  pipelineTask('staffWaitOverdue', staffWaitOverdue, (i: StaffWaitInput) => i.kind),
);
