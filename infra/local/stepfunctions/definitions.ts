/**
 * State machine definitions: ARNs, the slice of Amazon States Language (JSONPath flavour)
 * this endpoint reads, loading a definition the way the CDK app deploys it (definition
 * substitutions, asl-validator, the features the local engine can run: anything else is
 * refused at load, never at execution), and the engine's copy of a definition. Also the
 * JSON value types the other modules share.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';

// ---- JSON values --------------------------------------------

/** JSON values as Step Functions moves them between states. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A payload crosses a service boundary as JSON text in AWS, so handlers never share object
 * identity with the workflow and `undefined`, Dates or class instances come out as AWS would
 * serialise them.
 */
export function roundTrip(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

export function parseJson(text: string): { ok: true; value: JsonValue } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    return { ok: false };
  }
}

/** Only `$` and `$.a.b` reference paths, the forms used by *SecondsPath fields. */
const SIMPLE_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

function isSimplePath(path: string): boolean {
  return SIMPLE_PATH.test(path);
}

export function resolveSimplePath(path: string, input: JsonValue): JsonValue | undefined {
  let current: JsonValue | undefined = input;
  for (const key of path.split('.').slice(1)) {
    if (!isJsonObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

// ---- ARNs ---------------------------------------------------

/** ARN shapes of the local Step Functions endpoint (one region, one account). */
export interface ArnScope {
  region: string;
  accountId: string;
}

export function stateMachineArn(scope: ArnScope, name: string): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:stateMachine:${name}`;
}

export function executionArn(scope: ArnScope, stateMachineName: string, executionName: string): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:execution:${stateMachineName}:${executionName}`;
}

/** The role CDK would create for the state machine; reported, never assumed. */
function stateMachineRoleArn(scope: ArnScope, name: string): string {
  return `arn:aws:iam::${scope.accountId}:role/${name}-role`;
}

const ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):(stateMachine|execution):(.+)$/;

type ParsedArn =
  | { kind: 'stateMachine'; region: string; accountId: string; name: string }
  | { kind: 'execution'; region: string; accountId: string; stateMachineName: string; executionName: string };

export function parseStatesArn(arn: string): ParsedArn | undefined {
  const match = ARN.exec(arn);
  if (!match) return undefined;
  const [, region = '', accountId = '', kind, rest = ''] = match;
  if (kind === 'stateMachine') {
    return rest.includes(':') ? undefined : { kind, region, accountId, name: rest };
  }
  const separator = rest.indexOf(':');
  if (separator <= 0 || separator === rest.length - 1) return undefined;
  return {
    kind: 'execution',
    region,
    accountId,
    stateMachineName: rest.slice(0, separator),
    executionName: rest.slice(separator + 1),
  };
}

// ---- Amazon States Language ---------------------------------

/** The slice of Amazon States Language (JSONPath flavour) this runtime reads. */

interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}

interface AslCatcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: JsonValue;
  ResultPath?: string | null;
  Retry?: AslRetrier[];
  Catch?: AslCatcher[];
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
  Seconds?: number;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
  Branches?: AslMachine[];
  ItemProcessor?: AslMachine;
  Iterator?: AslMachine;
  QueryLanguage?: string;
  Assign?: unknown;
  [field: string]: unknown;
}

interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  QueryLanguage?: string;
  [field: string]: unknown;
}

type StateVisitor = (name: string, state: AslState, ancestors: readonly string[]) => void;

/** Visits every state, nested Parallel branches and Map processors included. */
function forEachState(machine: AslMachine, visit: StateVisitor, ancestors: readonly string[] = []): void {
  for (const [name, state] of Object.entries(machine.States)) {
    visit(name, state, ancestors);
    const inner = [...ancestors, name];
    for (const branch of state.Branches ?? []) forEachState(branch, visit, inner);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) forEachState(processor, visit, inner);
  }
}

// ---- definition substitutions -------------------------------

