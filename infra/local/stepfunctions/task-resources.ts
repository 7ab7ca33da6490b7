/**
 * The Task resources the local runtime can run: Lambda through the optimized integration
 * (request/response or callback) and Lambda by plain function ARN.
 */
import type { AslState } from './asl.ts';

export type TaskResource =
  | { kind: 'lambda-invoke'; resource: string }
  | { kind: 'lambda-callback'; resource: string }
  | { kind: 'lambda-function'; resource: string };

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA_FUNCTION = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;

export function classifyResource(resource: string): TaskResource | undefined {
  if (resource === LAMBDA_INVOKE) return { kind: 'lambda-invoke', resource };
  if (resource === LAMBDA_CALLBACK) return { kind: 'lambda-callback', resource };
  if (LAMBDA_FUNCTION.test(resource)) return { kind: 'lambda-function', resource };
  return undefined;
}

/** `resourceType`/`resource` as Task history events report them. */
export function describeResource(task: TaskResource): { resourceType: string; resource: string } {
  switch (task.kind) {
    case 'lambda-invoke':
      return { resourceType: 'lambda', resource: 'invoke' };
    case 'lambda-callback':
      return { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' };
    case 'lambda-function':
      return { resourceType: 'lambda', resource: task.resource };
  }
}

/** Why the optimized integration cannot call a function, or undefined when it can. */
export function lambdaParametersProblem(state: AslState): string | undefined {
  const params = state.Parameters;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return 'needs Parameters with FunctionName';
  }
  if (!('FunctionName' in params) && !('FunctionName.$' in params)) return 'needs Parameters.FunctionName';
  return undefined;
}
