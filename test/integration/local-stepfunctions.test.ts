/**
 * The local Step Functions endpoint, driven through the real SFNClient (and the AWS CLI when
 * one is usable) against fixture state machines whose Lambda tasks call test functions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { awsCli, awsCliUnavailable } from '../support/aws-cli.ts';
import { startEventBridgeServer } from '../../infra/local/eventbridge/server.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStepFunctionsServer, type LocalStateMachine, type StepFunctionsServer } from '../../infra/local/stepfunctions/server.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'statemachines');
const ACCOUNT = '000000000000';
const functionArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:pathcert-local-${name}`;
const SUBSTITUTIONS = {
  Function_validate: functionArn('validate'),
  Function_score: functionArn('score'),
  Function_flaky: functionArn('flaky'),
  Function_requestReview: functionArn('requestReview'),
};

function machine(name: string, file: string): LocalStateMachine {
  return { name: `pathcert-local-${name}`, definitionPath: join(FIXTURES, `${file}.asl.json`), substitutions: SUBSTITUTIONS };
}

const MACHINES = [
  machine('chain', 'lambda-chain'),
  machine('pages', 'lambda-chain'),
  machine('retry', 'retry-catch'),
  machine('review', 'callbacks'),
  machine('heartbeat', 'heartbeat'),
];

interface ReviewRequest {
  taskToken: string;
  reviewer: string;
  applicationId: string;
}

/** The Lambda functions of the fixtures, recording what they were called with. */
class FakeFunctions {
  readonly calls: Array<{ functionName: string; payload: unknown }> = [];
  private readonly flakyAttempts = new Map<string, number>();
  private readonly reviewRequests: ReviewRequest[] = [];
  private readonly reviewWaiters: Array<{ applicationId: string; count: number; resolve: (r: ReviewRequest[]) => void }> = [];

  readonly invoke = async (functionName: string, payload: unknown): Promise<unknown> => {
    this.calls.push({ functionName, payload });
    const input = payload as Record<string, unknown>;
    switch (functionName) {
      case functionArn('validate'):
        return { applicationId: input.applicationId, valid: true, at: new Date(0) };
      case functionArn('score'):
        return { points: input.valid ? 42 : 0 };
      case functionArn('flaky'):
        return this.flaky(input);
      case functionArn('requestReview'):
        this.reviewRequested(input as unknown as ReviewRequest);
        return { accepted: true };
      default:
        throw Object.assign(new Error(`no function ${functionName}`), { name: 'ResourceNotFoundException' });
    }
  };

  /** Resolves once `count` review requests for the application have arrived (no polling). */
  reviewsFor(applicationId: string, count: number): Promise<ReviewRequest[]> {
    return new Promise((resolve) => {
      this.reviewWaiters.push({ applicationId, count, resolve });
      this.notifyReviewWaiters();
    });
  }

  private flaky(input: Record<string, unknown>): unknown {
    const key = String(input.applicationId);
    const attempts = (this.flakyAttempts.get(key) ?? 0) + 1;
    this.flakyAttempts.set(key, attempts);
    if (attempts <= Number(input.failTimes ?? 0)) {
      throw Object.assign(new Error(`attempt ${attempts} failed`), { name: String(input.errorName ?? 'TransientError') });
    }
    if (input.permanent) throw Object.assign(new Error('application is incomplete'), { name: 'PermanentError' });
    return { attempts };
  }

  private reviewRequested(request: ReviewRequest): void {
    this.reviewRequests.push(request);
    this.notifyReviewWaiters();
  }

  private notifyReviewWaiters(): void {
    for (const waiter of [...this.reviewWaiters]) {
      const found = this.reviewRequests.filter((r) => r.applicationId === waiter.applicationId);
      if (found.length < waiter.count) continue;
      this.reviewWaiters.splice(this.reviewWaiters.indexOf(waiter), 1);
      waiter.resolve(found.sort((a, b) => a.reviewer.localeCompare(b.reviewer)));
    }
  }
}

function sfnClient(endpoint: string): SFNClient {
  return new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** Polls (every 20 ms, up to 10 s) until the condition holds. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not met within 10 s');
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const stateNames = (events: HistoryEvent[]) =>
  events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);

let server: StepFunctionsServer;
let sfn: SFNClient;
const functions = new FakeFunctions();

beforeAll(async () => {
  server = await startStepFunctionsServer({
    port: 0,
    stateMachines: MACHINES,
    invokeFunction: functions.invoke,
    waitTimeScale: 0,
  });
  sfn = sfnClient(server.endpoint);
});

