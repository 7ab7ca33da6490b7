/**
 * Loads a state machine the way the CDK app deploys it: the ASL file, with definition
 * substitutions applied, validated with asl-validator and checked for the features the
 * local engine can run. Anything it cannot run is refused at load, never at execution.
 */
import { readFileSync } from 'node:fs';
import { stateMachineArn, stateMachineRoleArn, type ArnScope } from './arns.ts';
import { forEachState, type AslMachine, type AslState } from './asl.ts';
import { isJsonObject, isSimplePath, parseJson } from './json.ts';
import { substituteDefinition } from './substitutions.ts';
import { classifyResource, lambdaParametersProblem, type TaskResource } from './task-resources.ts';
import { aslProblems } from './validation.ts';

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
    throw new Error(
      `Invalid state machine definition ${source.name} (${source.definitionPath}):\n  - ${problems.join('\n  - ')}`,
    );
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
      problems.push(`${name}: resource ${state.Resource} is not supported locally (Lambda only)`);
      return;
    }
    if (resource.kind !== 'lambda-function') {
      const problem = lambdaParametersProblem(state);
      if (problem) problems.push(`${name}: ${problem}`);
    }
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
