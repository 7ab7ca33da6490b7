/**
 * Asynchronous delivery to Lambda targets, as EventBridge (and Scheduler) do it: the
 * caller is answered before the target runs; a failing target is retried with exponential
 * backoff until the retry policy's attempts or event age run out; then the event goes to
 * the dead-letter list (and `<dataDir>/dead-letters.jsonl`) when the rule has a
 * dead-letter queue, or is dropped (and logged) when it has none. Never endless.
 *
 * In AWS a Lambda target is invoked asynchronously, so a handler error is retried by
 * Lambda's async invocation config rather than by the rule; the CDK app applies the same
 * policy to both (see events/rules.ts), which makes this single retry loop equivalent.
 * Event age is measured in real time, not on the dev clock.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RetryPolicy } from '#events/rules.ts';

export type InvokeTarget = (functionName: string, event: unknown) => Promise<unknown>;

export type DeliveryStatus = 'pending' | 'delivered' | 'dead-lettered' | 'dropped' | 'abandoned';

export interface DeliveryError {
  errorType: string;
  errorMessage: string;
}

export interface DeliveryRecord {
  id: string;
  /** What routed it: a rule (PutEvents) or a schedule. */
  via: { rule: string } | { schedule: string };
  function: string;
  /** The event as the target received it on the latest attempt. */
  payload: unknown;
  status: DeliveryStatus;
  attempts: number;
  /** What the target returned, once delivered. */
  result?: unknown;
  lastError?: DeliveryError;
  acceptedAt: string;
  finishedAt?: string;
}

export interface DeadLetter {
  deliveryId: string;
  via: DeliveryRecord['via'];
  /** ARN of the rule or schedule, and of the target, as the DLQ message attributes name them. */
  sourceArn: string;
  targetArn: string;
  function: string;
  payload: unknown;
  reason: 'RetryAttemptsExhausted' | 'MaximumEventAgeExceeded';
  retryAttempts: number;
  errorCode: string;
  errorMessage: string;
  deadLetteredAt: string;
}

export interface DeliveryRequest {
  via: DeliveryRecord['via'];
  sourceArn: string;
  function: string;
  /** The event for attempt n (1-based); Scheduler substitutes the attempt number. */
  payload: (attempt: number) => unknown;
  retryPolicy: RetryPolicy;
  deadLetterQueue: boolean;
}

export interface DeliveryOptions {
  invoke: InvokeTarget;
  targetArn: (functionName: string) => string;
  /** Pause before retry n (1-based). Default: 1 s, doubling, at most 60 s. */
  retryDelayMs?: (retry: number) => number;
  /** Where dead letters are appended as JSON lines; none: memory only. */
  dataDir?: string;
  log: (line: string) => void;
}

/** Deliveries kept for inspection (the oldest are forgotten first). */
export const MAX_KEPT = 5000;

export const defaultRetryDelayMs = (retry: number) => Math.min(60_000, 1000 * 2 ** (retry - 1));

