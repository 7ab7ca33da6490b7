/**
 * The Step Functions API of the endpoint: the awsJson1_0 wire protocol, service errors in
 * AWS's shapes, request member checks, nextToken paging, response shapes, and the
 * operations by X-Amz-Target name.
 */
import type { IncomingMessage } from 'node:http';
import { AwsJsonServiceError, awsJsonProtocol } from '../aws-json.ts';
import { parseJson, parseStatesArn, type JsonObject, type JsonValue, type LoadedStateMachine } from './definitions.ts';
import type { Executions, PreparedMachine } from './executions.ts';
import { withoutExecutionData, type ExecutionRecord, type ExecutionStatus, type ExecutionStore } from './store.ts';

// ---- service errors -----------------------------------------

/**
 * Service errors in the shape AWS Step Functions returns them. The SDK and the CLI map
 * `__type` (the part after `#`) to their typed exceptions, so the names must be exact.
 */

type SfnErrorType =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'StateMachineDoesNotExist'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'InternalFailure';

const NAMESPACE = 'com.amazonaws.swf.service.v2.model';

export class SfnError extends AwsJsonServiceError<SfnErrorType> {
  constructor(type: SfnErrorType, message: string, status?: number) {
    super(type, message, 'InternalFailure', status);
  }

  get qualifiedType(): string {
    return `${NAMESPACE}#${this.type}`;
  }

  /** The wire's `__type` is the qualified name. */
  override get wireType(): string {
    return this.qualifiedType;
  }
}

export const sfnErrors = {
  invalidArn: (arn: string) => new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`),
  stateMachineDoesNotExist: (arn: string) => new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`),
  executionDoesNotExist: (arn: string) => new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`),
  executionAlreadyExists: (arn: string) => new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`),
  invalidName: (name: string) => new SfnError('InvalidName', `Invalid Name: '${name}'`),
  invalidInput: (detail: string) => new SfnError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${detail}'`),
  invalidOutput: (detail: string) => new SfnError('InvalidOutput', `Invalid Output: '${detail}'`),
  invalidToken: (detail = 'Invalid token') => new SfnError('InvalidToken', `Invalid Token: '${detail}'`),
  taskDoesNotExist: () => new SfnError('TaskDoesNotExist', "Task Does Not Exist: 'Provided task does not exist'"),
  taskTimedOut: () => new SfnError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'"),
  validation: (detail: string) => new SfnError('ValidationException', `1 validation error detected: ${detail}`),
};

// ---- awsJson1_0 protocol ------------------------------------

/**
 * The awsJson1_0 wire protocol as used by Step Functions: `POST /`, the operation in
 * `X-Amz-Target: AWSStepFunctions.<Operation>`, JSON bodies typed
 * `application/x-amz-json-1.0`, timestamps as epoch seconds, errors as `{__type, message}`.
 */

const CONTENT_TYPE = 'application/x-amz-json-1.0';

interface ApiRequest {
  operation: string;
  body: JsonObject;
}

const protocol = awsJsonProtocol({
  contentType: CONTENT_TYPE,
  targetPrefix: 'AWSStepFunctions.',
  error: (kind, message) => new SfnError(kind, message),
});

/** The body is parsed JSON, so it is a JSON object in the strict sense of JsonObject. */
export const readApiRequest = (req: IncomingMessage): Promise<ApiRequest> => protocol.readApiRequest(req) as Promise<ApiRequest>;
export const { writeResult, writeError } = protocol;

// ---- request members ----------------------------------------

/** Request member checks with the errors AWS returns for them. */

function requiredString(body: JsonObject, key: string): string {
  const value = body[key];
  if (typeof value !== 'string') {
    throw sfnErrors.validation(`Value null at '${key}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function optionalString(body: JsonObject, key: string, maxLength?: number): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw sfnErrors.validation(`Value at '${key}' must be a string`);
  if (maxLength !== undefined && value.length > maxLength) {
    throw sfnErrors.validation(
      `Value at '${key}' failed to satisfy constraint: Member must have length less than or equal to ${maxLength}`,
    );
  }
  return value;
}

function optionalBoolean(body: JsonObject, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw sfnErrors.validation(`Value at '${key}' must be a boolean`);
  return value;
}

/** maxResults: 0 or absent means the service default; AWS allows at most 1000. */
function maxResults(body: JsonObject, defaultValue = 100): number {
  const value = body.maxResults;
  if (value === undefined || value === null || value === 0) return defaultValue;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1000) {
    throw sfnErrors.validation(
      `Value '${String(value)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`,
    );
  }
  return value;
}

