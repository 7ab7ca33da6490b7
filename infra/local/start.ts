/**
 * `npm start [-- --fresh] [--port 4000]`: the whole backend on this machine, data kept in
 * .local/ between runs. Ctrl+C stops everything, DynamoDB Local's Java process included.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './lambda.ts';
import { startPlatform, type Platform } from './platform.ts';

const SEED_MODULE = path.join(repoRoot, 'infra/local/seed.ts');

function timestamped(line: string): void {
  console.log(`${new Date().toISOString().slice(11, 23)} ${line}`);
}

function banner(platform: Platform): string {
  const machines = Object.entries(platform.stateMachineArns);
  const lines = [
    '',
    'pathcert is running locally',
    '',
    `  HTTP API        ${platform.apiUrl}`,
    `  API reference   ${platform.apiUrl}/docs`,
    `  OpenAPI         ${platform.apiUrl}/openapi.json`,
    `  JWKS            ${platform.apiUrl}/.well-known/jwks.json`,
    `  Dev clock       ${platform.apiUrl}/_local/clock   (POST {"advanceDays": 30})`,
    `  DynamoDB        ${platform.dynamoEndpoint}   table ${platform.tableName}`,
    `  S3              ${platform.s3Endpoint}   bucket ${platform.bucketName}`,
    `  Step Functions  ${platform.sfnEndpoint ?? '(not running)'}`,
    ...machines.map(([name, arn]) => `    ${name.padEnd(14)}${arn}`),
    `  EventBridge     ${platform.events.endpoint}   bus ${platform.events.busName}`,
    `  SES             ${platform.ses.endpoint}   outbox ${platform.ses.outboxDir}`,
    `  Cognito         ${platform.cognito.endpoint}   user pool ${platform.cognito.userPoolId}, client ${platform.cognito.clientId}`,
    `  KMS             ${platform.kms.endpoint}   credential issuer key ${platform.kms.keyArn}`,
    `  Data            ${platform.dataDir}   (npm start -- --fresh wipes it)`,
    '',
    'Get a token (roles: staff, reviewer, district, pathway):',
    '  TOKEN=$(npm run --silent token -- --role staff --user alice@example.org --name "Alice")',
    `  curl -H "Authorization: Bearer $TOKEN" ${platform.apiUrl}/health`,
    '',
    'AWS CLI against the local services (credentials: local/local, region us-east-1):',
    '  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1',
    `  aws dynamodb scan --table-name ${platform.tableName} --endpoint-url ${platform.dynamoEndpoint}`,
    `  aws s3 ls s3://${platform.bucketName} --recursive --endpoint-url ${platform.s3Endpoint}`,
    ...(platform.sfnEndpoint
      ? [`  aws stepfunctions list-executions --state-machine-arn <arn> --endpoint-url ${platform.sfnEndpoint}`]
      : []),
    '',
    'Sign up with an invited address (the verification code is logged above as "cognito: verification code ..."):',
    `  aws cognito-idp sign-up --client-id ${platform.cognito.clientId} --username sofia.marquez@bayshore.example.org --password 'Choose-a-l0ng-one' --endpoint-url ${platform.cognito.endpoint}`,
    `  aws cognito-idp confirm-sign-up --client-id ${platform.cognito.clientId} --username sofia.marquez@bayshore.example.org --confirmation-code <code> --endpoint-url ${platform.cognito.endpoint}`,
    `  aws cognito-idp initiate-auth --client-id ${platform.cognito.clientId} --auth-flow USER_PASSWORD_AUTH --auth-parameters USERNAME=sofia.marquez@bayshore.example.org,PASSWORD='Choose-a-l0ng-one' --endpoint-url ${platform.cognito.endpoint}`,
    '',
    'Ctrl+C stops everything.',
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      fresh: { type: 'boolean', default: false },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const httpPort = values.port === undefined ? undefined : Number(values.port);
  if (httpPort !== undefined && (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535)) {
    throw new Error(`--port must be a port number, got ${values.port}`);
  }

  const platform = await startPlatform({
    persist: true,
    fresh: values.fresh,
    dataDir: values['data-dir'] ? path.resolve(values['data-dir']) : undefined,
    ports: httpPort === undefined ? undefined : { http: httpPort },
    log: timestamped,
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    timestamped(`${signal}: stopping…`);
    platform.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  if (existsSync(SEED_MODULE)) {
    const seed = (await import(pathToFileURL(SEED_MODULE).href)) as { seedIfEmpty?: (p: Platform) => Promise<void> };
    if (typeof seed.seedIfEmpty === 'function') await seed.seedIfEmpty(platform);
  }

  console.log(banner(platform));
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
