/**
 * Fault injection at the AWS SDK client layer, through functions/lib/aws-clients.ts's
 * onClientCreated hook: a middleware inside the SDK's retry loop throws the errors the
 * services throw under load (DynamoDB ProvisionedThroughputExceededException and
 * ThrottlingException, S3 503 SlowDown) before the request leaves the process.
 *
 * Two ways to fail, both counted:
 *  - `attempts`: the next N matching attempts fail; the SDK's own retries may absorb them.
 *  - `calls`: the next N matching calls fail on every attempt, so the error reaches the
 *    caller (the API's error handler, a workflow task, an S3-triggered function).
 * Call `installFaultInjection()` before the platform starts (clients are created lazily).
 */
import { ProvisionedThroughputExceededException, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { onClientCreated } from '#lib/aws-clients.ts';

export type FaultService = 'dynamodb' | 's3';
export type FaultError = 'ProvisionedThroughputExceededException' | 'ThrottlingException' | 'SlowDown';

export interface FaultPlan {
  service: FaultService;
  error: FaultError;
  /** Command names without the `Command` suffix (e.g. `TransactWriteItems`, `CopyObject`); default any. */
  commands?: string[];
  /** Only commands whose input mentions this text (e.g. an application id). */
  match?: string;
  attempts?: number;
  calls?: number;
}

interface ArmedPlan extends FaultPlan {
  attemptsLeft: number;
  callsLeft: number;
}

export interface Injected {
  service: FaultService;
  command: string;
  error: FaultError;
  /** Whole call (every attempt) or one attempt. */
  kind: 'call' | 'attempt';
}

let plans: ArmedPlan[] = [];
const log: Injected[] = [];
let installed = false;
const doomed = new WeakSet<object>();

function makeError(error: FaultError): Error {
  const $metadata = { httpStatusCode: error === 'SlowDown' ? 503 : 400, requestId: 'injected', attempts: 1, totalRetryDelay: 0 };
  const message = `injected ${error}`;
  if (error === 'ProvisionedThroughputExceededException') return new ProvisionedThroughputExceededException({ message, $metadata });
  if (error === 'ThrottlingException') return new ThrottlingException({ message, $metadata });
  return new S3ServiceException({ name: 'SlowDown', $fault: 'server', message: 'Please reduce your request rate.', $metadata });
}

function planFor(service: FaultService, command: string, input: unknown): ArmedPlan | undefined {
  const bare = command.replace(/Command$/, '');
  return plans.find(
    (p) =>
      p.service === service && (!p.commands || p.commands.includes(bare)) && (!p.match || JSON.stringify(input ?? {}).includes(p.match)),
  );
}

export function installFaultInjection(): void {
  if (installed) return;
  installed = true;
  onClientCreated((client, service) => {
    if (service !== 'dynamodb' && service !== 's3') return;
    const stack = client.middlewareStack as unknown as {
      add(mw: unknown, options: { step: string; name: string; priority?: string }): void;
    };
    // Outside the retry loop: decide once per call whether the whole call is doomed.
    stack.add(
      (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
        const plan = planFor(service, context.commandName ?? '', args.input);
        if (plan && plan.callsLeft > 0) {
          plan.callsLeft--;
          doomed.add(context);
          log.push({ service, command: context.commandName ?? '', error: plan.error, kind: 'call' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'faultInjectionCalls', priority: 'high' },
    );
    // Inside the retry loop: every attempt of a doomed call fails, and the next N attempts do.
    stack.add(
      (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
        const plan = planFor(service, context.commandName ?? '', args.input);
        if (plan && doomed.has(context)) throw makeError(plan.error);
        if (plan && plan.attemptsLeft > 0) {
          plan.attemptsLeft--;
          log.push({ service, command: context.commandName ?? '', error: plan.error, kind: 'attempt' });
          throw makeError(plan.error);
        }
        return next(args);
      },
      { step: 'deserialize', name: 'faultInjectionAttempts', priority: 'low' },
    );
  });
}

/** Arms a plan (replacing none): faults start with the next matching SDK call. */
export function injectFaults(plan: FaultPlan): void {
  plans.push({ ...plan, attemptsLeft: plan.attempts ?? 0, callsLeft: plan.calls ?? 0 });
}

/** Disarms every plan; answers what was injected since the last clear. */
export function clearFaults(): Injected[] {
  plans = [];
  return log.splice(0);
}

/** What was injected so far (since the last clear). */
export function injected(): readonly Injected[] {
  return log;
}