/**
 * Definition substitutions with the semantics CDK gives `definitionSubstitutions`
 * (CloudFormation `Fn::Sub` over the definition text): `${Key}` is replaced by the value,
 * `${!Key}` is the literal text `${Key}`, and the AWS pseudo parameters resolve to the local
 * region and account. A placeholder with no value is an error, as it would fail a deploy.
 */

const PLACEHOLDER = /\$\{([^}]*)\}/g;

function substituteDefinition(text: string, substitutions: Record<string, string>, scope: ArnScope): string {
  const pseudo: Record<string, string> = {
    'AWS::Region': scope.region,
    'AWS::AccountId': scope.accountId,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const missing = new Set<string>();
  const result = text.replace(PLACEHOLDER, (whole, key: string) => {
    if (key.startsWith('!')) return `\${${key.slice(1)}}`;
    const value = substitutions[key] ?? pseudo[key];
    if (value === undefined) {
      missing.add(key);
      return whole;
    }
    return value;
  });
  if (missing.size > 0) {
    throw new Error(`no substitution for ${[...missing].map((k) => `\${${k}}`).join(', ')}`);
  }
  return result;
}

// ---- asl-validator ------------------------------------------

/** asl-validator (CommonJS, untyped) behind a typed function. */

interface AslValidatorResult {
  isValid: boolean;
  errorsText?: (separator?: string) => string;
  errors?: unknown[];
}
type AslValidator = (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => AslValidatorResult;

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator') as AslValidator;

/**
 * asl-validator compiles its JSON schemas on every call (100-500 ms); a process that starts
 * the runtime more than once (tests, restarts) validates each distinct text only once.
 */
const verdicts = new Map<string, string[]>();

/** Problems asl-validator finds in a definition (empty when valid). */
function aslProblems(definition: unknown): string[] {
  const key = JSON.stringify(definition);
  const cached = verdicts.get(key);
  if (cached) return cached;
  // The validator annotates the object it is given; keep the caller's copy pristine.
  const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
  const text = result.isValid ? '' : (result.errorsText?.('\n') ?? JSON.stringify(result.errors ?? []));
  const problems = text.split('\n').filter((line) => line.trim() !== '');
  verdicts.set(key, problems);
  return problems;
}

// ---- Task resources -----------------------------------------

/**
 * The Task resources the local runtime can run: Lambda through the optimized integration,
 * request/response or callback (what statemachines/ uses). A plain function ARN as
 * Resource, other integrations and activities are refused at load.
 */

type TaskResource = { kind: 'lambda-invoke'; resource: string } | { kind: 'lambda-callback'; resource: string };

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

function classifyResource(resource: string): TaskResource | undefined {
  if (resource === LAMBDA_INVOKE) return { kind: 'lambda-invoke', resource };
  if (resource === LAMBDA_CALLBACK) return { kind: 'lambda-callback', resource };
  return undefined;
}

/** `resourceType`/`resource` as Task history events report them. */
export function describeResource(task: TaskResource): { resourceType: string; resource: string } {
  return { resourceType: 'lambda', resource: task.kind === 'lambda-invoke' ? 'invoke' : 'invoke.waitForTaskToken' };
}

/** Why the optimized integration cannot call a function, or undefined when it can. */
function lambdaParametersProblem(state: AslState): string | undefined {
  const params = state.Parameters;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return 'needs Parameters with FunctionName';
  }
  if (!('FunctionName' in params) && !('FunctionName.$' in params)) return 'needs Parameters.FunctionName';
  // Only synchronous invokes are run locally (no workflow uses Event or DryRun).
  const invocationType = 'InvocationType' in params ? params.InvocationType : 'RequestResponse';
  if (invocationType !== 'RequestResponse') return `InvocationType ${JSON.stringify(invocationType)} is not supported locally`;
  if ('InvocationType.$' in params) return 'InvocationType.$ is not supported locally';
  return undefined;
}

// ---- loading a state machine --------------------------------

/**
 * Loads a state machine the way the CDK app deploys it: the ASL file, with definition
 * substitutions applied, validated with asl-validator and checked for the features the
 * local engine can run. Anything it cannot run is refused at load, never at execution.
 */

export interface LocalStateMachine {
  /** Full state machine name, e.g. `pathcert-local-review`. */
  name: string;
  definitionPath: string;
  substitutions: Record<string, string>;
}

/** A duration given either literally or as a reference path into the effective input. */
export interface DurationSpec {
  seconds?: number;
  path?: string;
}

export interface TaskStateInfo {
  name: string;
  /** Enclosing Parallel/Map states, outermost first. */
  ancestors: readonly string[];
  resource: TaskResource;
  timeout: DurationSpec;
  heartbeat: DurationSpec;
}

export interface LoadedStateMachine {
  name: string;
  arn: string;
  roleArn: string;
  definitionText: string;
  definition: AslMachine;
  tasks: ReadonlyMap<string, TaskStateInfo>;
  creationDate: Date;
}

export function loadStateMachine(source: LocalStateMachine, scope: ArnScope): LoadedStateMachine {
  const fail = (problems: string[]): never => {
    throw new Error(`Invalid state machine definition ${source.name} (${source.definitionPath}):\n  - ${problems.join('\n  - ')}`);
  };
  let text: string;
  try {
    text = substituteDefinition(readFileSync(source.definitionPath, 'utf8'), source.substitutions, scope);
  } catch (error) {
    return fail([(error as Error).message]);
  }
  const parsed = parseJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) return fail(['not a JSON object']);
  const problems = aslProblems(parsed.value);
  if (problems.length > 0) fail(problems);
  const definition = parsed.value as unknown as AslMachine;
  const { tasks, problems: engineProblems } = inspectStates(definition);
  if (engineProblems.length > 0) fail(engineProblems);
  return {
    name: source.name,
    arn: stateMachineArn(scope, source.name),
    roleArn: stateMachineRoleArn(scope, source.name),
    definitionText: text,
    definition,
    tasks,
    creationDate: new Date(),
  };
}

