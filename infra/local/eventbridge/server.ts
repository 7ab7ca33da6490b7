/**
 * Local EventBridge endpoint: pathcert's bus with the rules of events/rules.ts, answered
 * on localhost in the real awsJson1_1 protocol so `EventBridgeClient` (with `endpoint`)
 * and the AWS CLI (`--endpoint-url`) work unchanged. Events PutEvents accepts are routed
 * by the rules' patterns to `invokeFunction(functionName, envelope)`, asynchronously and
 * with the rules' retry policies and dead-letter queues; the schedules of
 * events/schedules.ts fire against the dev clock. See README.md for what differs from AWS.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { EventRule } from '#events/rules.ts';
import type { ScheduleSpec } from '#events/schedules.ts';
import type { EventBridgeEnvelope } from '#core/events.ts';
import { now } from '#lib/clock.ts';
import { listen } from '../ports.ts';
import { parseScheduleExpression } from './cron.ts';
import { Deliveries, MAX_KEPT, type DeadLetter, type DeliveryRecord, type InvokeTarget } from './delivery.ts';
import { InvalidEventPatternError, matchesPattern, validatePattern } from './pattern.ts';
import { busNameOf, isoSeconds, readEntries, readEntry, type EntryResult } from './put-events.ts';
import { EventsError, optionalString, page, readApiRequest, requiredString, writeError, writeResult, type JsonObject } from './protocol.ts';
import { LocalScheduler } from './scheduler.ts';

export type { DeadLetter, DeliveryRecord, DeliveryStatus } from './delivery.ts';

export interface EventBridgeServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default us-east-1. */
  region?: string;
  /** Default 000000000000. */
  accountId?: string;
  /** The custom bus the rules are on (the `default` bus exists too, with `defaultBusRules`). */
  busName: string;
  rules: readonly EventRule[];
  /** Rules on the `default` bus, where AWS services' own events arrive. Default none. */
  defaultBusRules?: readonly EventRule[];
  /**
   * `aws.*` sources PutEvents accepts on the default bus only: the local stand-ins of AWS
   * services (the Step Functions endpoint's `aws.states`) deliver their events this way.
   * Every other `aws.*` source is refused as AWS refuses it. Default none.
   */
  serviceSources?: readonly string[];
  schedules: readonly ScheduleSpec[];
  /** Runs a Lambda function by catalog name with an event; a rejection is a failed attempt. */
  invokeFunction: InvokeTarget;
  /** What schedules and event times follow. Default: functions/lib/clock.ts `now()` (the dev clock). */
  clock?: () => Date;
  /** How often schedules are checked against the clock, in ms. Default 1000; 0 = only on `tick()`. */
  tickMs?: number;
  /** Pause before retry n (1-based). Default 1 s doubling up to 60 s; tests pass `() => 0`. */
  retryDelayMs?: (retry: number) => number;
  /** Target ARN shown by ListTargetsByRule and dead letters. Default `arn:aws:lambda:<region>:<account>:function:<name>`. */
  functionArn?: (functionName: string) => string;
  /** Dead letters (dead-letters.jsonl) and the scheduler's last check (scheduler.json) are kept here. */
  dataDir?: string;
  log?: (line: string) => void;
}

export interface ScheduleRun {
  schedule: string;
  scheduledTime: string;
  executionId: string;
  delivery: DeliveryRecord;
}

