/** The Step Functions API operations this endpoint answers, by X-Amz-Target name. */
import { parseStatesArn } from './arns.ts';
import { describeExecution, describeStateMachine, executionListItem } from './descriptions.ts';
import { sfnErrors } from './errors.ts';
import type { PreparedMachine } from './execution-runner.ts';
import type { ExecutionRecord, ExecutionStatus } from './execution-record.ts';
import type { ExecutionStore } from './execution-store.ts';
import type { Executions } from './executions.ts';
import { withoutExecutionData } from './history.ts';
import { parseJson, type JsonObject, type JsonValue } from './json.ts';
import { paginate } from './pagination.ts';
import {
  executionName,
  maxResults,
  optionalBoolean,
  optionalNextToken,
  optionalString,
  requiredString,
} from './params.ts';

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
    const machines = [...api.machines.values()]
      .map((prepared) => prepared.machine)
      .sort((a, b) => a.name.localeCompare(b.name));
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

  DescribeStateMachine: (body, api) =>
    describeStateMachine(findMachine(api, requiredString(body, 'stateMachineArn')).machine),
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