afterAll(async () => {
  sfn?.destroy();
  await server?.stop();
});

async function start(machineName: string, input: unknown, name?: string): Promise<string> {
  const started = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: server.stateMachineArn(`pathcert-local-${machineName}`),
      input: JSON.stringify(input),
      name,
    }),
  );
  expect(started.startDate).toBeInstanceOf(Date);
  return started.executionArn!;
}

async function history(executionArn: string, client = sfn): Promise<HistoryEvent[]> {
  return (await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
}

describe('state machines', () => {
  it('lists and describes the loaded state machines with substitutions applied', async () => {
    const listed = await sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => m.name)).toEqual(MACHINES.map((m) => m.name).sort());
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: server.stateMachineArn('pathcert-local-chain') }));
    expect(described.stateMachineArn).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:pathcert-local-chain`);
    expect(described.type).toBe('STANDARD');
    expect(described.creationDate).toBeInstanceOf(Date);
    expect(described.definition).toContain(functionArn('validate'));
    expect(described.definition).not.toContain('${');
  });

  it('refuses definitions that are invalid, unsubstituted or use resources it cannot run', async () => {
    const attempt = (m: LocalStateMachine) => rejection(startStepFunctionsServer({ stateMachines: [m], invokeFunction: functions.invoke }));
    const invalid = await attempt(machine('broken', 'invalid'));
    expect(invalid.message).toMatch(/Invalid state machine definition pathcert-local-broken/);
    expect(invalid.message).toMatch(/Missing/);
    const unsubstituted = await attempt({ ...machine('nosub', 'lambda-chain'), substitutions: {} });
    expect(unsubstituted.message).toContain('${Function_validate}');
    const unsupported = await attempt({ ...machine('ddb', 'unsupported-resource'), substitutions: { TableName: 't' } });
    expect(unsupported.message).toContain('dynamodb:putItem');
    // Only synchronous Lambda invokes run locally: an asynchronous one is refused, not run as a synchronous one.
    const asyncInvoke = await attempt(machine('async', 'async-invoke'));
    expect(asyncInvoke.message).toContain('InvocationType "Event" is not supported locally');
    // Lambda by plain function ARN (unused by statemachines/) is refused too.
    const byArn = await attempt(machine('arn', 'function-arn'));
    expect(byArn.message).toMatch(/resource arn:aws:lambda:.*:function:pathcert-local-score is not supported locally/);
  });
});

describe('Lambda tasks', () => {
  it('runs a Lambda chain: invoke integration results shaped by ResultSelector, skipped Wait', async () => {
    const arn = await start('chain', { applicationId: 'app-1' }, 'chain-app-1');
    expect(arn).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:execution:pathcert-local-chain:chain-app-1`);
    const done = await server.waitForExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({
      applicationId: 'app-1',
      valid: true,
      statusCode: 200,
      score: 42,
      execution: 'chain-app-1',
    });
    expect(functions.calls).toContainEqual({ functionName: functionArn('validate'), payload: { applicationId: 'app-1' } });
    expect(functions.calls).toContainEqual({
      functionName: functionArn('score'),
      payload: { applicationId: 'app-1', valid: true, at: new Date(0).toISOString() },
    });
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(described.stopDate!.getTime()).toBeGreaterThanOrEqual(described.startDate!.getTime());
  });

  it('records a history that shows which states ran, in order', async () => {
    const arn = await start('chain', { applicationId: 'app-history' });
    await server.waitForExecution(arn);
    const events = await history(arn);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(stateNames(events)).toEqual(['Validate', 'Pause', 'Score', 'Done']);
    const scheduled = events.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke', region: 'us-east-1' });
    expect(JSON.parse(scheduled.parameters!)).toEqual({
      FunctionName: functionArn('validate'),
      Payload: { applicationId: 'app-history' },
    });
    expect(events[0]!.executionStartedEventDetails?.input).toBe('{"applicationId":"app-history"}');

    const reversed = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 3 }));
    expect(reversed.events?.map((e) => e.type)).toEqual(['ExecutionSucceeded', 'PassStateExited', 'PassStateEntered']);
    const paged: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 5, nextToken }));
      paged.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(paged.map((e) => e.id)).toEqual(events.map((e) => e.id));
    const withoutData = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, includeExecutionData: false }));
    expect(withoutData.events?.[0]?.executionStartedEventDetails?.input).toBeUndefined();
  });

  it('retries a transient error until the function succeeds', async () => {
    const arn = await start('retry', { applicationId: 'retry-1', failTimes: 2 });
    const done = await server.waitForExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ attempts: 3 });
    const events = await history(arn);
    expect(events.filter((e) => e.type === 'TaskScheduled')).toHaveLength(3);
    const failures = events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails!);
    expect(failures.map((f) => f.error)).toEqual(['TransientError', 'TransientError']);
    expect(JSON.parse(failures[0]!.cause!)).toMatchObject({ errorType: 'TransientError', errorMessage: 'attempt 1 failed' });
    expect(stateNames(events)).toEqual(['CallFlaky']);
  });

  it('passes Lambda-style error names such as Lambda.ServiceException through to Retry', async () => {
    const arn = await start('retry', { applicationId: 'retry-2', failTimes: 1, errorName: 'Lambda.ServiceException' });
    const done = await server.waitForExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ attempts: 2 });
  });

  it('catches an error Retry does not cover and moves to the failure state', async () => {
    const arn = await start('retry', { applicationId: 'retry-3', permanent: true });
    const done = await server.waitForExecution(arn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'ApplicationRejected', cause: 'PermanentError' });
    const events = await history(arn);
    expect(stateNames(events)).toEqual(['CallFlaky', 'RecordFailure', 'Rejected']);
    expect(events.filter((e) => e.type === 'TaskScheduled')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({
      type: 'ExecutionFailed',
      executionFailedEventDetails: { error: 'ApplicationRejected', cause: 'PermanentError' },
    });
  });
});

