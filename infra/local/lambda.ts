/**
 * The local stand-in for the Lambda service: the one place that turns a catalog name (or
 * a local function name or ARN) into a loaded handler and a Lambda-like context. The HTTP
 * API, the S3 event delivery and the Step Functions binding all invoke functions through
 * here, so they behave the same way.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { functionCatalog, type FunctionName, type FunctionSpec } from '#catalog';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_STAGE = 'local';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export function catalogNames(): FunctionName[] {
  return Object.keys(functionCatalog) as FunctionName[];
}

export function isCatalogName(name: string): name is FunctionName {
  return Object.prototype.hasOwnProperty.call(functionCatalog, name);
}

/** `pathcert-local-<catalogName>`, the name the function has in the local "account". */
export function localFunctionName(name: FunctionName): string {
  return `pathcert-${LOCAL_STAGE}-${name}`;
}

export function localFunctionArn(name: FunctionName): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${localFunctionName(name)}`;
}

/**
 * Accepts what a caller may hold: a function ARN (optionally qualified with a version or
 * alias), the local function name or the bare catalog name.
 */
export function resolveCatalogName(functionArnOrName: string): FunctionName {
  // The local HTTP API and S3 pass the bare catalog name, on every request.
  if (isCatalogName(functionArnOrName)) return functionArnOrName;
  let name = functionArnOrName;
  const arn = /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(name);
  if (arn?.[1]) name = arn[1];
  const prefix = `pathcert-${LOCAL_STAGE}-`;
  if (name.startsWith(prefix)) name = name.slice(prefix.length);
  if (!isCatalogName(name)) {
    throw new Error(`No function "${functionArnOrName}" in functions/catalog.ts (known: ${catalogNames().join(', ')})`);
  }
  return name;
}

const handlers = new Map<FunctionName, Promise<LambdaHandler>>();

/** Imports the function's entry file once and returns its exported `handler`. */
export function loadHandler(name: FunctionName): Promise<LambdaHandler> {
  let loaded = handlers.get(name);
  if (!loaded) {
    const entry = functionCatalog[name].entry;
    loaded = import(pathToFileURL(path.join(repoRoot, entry)).href).then((mod: Record<string, unknown>) => {
      if (typeof mod.handler !== 'function') {
        throw new Error(`${entry} (catalog function "${name}") does not export a function named handler`);
      }
      return mod.handler as LambdaHandler;
    });
    // A failed import (syntax error while editing) must not stick: the next call retries.
    loaded.catch(() => handlers.delete(name));
    handlers.set(name, loaded);
  }
  return loaded;
}

/** A context with the fields Lambda provides; the remaining time counts down from the catalog timeout. */
export function lambdaContext(name: FunctionName, awsRequestId: string = randomUUID()): Context {
  const spec: FunctionSpec = functionCatalog[name];
  const functionName = localFunctionName(name);
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  const unsupported = () => {
    throw new Error('Callback-style context methods are not supported; return a promise from the handler');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(name),
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** Invokes a function the way Lambda would for a synchronous call: the handler's result or its error. */
export async function invokeFunction(functionArnOrName: string, event: unknown, awsRequestId?: string): Promise<unknown> {
  const name = resolveCatalogName(functionArnOrName);
  const handler = await loadHandler(name);
  return handler(event, lambdaContext(name, awsRequestId));
}

/** Catalog functions with the given trigger (e.g. every function S3 notifies). */
export function functionsWithTrigger(trigger: FunctionSpec['trigger']): FunctionName[] {
  return catalogNames().filter((name) => (functionCatalog[name] as FunctionSpec).trigger === trigger);
}
