/**
 * Optimistic concurrency: a change names the version it was made on. Refusing early when
 * the loaded item is already past that version gives a clear answer; the conditional write
 * still decides a race between two writers of the same version.
 */
import { PreconditionFailedError } from './errors.ts';

export function checkVersion(current: number, expected: number): void {
  if (current !== expected) throw new PreconditionFailedError(current);
}