export class Deliveries {
  private readonly records: DeliveryRecord[] = [];
  private readonly letters: DeadLetter[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly completion = new Map<string, Promise<void>>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private stopped = false;

  constructor(private readonly options: DeliveryOptions) {}

  /** Queues a delivery and returns its record at once; the record is updated as attempts happen. */
  deliver(request: DeliveryRequest): DeliveryRecord {
    const record: DeliveryRecord = {
      id: randomUUID(),
      via: request.via,
      function: request.function,
      payload: request.payload(1),
      status: 'pending',
      attempts: 0,
      acceptedAt: new Date().toISOString(),
    };
    this.records.push(record);
    // A dev server runs for days: keep the recent history only.
    if (this.records.length > MAX_KEPT) this.records.splice(0, this.records.length - MAX_KEPT);
    const done = this.run(record, request).catch((error: unknown) => {
      this.options.log(`eventbridge: delivery ${record.id} crashed: ${String(error)}`);
    });
    this.inFlight.add(done);
    this.completion.set(record.id, done);
    void done.finally(() => {
      this.inFlight.delete(done);
      this.completion.delete(record.id);
    });
    return record;
  }

  /** Resolves when the delivery has finished (at once if it already has). */
  async done(id: string): Promise<void> {
    await this.completion.get(id);
  }

  list(): DeliveryRecord[] {
    return [...this.records];
  }

  deadLetters(): DeadLetter[] {
    return [...this.letters];
  }

  /** Resolves when every delivery accepted so far (and any they led to) has finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Cancels pending retries (those deliveries end `abandoned`) and waits for running attempts. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const [timer, wake] of this.timers) {
      clearTimeout(timer);
      wake();
    }
    this.timers.clear();
    await this.settled();
  }

  private async run(record: DeliveryRecord, request: DeliveryRequest): Promise<void> {
    // Asynchronous like EventBridge: the PutEvents answer goes out before the target runs.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const started = Date.now();
    const { maximumRetryAttempts, maximumEventAgeSeconds } = request.retryPolicy;
    const delay = this.options.retryDelayMs ?? defaultRetryDelayMs;
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) return this.finish(record, 'abandoned');
      record.attempts = attempt;
      record.payload = request.payload(attempt);
      try {
        record.result = await this.options.invoke(request.function, record.payload);
        return this.finish(record, 'delivered');
      } catch (error) {
        record.lastError = toDeliveryError(error);
        this.options.log(
          `eventbridge: ${describeVia(record)} → ${request.function} attempt ${attempt} failed: ` +
            `${record.lastError.errorType}: ${record.lastError.errorMessage}`,
        );
      }
      const retry = attempt; // retries done after this one
      if (retry > maximumRetryAttempts) return this.giveUp(record, request, 'RetryAttemptsExhausted');
      const pause = Math.max(0, delay(retry));
      if (Date.now() + pause - started > maximumEventAgeSeconds * 1000) {
        return this.giveUp(record, request, 'MaximumEventAgeExceeded');
      }
      if (pause > 0) await this.sleep(pause);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  private finish(record: DeliveryRecord, status: DeliveryStatus): void {
    record.status = status;
    record.finishedAt = new Date().toISOString();
  }

  private giveUp(record: DeliveryRecord, request: DeliveryRequest, reason: DeadLetter['reason']): void {
    const error = record.lastError ?? { errorType: 'Unknown', errorMessage: '' };
    if (!request.deadLetterQueue) {
      this.finish(record, 'dropped');
      this.options.log(
        `eventbridge: ${describeVia(record)} → ${request.function} dropped after ${record.attempts} attempt(s) (${reason}; no dead-letter queue)`,
      );
      return;
    }
    this.finish(record, 'dead-lettered');
    const letter: DeadLetter = {
      deliveryId: record.id,
      via: record.via,
      sourceArn: request.sourceArn,
      targetArn: this.options.targetArn(request.function),
      function: request.function,
      payload: record.payload,
      reason,
      retryAttempts: record.attempts - 1,
      errorCode: error.errorType,
      errorMessage: error.errorMessage,
      deadLetteredAt: record.finishedAt!,
    };
    this.letters.push(letter);
    let where = '';
    if (this.options.dataDir) {
      const file = path.join(this.options.dataDir, 'dead-letters.jsonl');
      mkdirSync(this.options.dataDir, { recursive: true });
      appendFileSync(file, `${JSON.stringify(letter)}\n`);
      where = ` (${file})`;
    }
    this.options.log(
      `eventbridge: ${describeVia(record)} → ${request.function} dead-lettered after ${record.attempts} attempt(s): ${reason}${where}`,
    );
  }
}

function describeVia(record: DeliveryRecord): string {
  return 'rule' in record.via ? `rule ${record.via.rule}` : `schedule ${record.via.schedule}`;
}

function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof Error) return { errorType: error.name || 'Error', errorMessage: error.message };
  return { errorType: 'Error', errorMessage: String(error) };
}