function optionalNextToken(body: JsonObject): string | undefined {
  return optionalString(body, 'nextToken', 1024);
}

/** Execution names: 1-80 characters, none of whitespace, brackets, wildcards, specials or controls. */
// eslint-disable-next-line no-control-regex -- execution names may not hold control characters
const FORBIDDEN_NAME_CHARS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

export function executionName(body: JsonObject): string | undefined {
  const name = optionalString(body, 'name');
  if (name === undefined) return undefined;
  if (name.length < 1 || name.length > 80 || FORBIDDEN_NAME_CHARS.test(name)) throw sfnErrors.invalidName(name);
  return name;
}

// ---- nextToken paging ---------------------------------------

/**
 * nextToken pagination. A token names the last item returned (not an offset), so items
 * added while a client pages (new executions are listed first) do not shift later pages;
 * it is bound to the request it came from, and anything else is InvalidToken.
 */

interface TokenBody {
  scope: string;
  after: string;
}

interface Page<T> {
  items: T[];
  nextToken?: string;
}

function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  request: { scope: string; maxResults: number; nextToken?: string },
): Page<T> {
  let start = 0;
  if (request.nextToken !== undefined) {
    const after = decode(request.nextToken, request.scope);
    const index = items.findIndex((item) => keyOf(item) === after);
    if (index < 0) throw sfnErrors.invalidToken('Invalid nextToken');
    start = index + 1;
  }
  const pageItems = items.slice(start, start + request.maxResults);
  const last = pageItems.at(-1);
  const more = start + request.maxResults < items.length;
  return { items: pageItems, nextToken: more && last !== undefined ? encode({ scope: request.scope, after: keyOf(last) }) : undefined };
}

function encode(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decode(token: string, scope: string): string {
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
    if (body.scope === scope && typeof body.after === 'string') return body.after;
  } catch {
    // fall through: not one of ours
  }
  throw sfnErrors.invalidToken('Invalid nextToken');
}

// ---- response shapes ----------------------------------------

/** Response shapes shared by the API and the programmatic helpers (Dates, not epoch numbers). */

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  inputDetails: { included: boolean };
  output?: string;
  outputDetails?: { included: boolean };
  error?: string;
  cause?: string;
}

export function describeExecution(record: ExecutionRecord): ExecutionDescription {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: new Date(record.startDate),
    stopDate: record.stopDate === undefined ? undefined : new Date(record.stopDate),
    input: record.input,
    inputDetails: { included: true },
    output: record.output,
    outputDetails: record.output === undefined ? undefined : { included: true },
    error: record.error,
    cause: record.cause,
  };
}

function executionListItem(record: ExecutionRecord) {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: new Date(record.startDate),
    stopDate: record.stopDate === undefined ? undefined : new Date(record.stopDate),
  };
}

function describeStateMachine(machine: LoadedStateMachine) {
  return {
    stateMachineArn: machine.arn,
    name: machine.name,
    status: 'ACTIVE',
    definition: machine.definitionText,
    roleArn: machine.roleArn,
    type: 'STANDARD',
    creationDate: machine.creationDate,
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
  };
}

// ---- operations ---------------------------------------------

/** The Step Functions API operations this endpoint answers, by X-Amz-Target name. */

export interface ApiContext {
  /** Prepared state machines by ARN. */
  machines: ReadonlyMap<string, PreparedMachine>;
  executions: Executions;
  store: ExecutionStore;
}

type Operation = (body: JsonObject, api: ApiContext) => object;

/** AWS's limit on execution input and task output: 256 KiB of UTF-8. */
const MAX_PAYLOAD_BYTES = 256 * 1024;
const MAX_ERROR_LENGTH = 256;
const MAX_CAUSE_LENGTH = 32_768;
const STATUSES = new Set<string>(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);

