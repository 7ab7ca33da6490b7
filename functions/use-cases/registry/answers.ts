/**
 * How a creating use case hands its result to the caller's rendering: the edge turns the
 * created record into the answer (status, body, headers) that the idempotency record keeps
 * and a retry with the same key replays.
 */
import type { RecordedAnswer } from '#store/idempotency.ts';

export type RenderCreated<T> = (created: T) => RecordedAnswer;