function inspectStates(definition: AslMachine): { tasks: Map<string, TaskStateInfo>; problems: string[] } {
  const tasks = new Map<string, TaskStateInfo>();
  const problems: string[] = [];
  if (definition.QueryLanguage === 'JSONata') problems.push('JSONata is not supported locally; use JSONPath');
  forEachState(definition, (name, state, ancestors) => {
    problems.push(...stateProblems(name, state));
    if (state.Type !== 'Task') return;
    const resource = classifyResource(state.Resource ?? '');
    if (!resource) {
      problems.push(`${name}: resource ${state.Resource} is not supported locally (lambda:invoke and lambda:invoke.waitForTaskToken only)`);
      return;
    }
    const problem = lambdaParametersProblem(state);
    if (problem) problems.push(`${name}: ${problem}`);
    tasks.set(name, {
      name,
      ancestors,
      resource,
      timeout: { seconds: state.TimeoutSeconds, path: state.TimeoutSecondsPath },
      heartbeat: { seconds: state.HeartbeatSeconds, path: state.HeartbeatSecondsPath },
    });
  });
  return { tasks, problems };
}

function stateProblems(name: string, state: AslState): string[] {
  const problems: string[] = [];
  if (state.QueryLanguage === 'JSONata') problems.push(`${name}: JSONata is not supported locally`);
  if (state.Assign !== undefined) problems.push(`${name}: Assign (variables) is not supported locally`);
  for (const field of ['TimeoutSecondsPath', 'HeartbeatSecondsPath'] as const) {
    const path = state[field];
    if (path !== undefined && !isSimplePath(path)) {
      problems.push(`${name}: ${field} must be a plain path like $.a.b locally`);
    }
  }
  return problems;
}

// ---- the engine's copy of a definition ----------------------

