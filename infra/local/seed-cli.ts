/**
 * `npm run seed [-- --endpoint http://127.0.0.1:8000] [--table pathcert-local] [--data-dir .local]`
 *
 * Loads the demo data into the local store and prints a dev token for every demo person.
 * - With `npm start` running, it writes into that platform's DynamoDB Local (port 8000
 *   by default), and the running API serves the data at once.
 * - Without it, it starts DynamoDB Local itself on the same data directory `npm start`
 *   uses (.local/dynamodb), seeds, and stops; the next `npm start` finds the data.
 * Idempotent: running it again completes a partial seed and changes nothing otherwise.
 * Tokens are signed with the key in <data-dir>/keys, the one `npm start` verifies with.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDevIssuer } from './dev-issuer.ts';
import { createTable, startDynamoLocal, waitForDynamo, type DynamoLocal } from './dynamodb.ts';
import { LOCAL_REGION, LOCAL_STAGE, repoRoot } from './lambda.ts';

const usage = 'Usage: npm run seed -- [--endpoint http://127.0.0.1:8000] [--table pathcert-local] [--data-dir .local]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string', default: 'http://127.0.0.1:8000' },
      table: { type: 'string', default: 'pathcert-local' },
      'data-dir': { type: 'string', default: '.local' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  // Lambda runs on Node 22+; the SDK's warning about the local Node 20 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dataDir = path.resolve(repoRoot, values['data-dir']);
  let endpoint = values.endpoint;
  let started: DynamoLocal | undefined;
  try {
    await waitForDynamo(endpoint, 1_500);
    console.log(`Seeding the running DynamoDB at ${endpoint}, table ${values.table}`);
  } catch {
    const port = Number(new URL(endpoint).port || 8000);
    console.log(`No DynamoDB answers at ${endpoint}: starting DynamoDB Local on ${path.join(dataDir, 'dynamodb')} for the seed`);
    started = await startDynamoLocal({ port, dbPath: path.join(dataDir, 'dynamodb'), sharedDb: true });
    endpoint = started.endpoint;
  }

  try {
    await createTable(endpoint, values.table);
    // The repositories read these when they first touch DynamoDB.
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      PATHCERT_STAGE: LOCAL_STAGE,
      TABLE_NAME: values.table,
    });
    delete process.env.AWS_SESSION_TOKEN;
    const { seedDemoData, printTokens } = await import('./seed.ts');
    const summary = await seedDemoData(console.log);
    const issuer = await createDevIssuer({ keyDir: path.join(dataDir, 'keys') });
    await printTokens(summary, issuer, dataDir);
  } finally {
    await started?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`npm run seed failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error(usage);
  process.exitCode = 1;
});
