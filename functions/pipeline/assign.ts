/**
 * Task 2: the first panel. Fills every vacant seat the rules can fill (core assignment:
 * deterministic, conflict-free, load-balanced, expertise first) and notifies each new
 * reviewer once. Seats nobody qualifies for stay vacant: their seat wait (await-review.ts)
 * asks staff to assign by hand instead of failing the execution.
 *
 * Repeating it (retry, restart) keeps everyone already seated and sends nothing twice.
 */
import { getApplication } from '#store/application-reads.ts';
import { moveStage, readRound, roundOwnedBy, seatHolder } from '#store/reviews.ts';
import { PipelineError } from './errors.ts';
import { ensureNotified, fillSeats } from './panel.ts';
import { pipelineTask } from './task.ts';

export interface AssignInput {
  applicationId: string;
  round: number;
  executionArn?: string;
}

export interface AssignOutput {
  applicationId: string;
  round: number;
  /** Seat numbers, one Map iteration each. */
  seats: number[];
}

export async function assign(input: AssignInput): Promise<AssignOutput> {
  const app = await getApplication(input.applicationId, true);
  if (!app) throw new PipelineError('ApplicationNotFound', `no application ${input.applicationId}`);
  const view = await readRound(app.id, input.round);
  if (!view) throw new PipelineError('RoundNotFound', `no round ${input.round} for ${app.id}`);
  // Another execution owns the round (prepare.ts): no seat waits here; Aggregate ends this one.
  if (!roundOwnedBy(view.round, input.executionArn)) return { applicationId: app.id, round: input.round, seats: [] };
  const seats = view.seats.map((s) => s.seat);
  if (app.status === 'withdrawn' || app.submissionNumber !== input.round) return { applicationId: app.id, round: input.round, seats };

  const vacant = view.seats.filter((s) => !seatHolder(view, s)).map((s) => s.seat);
  if (vacant.length > 0) await fillSeats(app, vacant);

  const after = (await readRound(app.id, input.round))!;
  for (const seat of after.seats) {
    const holder = seatHolder(after, seat);
    if (holder && holder.status !== 'submitted') await ensureNotified(holder);
  }
  if (after.seats.every((s) => seatHolder(after, s))) await moveStage(app.id, input.round, 'seatsFilled');
  return { applicationId: app.id, round: input.round, seats };
}

export const handler = pipelineTask('assign', assign);
