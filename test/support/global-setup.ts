/**
 * vitest globalSetup of the integration and e2e projects: one in-memory DynamoDB Local for
 * the whole run (Java starts once, not once per file). Each test file creates its own table
 * in it (see platform.ts) and reads the endpoint with `inject('dynamoEndpoint')`.
 *
 * It also gives the run a directory where each file's OpenAPI contract checker writes its
 * counts (contract-setup.ts); the teardown prints their sum.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../infra/local/dynamodb.ts';
import type { ContractCounts } from './contract.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    contractDir: string;
  }
}

function printContractTotals(project: string, dir: string): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const sum: ContractCounts = { responses: 0, gateway: 0, skipped: 0, undocumentedStatus: 0, contentTypeMismatch: 0, schemaMismatch: 0 };
  const operations = new Set<string>();
  for (const file of files) {
    const { counts, operations: ops } = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
      counts: ContractCounts;
      operations: string[];
    };
    for (const key of Object.keys(sum) as (keyof ContractCounts)[]) sum[key] += counts[key];
    for (const op of ops) operations.add(op);
  }
  console.log(
    `\nOpenAPI contract (${project}, ${files.length} files): ${operations.size} operations answered, ` +
      `${sum.responses} responses checked, ${sum.gateway} gateway answers for no operation, ${sum.skipped} skipped (preflight/local-only); ` +
      `${sum.undocumentedStatus} undocumented statuses, ${sum.contentTypeMismatch} content-type mismatches, ${sum.schemaMismatch} schema mismatches\n`,
  );
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dynamo = await startDynamoLocal({ sharedDb: true });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  const contractDir = mkdtempSync(path.join(tmpdir(), 'pathcert-contract-'));
  project.provide('contractDir', contractDir);
  return async () => {
    printContractTotals(project.name, contractDir);
    // PATHCERT_CONTRACT_KEEP=1 keeps each file's counts and violations (JSON) for a closer look.
    if (process.env.PATHCERT_CONTRACT_KEEP) console.log(`contract details kept in ${contractDir}`);
    else rmSync(contractDir, { recursive: true, force: true });
    await dynamo.stop();
  };
}
