/**
 * Publishing domain events (functions/core/events.ts) to the stage's bus, named by EVENT_BUS_NAME.
 *
 * Every event is validated before anything is sent, so a malformed event fails the caller
 * and nothing of the call is published. Events go out in PutEvents batches (at most 10
 * entries and 256 KB each, EventBridge's limits). Any entry EventBridge rejects fails the
 * call with EventPublishError, even when other entries of the same call were accepted:
 * EventBridge delivery is at-least-once anyway, so a retried call may re-publish the
 * accepted ones and subscribers must be idempotent.
 */
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { buildDomainEvent, EVENT_SOURCE, type DomainEventInput } from '#core/events.ts';
import { eventBridgeClient } from '#lib/aws-clients.ts';
import { now } from '#lib/clock.ts';
import { config } from '#lib/config.ts';

export const MAX_ENTRIES_PER_PUT = 10;
/** EventBridge's limit on the summed entry sizes of one PutEvents request. */
export const MAX_PUT_BYTES = 256 * 1024;

export interface FailedEntry {
  detailType: string;
  errorCode: string;
  errorMessage: string;
}

export class EventPublishError extends Error {
  constructor(
    readonly failed: FailedEntry[],
    /** Event ids of the entries EventBridge accepted (published despite the error). */
    readonly publishedIds: string[],
  ) {
    const first = failed[0];
    super(
      `EventBridge rejected ${failed.length} event(s)` + (first ? `: ${first.detailType} ${first.errorCode} ${first.errorMessage}` : ''),
    );
    this.name = 'EventPublishError';
  }
}

function busName(): string {
  return config.eventBusName;
}

/** The size EventBridge counts for an entry (its documented calculation). */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  for (const part of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (part) size += Buffer.byteLength(part, 'utf8');
  }
  return size;
}

/** Splits entries into PutEvents requests within the count and size limits. */
export function batchEntries(entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const batches: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let currentBytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (size > MAX_PUT_BYTES) throw new Error(`A ${entry.DetailType} event is ${size} bytes; EventBridge accepts at most ${MAX_PUT_BYTES}`);
    if (current.length === MAX_ENTRIES_PER_PUT || currentBytes + size > MAX_PUT_BYTES) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(entry);
    currentBytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Validates and publishes domain events; resolves with their EventBridge event ids in the
 * order given. `time` defaults to the clock (the dev clock locally).
 */
export async function publish(events: readonly DomainEventInput[], options: { time?: Date } = {}): Promise<string[]> {
  if (events.length === 0) return [];
  const bus = busName();
  const time = options.time ?? now();
  // All first: an invalid event must not leave the valid ones before it published.
  const entries: PutEventsRequestEntry[] = events.map((input) => {
    const event = buildDomainEvent(input);
    return {
      EventBusName: bus,
      Source: EVENT_SOURCE,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      Resources: input.resources,
      Time: time,
    };
  });

  const ids: string[] = [];
  const failed: FailedEntry[] = [];
  for (const batch of batchEntries(entries)) {
    const result = await eventBridgeClient().send(new PutEventsCommand({ Entries: batch }));
    const answers = result.Entries ?? [];
    batch.forEach((entry, i) => {
      const answer = answers[i];
      if (answer?.EventId && !answer.ErrorCode) ids.push(answer.EventId);
      else {
        failed.push({
          detailType: entry.DetailType ?? '',
          errorCode: answer?.ErrorCode ?? 'MissingResultEntry',
          errorMessage: answer?.ErrorMessage ?? 'EventBridge returned no result for this entry',
        });
      }
    });
    if ((result.FailedEntryCount ?? 0) > 0 || failed.length > 0) throw new EventPublishError(failed, ids);
  }
  return ids;
}