/**
 * The definition handed to aws-local-stepfunctions differs from the deployed one in ways that
 * make the engine behave like AWS, not in what the workflow means:
 * - A Task without TimeoutSeconds would time out after the engine's 60 s default; on AWS it
 *   waits (for callbacks: days). It gets the longest timer Node supports instead (~24.8 days),
 *   and longer timeouts are capped to it (a longer setTimeout fires immediately in Node).
 * - `ResultPath: "$"` (state or Catch) is mis-handled by the engine (it writes a key named
 *   "$"); it means "the result replaces the input", which is the engine's default, so it is
 *   dropped.
 * - `waitTimeScale` scales Wait `Seconds` and Retry intervals; with scale 0 every Wait
 *   (including SecondsPath/Timestamp forms) is skipped.
 * - A scale strictly between 0 and 1 (or above 1) also scales callback tasks' timeouts and
 *   heartbeats, so a test can let a wait of days time out in a second. A literal
 *   TimeoutSeconds is scaled here; a TimeoutSecondsPath is taken off the engine's copy and
 *   enforced, scaled, by the task attempt (TaskAttempt in tasks.ts), which fails the task with
 *   `States.Timeout` itself. Scale 0 leaves them as they are (0 would time out at once).
 */

/** Largest delay setTimeout accepts, in whole seconds. */
export const MAX_TIMER_SECONDS = Math.floor(2_147_483_647 / 1000);

export interface EngineDefinition {
  definition: StateMachineDefinition;
  waitTimeOverrides: Record<string, number>;
  /** Factor applied to callback tasks' timeouts and heartbeats (1: as written). */
  taskTimeScale: number;
}

/** The scale of callback tasks' timeouts for a waitTimeScale. */
const taskTimeScaleFor = (waitTimeScale: number): number => (waitTimeScale > 0 ? waitTimeScale : 1);

const isCallback = (state: AslState): boolean => typeof state.Resource === 'string' && state.Resource.endsWith('.waitForTaskToken');

export function toEngineDefinition(source: AslMachine, waitTimeScale: number): EngineDefinition {
  const definition = structuredClone(source);
  const waitTimeOverrides: Record<string, number> = {};
  if (definition.TimeoutSeconds !== undefined) {
    definition.TimeoutSeconds = Math.min(definition.TimeoutSeconds, MAX_TIMER_SECONDS);
  }
  forEachState(definition, (name, state) => {
    dropRootResultPaths(state);
    if (state.Type === 'Task') {
      if (isCallback(state)) scaleCallbackTimeout(state, taskTimeScaleFor(waitTimeScale));
      capTaskTimeout(state);
    }
    scaleRetries(state, waitTimeScale);
    if (state.Type === 'Wait') {
      if (waitTimeScale === 0) waitTimeOverrides[name] = 0;
      else if (state.Seconds !== undefined) state.Seconds *= waitTimeScale;
    }
  });
  return { definition: definition as unknown as StateMachineDefinition, waitTimeOverrides, taskTimeScale: taskTimeScaleFor(waitTimeScale) };
}

function dropRootResultPaths(state: AslState): void {
  if (state.ResultPath === '$') delete state.ResultPath;
  for (const catcher of state.Catch ?? []) {
    if (catcher.ResultPath === '$') delete catcher.ResultPath;
  }
}

function scaleCallbackTimeout(state: AslState, scale: number): void {
  if (scale === 1) return;
  if (state.TimeoutSecondsPath !== undefined) delete state.TimeoutSecondsPath;
  else if (state.TimeoutSeconds !== undefined) state.TimeoutSeconds *= scale;
}

function capTaskTimeout(state: AslState): void {
  if (state.TimeoutSecondsPath !== undefined) return;
  state.TimeoutSeconds = Math.min(state.TimeoutSeconds ?? MAX_TIMER_SECONDS, MAX_TIMER_SECONDS);
}

function scaleRetries(state: AslState, scale: number): void {
  if (scale === 1) return;
  for (const retrier of state.Retry ?? []) {
    retrier.IntervalSeconds = (retrier.IntervalSeconds ?? 1) * scale;
    if (retrier.MaxDelaySeconds !== undefined) retrier.MaxDelaySeconds *= scale;
  }
}
