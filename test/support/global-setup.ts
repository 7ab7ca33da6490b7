/**
 * vitest globalSetup of the integration project: one in-memory DynamoDB Local for the
 * whole run (Java starts once, not once per file). Each test file creates its own table
 * in it (see platform.ts) and reads the endpoint with `inject('dynamoEndpoint')`.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../infra/local/dynamodb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dynamo = await startDynamoLocal({ sharedDb: true });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}
