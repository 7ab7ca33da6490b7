/**
 * Local AWS Step Functions endpoint: the state machines of statemachines/ (with their
 * definition substitutions) answered on localhost in the real awsJson1_0 protocol, so the
 * AWS SDK (`SFNClient` with `endpoint`) and the AWS CLI (`--endpoint-url`) work unchanged.
 * Executions run in-process on aws-local-stepfunctions; Lambda tasks call `invokeFunction`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../ports.ts';
import {
  operations,
  readApiRequest,
  SfnError,
  writeError,
  writeResult,
  describeExecution,
  type ApiContext,
  type ExecutionDescription,
} from './api.ts';
import {
  loadStateMachine,
  stateMachineArn as buildStateMachineArn,
  toEngineDefinition,
  type ArnScope,
  type LocalStateMachine,
} from './definitions.ts';
import { Executions, prepareMachine, StatusEvents, type PreparedMachine } from './executions.ts';
import { Replay } from './replay.ts';
import { ExecutionFiles, ExecutionStore, issuedTokens, type ExecutionRecord } from './store.ts';
import { TaskTokenRegistry, type InvokeFunction } from './tasks.ts';

export type { ExecutionDescription } from './api.ts';
export type { LocalStateMachine } from './definitions.ts';
export type { ExecutionStatus } from './store.ts';
export type { InvokeFunction } from './tasks.ts';

export interface StepFunctionsServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default us-east-1. */
  region?: string;
  /** Default 000000000000. */
  accountId?: string;
  stateMachines: LocalStateMachine[];
  /** Runs a Lambda function (by ARN or name, as the definition names it) with a JSON payload. */
  invokeFunction: InvokeFunction;
  /**
   * When set, executions (status, input, output, history, task tokens, the journal of
   * finished Task calls) are kept as JSON files here and survive a restart. Executions
   * still running when the runtime stopped are resumed (replay.ts): a callback task that was
   * waiting waits again on the same token.
   */
  dataDir?: string;
  /**
   * When set, every execution start and end is put on this EventBridge endpoint's default
   * bus as a "Step Functions Execution Status Change" event (source aws.states), as AWS does.
   */
  eventBridgeEndpoint?: string;
  /** Multiplies Wait `Seconds` and Retry intervals; 0 skips every Wait and Retry pause. Default 1. */
  waitTimeScale?: number;
  log?: (message: string, fields?: object) => void;
}

export interface StepFunctionsServer {
  /** e.g. http://127.0.0.1:8083, for AWS_ENDPOINT_URL_SFN or `--endpoint-url`. */
  endpoint: string;
  port: number;
  /** ARN of a loaded state machine by full name; throws for an unknown name. */
  stateMachineArn(name: string): string;
  /** Resolves once the execution is no longer RUNNING (rejects after timeoutMs, default 30 s). */
  waitForExecution(executionArn: string, timeoutMs?: number): Promise<ExecutionDescription>;
  stop(): Promise<void>;
}

export async function startStepFunctionsServer(options: StepFunctionsServerOptions): Promise<StepFunctionsServer> {
  const scope: ArnScope = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' };
  const log = options.log ?? (() => {});
  const machines = prepareMachines(options, scope);
  const tokens = new TaskTokenRegistry();
  const statusEvents = options.eventBridgeEndpoint ? new StatusEvents(options.eventBridgeEndpoint, scope.region, log) : undefined;
  const store = new ExecutionStore(options.dataDir ? new ExecutionFiles(options.dataDir) : undefined, (record) =>
    statusEvents?.emit(record),
  );
  // Executions that cannot resume (no journal, state machine gone) are closed by the load.
  const loaded = store.load((stateMachineArn) => machines.has(stateMachineArn));
  // Tokens of closed executions, and of tasks that are over, answer TaskTimedOut; those of
  // callback tasks still waiting stay answerable once their execution resumes.
  const resumable: Array<{ machine: PreparedMachine; record: ExecutionRecord; replay: Replay }> = [];
  for (const record of loaded) {
    const replay = record.status === 'RUNNING' ? new Replay(record.journal, record.callbacks) : undefined;
    const waiting = replay?.waitingTokens ?? new Set<string>();
    tokens.closeAll(issuedTokens(record).filter((token) => !waiting.has(token)));
    const machine = machines.get(record.stateMachineArn);
    if (!replay || !machine) continue;
    replay.park(tokens);
    resumable.push({ machine, record, replay });
  }
  const executions = new Executions(scope, store, tokens, {
    region: scope.region,
    store,
    tokens,
    invokeFunction: options.invokeFunction,
    log,
  });
  const api: ApiContext = { machines, executions, store };

  const server = createServer((req, res) => void handle(req, res, api, log));
  const { port, endpoint } = await listen(server, options);
  log('step functions endpoint listening', { endpoint, stateMachines: [...machines.keys()] });
  // Resumed once the caller has this endpoint (its functions may call it while resuming).
  setImmediate(() => {
    for (const { machine, record, replay } of resumable) executions.resume(machine, record, replay);
  });

  return {
    endpoint,
    port,
    stateMachineArn(name) {
      const arn = buildStateMachineArn(scope, name);
      if (!machines.has(arn)) throw new Error(`No local state machine named ${name}`);
      return arn;
    },
    async waitForExecution(executionArn, timeoutMs = 30_000) {
      return describeExecution(await executions.waitForClose(executionArn, timeoutMs));
    },
    async stop() {
      await executions.shutdown();
      await statusEvents?.flush();
      statusEvents?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function prepareMachines(options: StepFunctionsServerOptions, scope: ArnScope): Map<string, PreparedMachine> {
  const scale = options.waitTimeScale ?? 1;
  if (!(scale >= 0)) throw new Error('waitTimeScale must be a number >= 0');
  const machines = new Map<string, PreparedMachine>();
  for (const source of options.stateMachines) {
    const machine = loadStateMachine(source, scope);
    if (machines.has(machine.arn)) throw new Error(`State machine ${machine.name} is listed twice`);
    machines.set(machine.arn, prepareMachine(machine, toEngineDefinition(machine.definition, scale)));
  }
  return machines;
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  api: ApiContext,
  log: (message: string, fields?: object) => void,
): Promise<void> {
  try {
    const request = await readApiRequest(req);
    const operation = Object.hasOwn(operations, request.operation) ? operations[request.operation] : undefined;
    if (!operation) throw new SfnError('UnknownOperationException', `Operation ${request.operation} is not supported locally`);
    writeResult(res, operation(request.body, api));
  } catch (error) {
    if (error instanceof SfnError) {
      writeError(res, error);
      return;
    }
    log('step functions request failed', { error: String(error) });
    writeError(res, new SfnError('InternalFailure', 'Internal error in the local Step Functions endpoint'));
  }
}
