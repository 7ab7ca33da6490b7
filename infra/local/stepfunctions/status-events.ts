/**
 * "Step Functions Execution Status Change" events, as Step Functions puts them on the
 * account's default event bus: one per execution start (RUNNING) and end (SUCCEEDED,
 * FAILED, TIMED_OUT, ABORTED), sent with PutEvents to the local EventBridge endpoint so the
 * rules of events/rules.ts route them to the same handlers as in AWS. Sent in order, one at a
 * time; a failed put is logged, never retried (AWS's delivery is best effort too).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { ExecutionRecord } from './execution-record.ts';

export const STATUS_CHANGE_SOURCE = 'aws.states';
export const STATUS_CHANGE_DETAIL_TYPE = 'Step Functions Execution Status Change';

/** The event detail AWS sends (dates in epoch milliseconds, absent values as null). */
export function statusChangeDetail(record: ExecutionRecord): Record<string, unknown> {
  const closed = record.status !== 'RUNNING';
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: record.startDate,
    stopDate: closed ? (record.stopDate ?? null) : null,
    input: record.input,
    inputDetails: { included: true },
    output: record.output ?? null,
    outputDetails: record.output !== undefined ? { included: true } : null,
    error: record.error ?? null,
    cause: record.cause ?? null,
  };
}

export class StatusEvents {
  private readonly client: EventBridgeClient;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    endpoint: string,
    region: string,
    private readonly log: (message: string, fields?: object) => void,
  ) {
    this.client = new EventBridgeClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  }

  /** Queues the event for the execution's current status (the detail is taken now). */
  emit(record: ExecutionRecord): void {
    const detail = statusChangeDetail(record);
    const time = new Date(record.status === 'RUNNING' ? record.startDate : (record.stopDate ?? Date.now()));
    this.queue = this.queue.then(async () => {
      try {
        const out = await this.client.send(
          new PutEventsCommand({
            Entries: [
              {
                Source: STATUS_CHANGE_SOURCE,
                DetailType: STATUS_CHANGE_DETAIL_TYPE,
                Resources: [record.executionArn],
                Detail: JSON.stringify(detail),
                Time: time,
              },
            ],
          }),
        );
        if (out.FailedEntryCount) this.log(`step functions: status change of ${record.executionArn} not accepted: ${JSON.stringify(out.Entries)}`);
      } catch (error) {
        this.log(`step functions: status change ${String(detail.status)} of ${record.executionArn} could not be sent: ${String(error)}`);
      }
    });
  }

  /** Resolves once every queued event was sent (or failed). */
  flush(): Promise<void> {
    return this.queue;
  }

  close(): void {
    this.client.destroy();
  }
}
