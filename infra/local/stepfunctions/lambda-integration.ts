/**
 * Calling the caller-provided function the way the Lambda integrations do: payloads and
 * results cross as JSON, errors become Lambda function errors, and the optimized integration
 * (`arn:aws:states:::lambda:invoke`) wraps the result in Lambda's Invoke response.
 */
import { randomUUID } from 'node:crypto';
import { isJsonObject, roundTrip, type JsonObject, type JsonValue } from './json.ts';
import { lambdaError, TaskError } from './task-errors.ts';
import type { TaskScope } from './task-scope.ts';

export async function callFunction(scope: TaskScope, functionName: string, payload: JsonValue): Promise<JsonValue> {
  try {
    return roundTrip(await scope.invokeFunction(functionName, roundTrip(payload)));
  } catch (error) {
    throw lambdaError(error);
  }
}

/** Runs the optimized integration's Parameters (FunctionName, Payload, InvocationType). */
export async function invokeIntegration(scope: TaskScope, parameters: JsonValue): Promise<JsonObject> {
  const params = isJsonObject(parameters) ? parameters : {};
  const functionName = params.FunctionName;
  if (typeof functionName !== 'string') {
    throw new TaskError('States.Runtime', 'Parameters.FunctionName must resolve to a string');
  }
  const payload = params.Payload ?? {};
  if (params.InvocationType === 'Event') {
    // Asynchronous invoke: Lambda accepts and the workflow moves on; failures are only logged.
    void callFunction(scope, functionName, payload).catch((error: Error) =>
      scope.log('async Lambda invocation failed', { functionName, error: error.name }),
    );
    return invokeResponse('', 202);
  }
  if (params.InvocationType === 'DryRun') return invokeResponse('', 204);
  return invokeResponse(await callFunction(scope, functionName, payload), 200);
}

function invokeResponse(payload: JsonValue, statusCode: number): JsonObject {
  const requestId = randomUUID();
  const headers: JsonObject = {
    'Content-Type': 'application/json',
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-RequestId': requestId,
  };
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      HttpHeaders: headers,
      HttpStatusCode: statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: statusCode,
  };
}