describe('callback tasks (.waitForTaskToken)', () => {
  it('completes parallel branches with the tokens their functions received', async () => {
    const arn = await start('review', { applicationId: 'review-1' });
    const [a, b] = await functions.reviewsFor('review-1', 2);
    expect(a!.reviewer).toBe('a');
    expect(b!.reviewer).toBe('b');
    expect(a!.taskToken).not.toBe(b!.taskToken);
    expect(a!.taskToken.length).toBeGreaterThan(200);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');

    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: a!.taskToken }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: b!.taskToken, output: JSON.stringify({ score: 3 }) }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: a!.taskToken, output: JSON.stringify({ score: 4 }) }));
    const done = await server.waitForExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ applicationId: 'review-1', reviews: [{ score: 4 }, { score: 3 }] });

    const again = await rejection(sfn.send(new SendTaskSuccessCommand({ taskToken: a!.taskToken, output: '{}' })));
    expect(again).toBeInstanceOf(TaskTimedOut);
    const events = await history(arn);
    expect(stateNames(events)).toEqual(expect.arrayContaining(['Reviews', 'ReviewerA', 'ReviewerB']));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['ParallelStateStarted', 'TaskSubmitted', 'ParallelStateSucceeded']));
    const succeeded = events.filter((e) => e.type === 'TaskSucceeded').map((e) => e.taskSucceededEventDetails!);
    expect(succeeded.map((d) => d.resource)).toEqual(['invoke.waitForTaskToken', 'invoke.waitForTaskToken']);
  });

  it('routes a SendTaskFailure to Catch and retires the other branch token', async () => {
    const arn = await start('review', { applicationId: 'review-2' });
    const [a, b] = await functions.reviewsFor('review-2', 2);
    await sfn.send(new SendTaskFailureCommand({ taskToken: a!.taskToken, error: 'ReviewRejected', cause: 'missing evidence' }));
    const done = await server.waitForExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ rejected: 'ReviewRejected', reason: 'missing evidence' });
    const late = await rejection(sfn.send(new SendTaskSuccessCommand({ taskToken: b!.taskToken, output: '{}' })));
    expect(late).toBeInstanceOf(TaskTimedOut);
    const events = await history(arn);
    expect(events.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails).toMatchObject({
      error: 'ReviewRejected',
      cause: 'missing evidence',
    });
    expect(events.map((e) => e.type)).toContain('ParallelStateFailed');
    expect(stateNames(events).at(-1)).toBe('Rejected');
  });

  it('answers malformed and unknown tokens with the errors AWS uses', async () => {
    const malformed = await rejection(sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })));
    expect(malformed).toBeInstanceOf(InvalidToken);
    const unknown = `AQ${'A'.repeat(256)}`;
    const missing = await rejection(sfn.send(new SendTaskHeartbeatCommand({ taskToken: unknown })));
    expect(missing).toBeInstanceOf(TaskDoesNotExist);
  });

  it('fails a callback task that misses its heartbeat with States.HeartbeatTimeout', async () => {
    const arn = await start('heartbeat', { applicationId: 'silent-1' });
    const [request] = await functions.reviewsFor('silent-1', 1);
    const done = await server.waitForExecution(arn, 10_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ error: 'States.HeartbeatTimeout' });
    const events = await history(arn);
    expect(events.find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails?.error).toBe('States.HeartbeatTimeout');
    const late = await rejection(sfn.send(new SendTaskSuccessCommand({ taskToken: request!.taskToken, output: '{}' })));
    expect(late).toBeInstanceOf(TaskTimedOut);
  });
});