export interface LocalEventBridge {
  /** e.g. http://127.0.0.1:4010, for AWS_ENDPOINT_URL_EVENTBRIDGE or `--endpoint-url`. */
  endpoint: string;
  port: number;
  busName: string;
  busArn: string;
  /** Fires a schedule now, as its slot would (asynchronous: the returned delivery is still pending). */
  fireSchedule(name: string): ScheduleRun;
  /** Fires a schedule and waits for its delivery to finish (delivered, dead-lettered or dropped). */
  runScheduleNow(name: string): Promise<DeliveryRecord>;
  /** Checks the schedules against the clock now (what the timer does every tickMs). */
  tick(): void;
  /** Next slot of every schedule after the clock's now. */
  nextRuns(): { name: string; next: string | undefined }[];
  /** Events PutEvents accepted, on any bus, oldest first (the latest 5000). */
  published(): EventBridgeEnvelope<string, Record<string, unknown>>[];
  /** Deliveries to targets (by rule or schedule), oldest first (the latest 5000), updated in place as attempts happen. */
  deliveries(): DeliveryRecord[];
  deadLetters(): DeadLetter[];
  /** Resolves when every delivery started so far, retries included, has finished. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

const RETRY_LIMITS = { attempts: [0, 185], ageSeconds: [60, 86_400] } as const;

export async function startEventBridgeServer(options: EventBridgeServerOptions): Promise<LocalEventBridge> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const clock = options.clock ?? now;
  const log = options.log ?? (() => {});
  const busName = options.busName;
  const busArn = (name: string) => `arn:aws:events:${region}:${accountId}:event-bus/${name}`;
  // Rules on the default bus have no bus name in their ARN.
  const ruleArn = (name: string, bus = busName) =>
    `arn:aws:events:${region}:${accountId}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`;
  const scheduleArn = (name: string) => `arn:aws:scheduler:${region}:${accountId}:schedule/default/${name}`;
  const functionArn = options.functionArn ?? ((name: string) => `arn:aws:lambda:${region}:${accountId}:function:${name}`);
  const rules = checkRules(options.rules);
  const defaultRules = checkRules(options.defaultBusRules ?? []);
  const serviceSources = new Set(options.serviceSources ?? []);
  const buses = new Set(['default', busName]);
  const published: EventBridgeEnvelope<string, Record<string, unknown>>[] = [];

  const deliveries = new Deliveries({
    invoke: options.invokeFunction,
    targetArn: functionArn,
    retryDelayMs: options.retryDelayMs,
    dataDir: options.dataDir,
    log,
  });

  const runSchedule = (spec: ScheduleSpec, scheduledTime: Date): ScheduleRun => {
    const executionId = randomUUID();
    const time = isoSeconds(scheduledTime);
    const delivery = deliveries.deliver({
      via: { schedule: spec.name },
      sourceArn: scheduleArn(spec.name),
      function: spec.target.function,
      payload: (attempt) =>
        substituteContext(spec.input, {
          '<aws.scheduler.scheduled-time>': time,
          '<aws.scheduler.execution-id>': executionId,
          '<aws.scheduler.schedule-arn>': scheduleArn(spec.name),
          '<aws.scheduler.attempt-number>': String(attempt),
        }),
      retryPolicy: spec.retryPolicy,
      deadLetterQueue: spec.deadLetterQueue,
    });
    log(`eventbridge: schedule ${spec.name} fired for ${time} → ${spec.target.function}`);
    return { schedule: spec.name, scheduledTime: time, executionId, delivery };
  };

  const scheduler = new LocalScheduler({
    schedules: checkSchedules(options.schedules),
    clock,
    tickMs: options.tickMs ?? 1000,
    stateFile: options.dataDir ? path.join(options.dataDir, 'scheduler.json') : undefined,
    fire: (spec, slot) => void runSchedule(spec, slot),
    log,
  });

  const putEvents = (body: JsonObject) => {
    const results: EntryResult[] = [];
    for (const raw of readEntries(body)) {
      const read = readEntry(raw, { region, accountId, clock, serviceSources });
      if ('error' in read) {
        results.push(read.error);
        continue;
      }
      const { envelope, busName: target } = read.accepted;
      results.push({ EventId: envelope.id });
      published.push(envelope);
      if (published.length > MAX_KEPT) published.splice(0, published.length - MAX_KEPT);
      if (!buses.has(target)) {
        // EventBridge answers success for an unknown bus and drops the event; say so locally.
        log(`eventbridge: ${envelope['detail-type']} put on unknown bus ${target}: accepted and dropped, as AWS does`);
        continue;
      }
      const matched = rulesOn(target).filter((rule) => matchesPattern(rule.eventPattern, envelope));
      if (target !== busName && matched.length === 0) continue;
      log(
        `eventbridge: ${envelope['detail-type']} ${envelope.id} → ${matched.map((r) => `${r.name} (${r.target.function})`).join(', ') || 'no rule'}`,
      );
      for (const rule of matched) {
        deliveries.deliver({
          via: { rule: rule.name },
          sourceArn: ruleArn(rule.name, target),
          function: rule.target.function,
          // Each target gets its own copy, as each Lambda invocation gets its own JSON.
          payload: () => structuredClone(envelope),
          retryPolicy: rule.retryPolicy,
          deadLetterQueue: rule.deadLetterQueue,
        });
      }
    }
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  };

  const requireBus = (body: JsonObject): string => {
    const name = busNameOf(optionalString(body, 'EventBusName') ?? 'default');
    if (!buses.has(name)) throw new EventsError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return name;
  };
  const rulesOn = (bus: string) => (bus === busName ? rules : bus === 'default' ? defaultRules : []);
  const findRule = (body: JsonObject, param: 'Name' | 'Rule'): { bus: string; rule: EventRule } => {
    const bus = requireBus(body);
    const name = requiredString(body, param);
    const rule = rulesOn(bus).find((r) => r.name === name);
    if (!rule) throw new EventsError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus}.`);
    return { bus, rule };
  };
  const describeRule = (rule: EventRule, bus: string) => ({
    Name: rule.name,
    Arn: ruleArn(rule.name, bus),
    EventPattern: JSON.stringify(rule.eventPattern),
    State: 'ENABLED',
    Description: rule.description,
    EventBusName: bus,
  });

  const operations: Record<string, (body: JsonObject) => object> = {
    PutEvents: putEvents,
    ListRules(body) {
      const bus = requireBus(body);
      const prefix = optionalString(body, 'NamePrefix') ?? '';
      const matching = rulesOn(bus).filter((r) => r.name.startsWith(prefix));
      const { items, nextToken } = page(matching, body);
      return { Rules: items.map((r) => describeRule(r, bus)), NextToken: nextToken };
    },
    DescribeRule(body) {
      const { bus, rule } = findRule(body, 'Name');
      return { ...describeRule(rule, bus), CreatedBy: accountId };
    },
    ListTargetsByRule(body) {
      const { rule } = findRule(body, 'Rule');
      return {
        Targets: [
          {
            Id: rule.target.function,
            Arn: functionArn(rule.target.function),
            RetryPolicy: {
              MaximumRetryAttempts: rule.retryPolicy.maximumRetryAttempts,
              MaximumEventAgeInSeconds: rule.retryPolicy.maximumEventAgeSeconds,
            },
            DeadLetterConfig: rule.deadLetterQueue ? { Arn: `arn:aws:sqs:${region}:${accountId}:${busName}-${rule.name}-dlq` } : undefined,
          },
        ],
      };
    },
    ListEventBuses(body) {
      const prefix = optionalString(body, 'NamePrefix') ?? '';
      const matching = [...buses].filter((b) => b.startsWith(prefix)).map((b) => ({ Name: b, Arn: busArn(b) }));
      const { items, nextToken } = page(matching, body);
      return { EventBuses: items, NextToken: nextToken };
    },
    DescribeEventBus(body) {
      const name = busNameOf(optionalString(body, 'Name') ?? 'default');
      if (!buses.has(name)) throw new EventsError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
      return { Name: name, Arn: busArn(name) };
    },
    TestEventPattern(body) {
      let pattern: unknown;
      let event: unknown;
      try {
        pattern = JSON.parse(requiredString(body, 'EventPattern'));
      } catch (error) {
        if (error instanceof EventsError) throw error;
        throw new EventsError('InvalidEventPatternException', 'Event pattern is not valid. Reason: not valid JSON');
      }
      try {
        event = JSON.parse(requiredString(body, 'Event'));
      } catch (error) {
        if (error instanceof EventsError) throw error;
        throw new EventsError('ValidationException', 'Parameter Event is not valid.');
      }
      const e = event as Record<string, unknown> | null;
      const required = ['id', 'account', 'source', 'time', 'region', 'detail-type'];
      if (typeof e !== 'object' || e === null || required.some((k) => typeof e[k] !== 'string')) {
        throw new EventsError('ValidationException', `Parameter Event is not valid. It needs ${required.join(', ')}.`);
      }
      try {
        validatePattern(pattern);
      } catch (error) {
        if (error instanceof InvalidEventPatternError) {
          throw new EventsError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${error.message}`);
        }
        throw error;
      }
      return { Result: matchesPattern(pattern, event) };
    },
  };

  const server = createServer((req, res) => void handle(req, res, operations, log));
  const { port, endpoint } = await listen(server, options);
  scheduler.start();
  log(
    `eventbridge: bus ${busName} at ${endpoint}; rules: ${rules.map((r) => r.name).join(', ') || '(none)'}; ` +
      `default bus rules: ${defaultRules.map((r) => r.name).join(', ') || '(none)'}; ` +
      `schedules: ${
        scheduler
          .nextRuns()
          .map((s) => `${s.name} next ${s.next ?? 'never'}`)
          .join(', ') || '(none)'
      }`,
  );

  const fireSchedule = (name: string): ScheduleRun => {
    const spec = scheduler.spec(name);
    if (!spec) {
      throw new Error(`No schedule named ${name} (known: ${options.schedules.map((s) => s.name).join(', ') || 'none'})`);
    }
    return runSchedule(spec, clock());
  };

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    busName,
    busArn: busArn(busName),
    fireSchedule,
    async runScheduleNow(name) {
      const run = fireSchedule(name);
      await deliveries.done(run.delivery.id);
      return run.delivery;
    },
    tick: () => scheduler.tick(),
    nextRuns: () => scheduler.nextRuns(),
    published: () => [...published],
    deliveries: () => deliveries.list(),
    deadLetters: () => deliveries.deadLetters(),
    settled: () => deliveries.settled(),
    stop: () =>
      (stopping ??= (async () => {
        scheduler.stop();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await deliveries.shutdown();
      })()),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  operations: Record<string, (body: JsonObject) => object>,
  log: (line: string) => void,
): Promise<void> {
  try {
    const request = await readApiRequest(req);
    const operation = Object.hasOwn(operations, request.operation) ? operations[request.operation] : undefined;
    if (!operation) {
      throw new EventsError(
        'UnknownOperationException',
        `Operation ${request.operation} is not supported by the local EventBridge endpoint`,
      );
    }
    writeResult(res, operation(request.body));
  } catch (error) {
    if (error instanceof EventsError) {
      writeError(res, error);
      return;
    }
    log(`eventbridge: request failed: ${String(error)}`);
    writeError(res, new EventsError('InternalException', 'Internal error in the local EventBridge endpoint'));
  }
}

function checkRules(rules: readonly EventRule[]): EventRule[] {
  const names = new Set<string>();
  for (const rule of rules) {
    if (names.has(rule.name)) throw new Error(`Rule ${rule.name} is listed twice`);
    names.add(rule.name);
    try {
      validatePattern(rule.eventPattern);
    } catch (error) {
      throw new Error(`Rule ${rule.name}: ${(error as Error).message}`, { cause: error });
    }
    checkRetryPolicy(`Rule ${rule.name}`, rule.retryPolicy);
  }
  return [...rules];
}

function checkSchedules(schedules: readonly ScheduleSpec[]): readonly ScheduleSpec[] {
  for (const s of schedules) {
    parseScheduleExpression(s.expression);
    if (s.timezone !== 'UTC') throw new Error(`Schedule ${s.name}: only UTC is evaluated locally`);
    checkRetryPolicy(`Schedule ${s.name}`, s.retryPolicy);
  }
  return schedules;
}

function checkRetryPolicy(what: string, policy: EventRule['retryPolicy']): void {
  const { attempts, ageSeconds } = RETRY_LIMITS;
  const a = policy.maximumRetryAttempts;
  const age = policy.maximumEventAgeSeconds;
  if (!Number.isInteger(a) || a < attempts[0] || a > attempts[1])
    throw new Error(`${what}: maximumRetryAttempts must be ${attempts[0]}-${attempts[1]}`);
  if (!Number.isInteger(age) || age < ageSeconds[0] || age > ageSeconds[1]) {
    throw new Error(`${what}: maximumEventAgeSeconds must be ${ageSeconds[0]}-${ageSeconds[1]}`);
  }
}

/** Scheduler's context attributes, replaced inside every string of the input. */
function substituteContext(value: unknown, context: Record<string, string>): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const [key, replacement] of Object.entries(context)) out = out.replaceAll(key, replacement);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => substituteContext(v, context));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteContext(v, context)]));
  }
  return value;
}
