/**
 * The round number a staff action on an application's review addresses: the current one
 * (its latest submission) unless another is asked for. Shared by the review office's use cases.
 */
import { ConflictError } from '#core/errors.ts';
import type { Application } from '#store/application-reads.ts';

/** The round that is current for the application (its latest submission), or the one asked for. */
export function roundNumber(app: Application, asked?: number): number {
  const n = asked ?? app.submissionNumber;
  if (n < 1) throw new ConflictError('The application has not been submitted yet; it has no review round.', { status: app.status });
  return n;
}