describe('executions', () => {
  it('treats StartExecution with the same name as idempotent only for an open execution with the same input', async () => {
    const input = { applicationId: 'idem-1' };
    const first = await start('review', input, 'idem-1');
    expect(await start('review', input, 'idem-1')).toBe(first);
    const different = await rejection(start('review', { applicationId: 'other' }, 'idem-1'));
    expect(different).toBeInstanceOf(ExecutionAlreadyExists);

    const requests = await functions.reviewsFor('idem-1', 2);
    expect(requests).toHaveLength(2);
    for (const r of requests) await sfn.send(new SendTaskSuccessCommand({ taskToken: r.taskToken, output: '{}' }));
    await server.waitForExecution(first);
    // As on AWS, a closed execution's name cannot be reused, even with the same input.
    const closed = await rejection(start('review', input, 'idem-1'));
    expect(closed).toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('reports unknown executions and state machines as typed SDK errors', async () => {
    const unknownExecution = `arn:aws:states:us-east-1:${ACCOUNT}:execution:pathcert-local-chain:nope`;
    const missing = await rejection(sfn.send(new DescribeExecutionCommand({ executionArn: unknownExecution })));
    expect(missing).toBeInstanceOf(ExecutionDoesNotExist);
    expect(missing.name).toBe('ExecutionDoesNotExist');
    expect((missing as ExecutionDoesNotExist).$metadata.httpStatusCode).toBe(400);
    const noMachine = await rejection(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:nope` })),
    );
    expect(noMachine).toBeInstanceOf(StateMachineDoesNotExist);
    const badArn = await rejection(sfn.send(new DescribeExecutionCommand({ executionArn: 'arn:nope' })));
    expect(badArn).toBeInstanceOf(InvalidArn);
  });

  it('pages ListExecutions newest first and filters by status', async () => {
    const stateMachineArn = server.stateMachineArn('pathcert-local-pages');
    const started: string[] = [];
    for (let i = 0; i < 5; i++) started.push(await start('pages', { applicationId: `page-${i}` }, `page-${i}`));
    await Promise.all(started.map((arn) => server.waitForExecution(arn)));

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2, nextToken }));
      pages.push(page.executions!.map((e) => e.name!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pages).toEqual([['page-4', 'page-3'], ['page-2', 'page-1'], ['page-0']]);

    const succeeded = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'SUCCEEDED' }));
    expect(succeeded.executions).toHaveLength(5);
    expect(succeeded.executions![0]).toMatchObject({ status: 'SUCCEEDED', stateMachineArn });
    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }));
    expect(running.executions).toEqual([]);
    const bogus = await rejection(sfn.send(new ListExecutionsCommand({ stateMachineArn, nextToken: 'bogus' })));
    expect(bogus).toBeInstanceOf(InvalidToken);
  });

  it('stops a running execution and retires its task tokens', async () => {
    const arn = await start('review', { applicationId: 'stop-1' });
    const [a] = await functions.reviewsFor('stop-1', 2);
    const stopped = await sfn.send(new StopExecutionCommand({ executionArn: arn, error: 'Withdrawn', cause: 'by applicant' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const done = await server.waitForExecution(arn);
    expect(done).toMatchObject({ status: 'ABORTED', error: 'Withdrawn', cause: 'by applicant' });
    const late = await rejection(sfn.send(new SendTaskSuccessCommand({ taskToken: a!.taskToken, output: '{}' })));
    expect(late).toBeInstanceOf(TaskTimedOut);
    const events = await history(arn);
    expect(events.at(-1)).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'Withdrawn', cause: 'by applicant' },
    });
  });
});

describe('wire protocol', () => {
  const call = (target: string | undefined, body: string) =>
    fetch(server.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', ...(target ? { 'x-amz-target': target } : {}) },
      body,
    });

  it('answers awsJson1_0 requests and errors', async () => {
    const ok = await call('AWSStepFunctions.ListStateMachines', '{}');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    const listed = (await ok.json()) as { stateMachines: Array<{ creationDate: unknown }> };
    expect(typeof listed.stateMachines[0]!.creationDate).toBe('number');

    const unknownOp = await call('AWSStepFunctions.CreateActivity', '{}');
    expect(unknownOp.status).toBe(400);
    expect(((await unknownOp.json()) as { __type: string }).__type).toMatch(/#UnknownOperationException$/);
    const malformed = await call('AWSStepFunctions.DescribeExecution', '{nope');
    expect(((await malformed.json()) as { __type: string }).__type).toMatch(/#SerializationException$/);
    const notFound = await call(
      'AWSStepFunctions.DescribeExecution',
      JSON.stringify({ executionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:pathcert-local-chain:none` }),
    );
    expect(notFound.status).toBe(400);
    expect(await notFound.json()).toEqual({
      __type: 'com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist',
      message: expect.stringContaining('none'),
    });
  });
});