export const operations: Record<string, Operation> = {
  StartExecution(body, api) {
    const machine = findMachine(api, requiredString(body, 'stateMachineArn'));
    const inputText = optionalString(body, 'input') ?? '{}';
    const record = api.executions.start({
      machine,
      name: executionName(body),
      inputText,
      input: jsonPayload(inputText, sfnErrors.invalidInput),
    });
    return { executionArn: record.executionArn, startDate: new Date(record.startDate) };
  },

  DescribeExecution: (body, api) => describeExecution(findExecution(api, requiredString(body, 'executionArn'))),

  DescribeStateMachineForExecution(body, api) {
    const record = findExecution(api, requiredString(body, 'executionArn'));
    return describeStateMachine(findMachine(api, record.stateMachineArn).machine);
  },

  ListExecutions(body, api) {
    const machine = findMachine(api, requiredString(body, 'stateMachineArn'));
    const statusFilter = optionalString(body, 'statusFilter');
    if (statusFilter !== undefined && !STATUSES.has(statusFilter)) {
      throw sfnErrors.validation(`Value '${statusFilter}' at 'statusFilter' failed to satisfy enum constraint`);
    }
    const records = api.store
      .list(machine.machine.arn)
      .filter((record) => statusFilter === undefined || record.status === (statusFilter as ExecutionStatus));
    const page = paginate(records, (record) => record.executionArn, {
      scope: `executions:${machine.machine.arn}:${statusFilter ?? '*'}`,
      maxResults: maxResults(body),
      nextToken: optionalNextToken(body),
    });
    return { executions: page.items.map(executionListItem), nextToken: page.nextToken };
  },

  GetExecutionHistory(body, api) {
    const record = findExecution(api, requiredString(body, 'executionArn'));
    const reverse = optionalBoolean(body, 'reverseOrder') ?? false;
    const includeData = optionalBoolean(body, 'includeExecutionData') ?? true;
    const ordered = reverse ? [...record.history].reverse() : record.history;
    const page = paginate(ordered, (event) => String(event.id), {
      scope: `history:${record.executionArn}:${reverse}`,
      maxResults: maxResults(body),
      nextToken: optionalNextToken(body),
    });
    const events = page.items.map((event) => {
      const shown = includeData ? event : withoutExecutionData(event);
      return { ...shown, timestamp: new Date(event.timestamp) };
    });
    return { events, nextToken: page.nextToken };
  },

  StopExecution(body, api) {
    const arn = requiredString(body, 'executionArn');
    findExecution(api, arn);
    const record = api.executions.stop(
      arn,
      optionalString(body, 'error', MAX_ERROR_LENGTH),
      optionalString(body, 'cause', MAX_CAUSE_LENGTH),
    );
    return { stopDate: new Date(record.stopDate ?? Date.now()) };
  },

  SendTaskSuccess(body, api) {
    const token = requiredString(body, 'taskToken');
    const output = jsonPayload(requiredString(body, 'output'), sfnErrors.invalidOutput);
    api.executions.sendTaskSuccess(token, output);
    return {};
  },

  SendTaskFailure(body, api) {
    api.executions.sendTaskFailure(
      requiredString(body, 'taskToken'),
      optionalString(body, 'error', MAX_ERROR_LENGTH),
      optionalString(body, 'cause', MAX_CAUSE_LENGTH),
    );
    return {};
  },

  SendTaskHeartbeat(body, api) {
    api.executions.sendTaskHeartbeat(requiredString(body, 'taskToken'));
    return {};
  },

  ListStateMachines(body, api) {
    const machines = [...api.machines.values()].map((prepared) => prepared.machine).sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(machines, (machine) => machine.arn, {
      scope: 'stateMachines',
      maxResults: maxResults(body),
      nextToken: optionalNextToken(body),
    });
    const stateMachines = page.items.map((machine) => ({
      stateMachineArn: machine.arn,
      name: machine.name,
      type: 'STANDARD',
      creationDate: machine.creationDate,
    }));
    return { stateMachines, nextToken: page.nextToken };
  },

  DescribeStateMachine: (body, api) => describeStateMachine(findMachine(api, requiredString(body, 'stateMachineArn')).machine),
};

function findMachine(api: ApiContext, arn: string): PreparedMachine {
  if (parseStatesArn(arn)?.kind !== 'stateMachine') throw sfnErrors.invalidArn(arn);
  const machine = api.machines.get(arn);
  if (!machine) throw sfnErrors.stateMachineDoesNotExist(arn);
  return machine;
}

function findExecution(api: ApiContext, arn: string): ExecutionRecord {
  if (parseStatesArn(arn)?.kind !== 'execution') throw sfnErrors.invalidArn(arn);
  return api.executions.require(arn);
}

function jsonPayload(text: string, toError: (detail: string) => Error): JsonValue {
  if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) throw toError(`exceeds ${MAX_PAYLOAD_BYTES} bytes`);
  const parsed = parseJson(text);
  if (!parsed.ok) throw toError('not valid JSON');
  return parsed.value;
}