describe('callback timeouts under a wait-time scale', () => {
  it('scales a TimeoutSecondsPath (here 1000 s at 1e-3: about 1 s) and fails the task with a catchable States.Timeout', async () => {
    const scaled = await startStepFunctionsServer({
      port: 0,
      stateMachines: [machine('timeout-path', 'timeout-path')],
      invokeFunction: functions.invoke,
      waitTimeScale: 1e-3,
    });
    const client = sfnClient(scaled.endpoint);
    try {
      const started = Date.now();
      const arn = (
        await client.send(
          new StartExecutionCommand({
            stateMachineArn: scaled.stateMachineArn('pathcert-local-timeout-path'),
            input: '{"applicationId":"slow-1","seconds":1000}',
          }),
        )
      ).executionArn!;
      const [request] = await functions.reviewsFor('slow-1', 1);
      const done = await scaled.waitForExecution(arn, 10_000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output!)).toEqual({ error: 'States.Timeout' });
      const events = (await client.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? [];
      const scheduled = events.find((e) => e.type === 'TaskScheduled');
      // The history reports the timeout as written; only the timer is scaled.
      expect(scheduled?.taskScheduledEventDetails?.timeoutInSeconds).toBe(1000);
      expect(events.find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails?.error).toBe('States.Timeout');
      const late = await rejection(client.send(new SendTaskSuccessCommand({ taskToken: request!.taskToken, output: '{}' })));
      expect(late).toBeInstanceOf(TaskTimedOut);

      // A timeout scaled to about a millisecond may fire before the task has even begun: it
      // still ends the task with States.Timeout (never a task left waiting with no timer).
      const stateMachineArn = scaled.stateMachineArn('pathcert-local-timeout-path');
      const quick = await Promise.all(
        ['quick-1', 'quick-2', 'quick-3'].map(
          async (id) =>
            (await client.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ applicationId: id, seconds: 1 }) })))
              .executionArn!,
        ),
      );
      for (const q of quick) {
        const end = await scaled.waitForExecution(q, 10_000);
        expect(JSON.parse(end.output!)).toEqual({ error: 'States.Timeout' });
      }
    } finally {
      client.destroy();
      await scaled.stop();
    }
  });
});

describe('persistence', () => {
  it('keeps executions across a restart and resumes the ones that were running, on their original task tokens', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pathcert-sfn-'));
    const options = { stateMachines: MACHINES, invokeFunction: functions.invoke, waitTimeScale: 0, dataDir };
    try {
      const first = await startStepFunctionsServer(options);
      const firstClient = sfnClient(first.endpoint);
      const chain = first.stateMachineArn('pathcert-local-chain');
      const finished = (
        await firstClient.send(new StartExecutionCommand({ stateMachineArn: chain, name: 'persist-done', input: '{"applicationId":"p1"}' }))
      ).executionArn!;
      await first.waitForExecution(finished);
      const finishedHistory = (await firstClient.send(new GetExecutionHistoryCommand({ executionArn: finished }))).events;
      const running = (
        await firstClient.send(
          new StartExecutionCommand({
            stateMachineArn: first.stateMachineArn('pathcert-local-review'),
            name: 'persist-running',
            input: '{"applicationId":"p2"}',
          }),
        )
      ).executionArn!;
      const [a, b] = await functions.reviewsFor('p2', 2);
      // Reviewer a answers before the restart; b's task is still waiting when it happens.
      await firstClient.send(new SendTaskSuccessCommand({ taskToken: a!.taskToken, output: JSON.stringify({ score: 1 }) }));
      await until(async () =>
        (await firstClient.send(new GetExecutionHistoryCommand({ executionArn: running }))).events!.some((e) => e.type === 'TaskSucceeded'),
      );
      const callsBefore = functions.calls.filter((c) => (c.payload as { applicationId?: string }).applicationId === 'p2').length;
      firstClient.destroy();
      await first.stop();

      const second = await startStepFunctionsServer(options);
      const client = sfnClient(second.endpoint);
      try {
        const done = await client.send(new DescribeExecutionCommand({ executionArn: finished }));
        expect(done.status).toBe('SUCCEEDED');
        expect(JSON.parse(done.output!)).toMatchObject({ applicationId: 'p1', score: 42 });
        const reloadedHistory = (await client.send(new GetExecutionHistoryCommand({ executionArn: finished }))).events;
        expect(reloadedHistory).toEqual(finishedHistory);

        // Resumed: b's pre-restart token answers the waiting task (even right after the
        // start, while the replay is still on its way there); a's task is over.
        expect((await client.send(new DescribeExecutionCommand({ executionArn: running }))).status).toBe('RUNNING');
        await client.send(new SendTaskSuccessCommand({ taskToken: b!.taskToken, output: JSON.stringify({ score: 2 }) }));
        const resumed = await second.waitForExecution(running);
        expect(resumed.status).toBe('SUCCEEDED');
        expect(JSON.parse(resumed.output!)).toEqual({ applicationId: 'p2', reviews: [{ score: 1 }, { score: 2 }] });
        const late = await rejection(client.send(new SendTaskSuccessCommand({ taskToken: a!.taskToken, output: '{}' })));
        expect(late).toBeInstanceOf(TaskTimedOut);
        // Nothing was invoked again, and the history has each event once.
        expect(functions.calls.filter((c) => (c.payload as { applicationId?: string }).applicationId === 'p2')).toHaveLength(callsBefore);
        const resumedHistory = (await client.send(new GetExecutionHistoryCommand({ executionArn: running }))).events!;
        const types = resumedHistory.map((e) => e.type);
        expect(types.filter((t) => t === 'ExecutionStarted')).toHaveLength(1);
        expect(types.filter((t) => t === 'ParallelStateEntered')).toHaveLength(1);
        expect(types.filter((t) => t === 'TaskScheduled')).toHaveLength(2);
        expect(types.filter((t) => t === 'TaskSucceeded')).toHaveLength(2);
        expect(types.at(-1)).toBe('ExecutionSucceeded');
        expect(resumedHistory.map((e) => e.id)).toEqual(resumedHistory.map((_, i) => i + 1));
        const reused = await rejection(
          client.send(new StartExecutionCommand({ stateMachineArn: chain, name: 'persist-done', input: '{"applicationId":"p1"}' })),
        );
        expect(reused).toBeInstanceOf(ExecutionAlreadyExists);

        const fresh = (await client.send(new StartExecutionCommand({ stateMachineArn: chain, input: '{"applicationId":"p3"}' })))
          .executionArn!;
        expect((await second.waitForExecution(fresh)).status).toBe('SUCCEEDED');
        const listed = await client.send(new ListExecutionsCommand({ stateMachineArn: chain }));
        expect(listed.executions?.map((e) => e.executionArn)).toEqual([fresh, finished]);
      } finally {
        client.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  /**
   * A Map execution restarted while seat a waits for its reviewer and seat b's clock call is
   * in flight. Seat a's first clock call failed (retried after a pause, which a replay sleeps
   * again), so after the restart seat b's new clock call ends the replay while seat a is
   * still in that pause, before it is back at its wait.
   */
  async function restartedMidMap(dataDir: string) {
    const calls: string[] = [];
    const tokensFor = new Map<string, string[]>();
    let holdClockB = true;
    const invokeFunction = async (functionName: string, payload: unknown): Promise<unknown> => {
      const { seat, taskToken } = payload as { seat: string; taskToken?: string };
      const call = `${functionName.split('-').at(-1)}:${seat}`;
      calls.push(call);
      if (taskToken) {
        tokensFor.set(seat, [...(tokensFor.get(seat) ?? []), taskToken]);
        return { accepted: true };
      }
      if (seat === 'a' && calls.filter((c) => c === call).length === 1) {
        throw Object.assign(new Error('clock unavailable'), { name: 'TransientError' });
      }
      if (seat === 'b' && holdClockB) return new Promise(() => {});
      return { at: seat };
    };
    const seats: LocalStateMachine = {
      name: 'pathcert-local-seats',
      definitionPath: join(FIXTURES, 'map-callbacks.asl.json'),
      substitutions: { ...SUBSTITUTIONS, Function_clock: functionArn('clock') },
    };
    // Retry pauses of 0.1 s: far longer than the replay takes to reach seat b's new call.
    const options = { stateMachines: [seats], invokeFunction, waitTimeScale: 0.1, dataDir };
    const first = await startStepFunctionsServer(options);
    const firstClient = sfnClient(first.endpoint);
    const running = (
      await firstClient.send(
        new StartExecutionCommand({ stateMachineArn: first.stateMachineArn(seats.name), input: '{"seats":["a","b"]}' }),
      )
    ).executionArn!;
    await until(async () => tokensFor.get('a')?.length === 1 && calls.includes('clock:b'));
    firstClient.destroy();
    await first.stop();
    holdClockB = false;
    const server = await startStepFunctionsServer(options);
    return { server, client: sfnClient(server.endpoint), running, tokenA: tokensFor.get('a')![0]!, calls, tokensFor };
  }

  it('resumes a Map iteration that is back at its wait only after another iteration went past the restart point', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pathcert-sfn-'));
    try {
      const { server: second, client, running, tokenA, calls, tokensFor } = await restartedMidMap(dataDir);
      try {
        await until(async () => tokensFor.get('b')?.length === 1);
        await client.send(new SendTaskSuccessCommand({ taskToken: tokenA, output: JSON.stringify({ seat: 'a' }) }));
        await client.send(new SendTaskSuccessCommand({ taskToken: tokensFor.get('b')![0]!, output: JSON.stringify({ seat: 'b' }) }));
        const resumed = await second.waitForExecution(running, 5_000);
        expect(resumed.status).toBe('SUCCEEDED');
        expect(JSON.parse(resumed.output!)).toEqual([{ seat: 'a' }, { seat: 'b' }]);
        // Seat a's calls were answered from the journal: its clock ran twice (the failure and
        // the retry) and its reviewer was asked once, all before the restart.
        expect(calls.filter((c) => c === 'clock:a')).toHaveLength(2);
        expect(tokensFor.get('a')).toEqual([tokenA]);
        const scheduled = (await history(running, client))
          .filter((e) => e.type === 'TaskScheduled')
          .map((e) => JSON.parse(e.taskScheduledEventDetails!.parameters!) as { FunctionName: string; Payload: { seat: string } });
        expect(scheduled.filter((p) => p.FunctionName === functionArn('clock') && p.Payload.seat === 'a')).toHaveLength(2);
        expect(scheduled.filter((p) => p.FunctionName === functionArn('requestReview') && p.Payload.seat === 'a')).toHaveLength(1);
        const late = await rejection(client.send(new SendTaskSuccessCommand({ taskToken: tokenA, output: '{}' })));
        expect(late).toBeInstanceOf(TaskTimedOut);
      } finally {
        client.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('retires a waiting token its resumed execution never got back to (stopped first)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pathcert-sfn-'));
    try {
      const { server: second, client, running, tokenA, tokensFor } = await restartedMidMap(dataDir);
      try {
        await until(async () => tokensFor.get('b')?.length === 1);
        // Seat a is still in its replayed Retry pause: its token was never taken again.
        await client.send(new StopExecutionCommand({ executionArn: running }));
        const late = await rejection(client.send(new SendTaskSuccessCommand({ taskToken: tokenA, output: '{}' })));
        expect(late).toBeInstanceOf(TaskTimedOut);
        expect(tokensFor.get('a')).toEqual([tokenA]);
      } finally {
        client.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('closes a running execution whose state machine is gone after the restart FAILED, and retires its tokens', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pathcert-sfn-'));
    const options = { stateMachines: MACHINES, invokeFunction: functions.invoke, waitTimeScale: 0, dataDir };
    try {
      const first = await startStepFunctionsServer(options);
      const firstClient = sfnClient(first.endpoint);
      const running = (
        await firstClient.send(
          new StartExecutionCommand({ stateMachineArn: first.stateMachineArn('pathcert-local-review'), input: '{"applicationId":"p4"}' }),
        )
      ).executionArn!;
      const [a] = await functions.reviewsFor('p4', 2);
      firstClient.destroy();
      await first.stop();

      const second = await startStepFunctionsServer({
        ...options,
        stateMachines: MACHINES.filter((m) => m.name !== 'pathcert-local-review'),
      });
      const client = sfnClient(second.endpoint);
      try {
        const closed = await client.send(new DescribeExecutionCommand({ executionArn: running }));
        expect(closed).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: 'local runtime restarted' });
        const late = await rejection(client.send(new SendTaskSuccessCommand({ taskToken: a!.taskToken, output: '{}' })));
        expect(late).toBeInstanceOf(TaskTimedOut);
      } finally {
        client.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('execution status-change events', () => {
  it('puts RUNNING and each end (SUCCEEDED, FAILED, TIMED_OUT, ABORTED) on the EventBridge default bus, as AWS does', async () => {
    const bus = await startEventBridgeServer({
      busName: 'test-bus',
      rules: [],
      schedules: [],
      invokeFunction: async () => ({}),
      tickMs: 0,
      serviceSources: ['aws.states'],
    });
    const emitting = await startStepFunctionsServer({
      stateMachines: [...MACHINES, machine('timeout', 'execution-timeout')],
      invokeFunction: functions.invoke,
      waitTimeScale: 0,
      eventBridgeEndpoint: bus.endpoint,
    });
    const client = sfnClient(emitting.endpoint);
    let stopped = false;
    const run = async (name: string, input: unknown) =>
      (
        await client.send(
          new StartExecutionCommand({ stateMachineArn: emitting.stateMachineArn(`pathcert-local-${name}`), input: JSON.stringify(input) }),
        )
      ).executionArn!;
    try {
      const succeeded = await run('chain', { applicationId: 'ev-1' });
      const failed = await run('retry', { applicationId: 'ev-2', permanent: true });
      const aborted = await run('review', { applicationId: 'ev-3' });
      const timedOut = await run('timeout', { applicationId: 'ev-4' });
      await functions.reviewsFor('ev-3', 2);
      await client.send(new StopExecutionCommand({ executionArn: aborted, error: 'Operator', cause: 'stopped by hand' }));
      for (const arn of [succeeded, failed, aborted]) await emitting.waitForExecution(arn);
      await emitting.waitForExecution(timedOut, 10_000);
      await emitting.stop(); // sends what is queued
      stopped = true;

      const changes = bus.published().filter((e) => e.source === 'aws.states');
      const statuses = (arn: string) => changes.filter((e) => e.detail.executionArn === arn).map((e) => e.detail.status);
      expect(statuses(succeeded)).toEqual(['RUNNING', 'SUCCEEDED']);
      expect(statuses(failed)).toEqual(['RUNNING', 'FAILED']);
      expect(statuses(aborted)).toEqual(['RUNNING', 'ABORTED']);
      expect(statuses(timedOut)).toEqual(['RUNNING', 'TIMED_OUT']);
      for (const e of changes) {
        expect(e['detail-type']).toBe('Step Functions Execution Status Change');
        expect(e.resources).toEqual([e.detail.executionArn]);
      }
      const stop = changes.find((e) => e.detail.executionArn === aborted && e.detail.status === 'ABORTED')!;
      expect(stop.detail).toMatchObject({
        stateMachineArn: emitting.stateMachineArn('pathcert-local-review'),
        name: aborted.split(':').at(-1),
        input: JSON.stringify({ applicationId: 'ev-3' }),
        inputDetails: { included: true },
        error: 'Operator',
        cause: 'stopped by hand',
        output: null,
      });
      expect(stop.detail.stopDate).toBeGreaterThanOrEqual(stop.detail.startDate as number);
      const fail = changes.find((e) => e.detail.executionArn === failed && e.detail.status === 'FAILED')!;
      expect(fail.detail.error).toBe('ApplicationRejected');
      const running = changes.find((e) => e.detail.executionArn === succeeded && e.detail.status === 'RUNNING')!;
      expect(running.detail).toMatchObject({ stopDate: null, error: null, cause: null });
    } finally {
      client.destroy();
      if (!stopped) await emitting.stop();
      await bus.stop();
    }
  });
});

describe('AWS CLI', () => {
  const aws = awsCli(() => server.endpoint);

  it('starts and describes an execution with `aws stepfunctions`', async (context) => {
    const unavailable = await awsCliUnavailable();
    if (unavailable) {
      context.skip(unavailable);
      return;
    }
    const started = await aws(
      'stepfunctions',
      'start-execution',
      '--state-machine-arn',
      server.stateMachineArn('pathcert-local-chain'),
      '--input',
      '{"applicationId":"x"}',
    );
    expect(started.executionArn).toMatch(/:execution:pathcert-local-chain:/);
    await server.waitForExecution(started.executionArn as string);
    const described = await aws('stepfunctions', 'describe-execution', '--execution-arn', started.executionArn as string);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output as string)).toMatchObject({ applicationId: 'x', score: 42 });
    const missing = await aws(
      'stepfunctions',
      'describe-execution',
      '--execution-arn',
      `arn:aws:states:us-east-1:${ACCOUNT}:execution:pathcert-local-chain:missing`,
    ).catch((error: Error & { stderr?: string }) => error);
    expect(missing).toBeInstanceOf(Error);
    expect((missing as { stderr?: string }).stderr).toContain('ExecutionDoesNotExist');
  });
});
