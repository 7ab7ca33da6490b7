/**
 * The local EventBridge endpoint, driven through the real EventBridgeClient (and the AWS
 * CLI when one is usable): routing by rule pattern, per-entry errors, retries and dead
 * letters, the schedules against an injected clock, and events/publish.ts `publish`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  ResourceNotFoundException,
  TestEventPatternCommand,
  InvalidEventPatternException,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { awsCli, awsCliUnavailable } from '../support/aws-cli.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventRule } from '#events/rules.ts';
import type { ScheduleSpec } from '#events/schedules.ts';
import { EventPublishError, publish } from '#events/publish.ts';
import { onClientCreated, resetClients } from '#lib/aws-clients.ts';
import { newId } from '#core/ids.ts';
import { startEventBridgeServer, type LocalEventBridge } from '../../infra/local/eventbridge/server.ts';

const BUS = 'pathcert-test';
const retry = { maximumEventAgeSeconds: 3600, maximumRetryAttempts: 2 };

const RULES: EventRule[] = [
  {
    name: 'notify',
    description: 'people are told',
    eventPattern: { source: ['pathcert'], 'detail-type': ['ApplicationSubmitted', 'DecisionMade'] },
    target: { function: 'notifier' },
    retryPolicy: retry,
    deadLetterQueue: true,
  },
  {
    name: 'urgent-expiry',
    description: 'a month or less left',
    eventPattern: { source: ['pathcert'], 'detail-type': ['CertificationExpiring'], detail: { daysBefore: [7, 30] } },
    target: { function: 'urgent' },
    retryPolicy: retry,
    deadLetterQueue: true,
  },
  {
    name: 'certification-audit',
    description: 'every certification event',
    eventPattern: { source: ['pathcert'], 'detail-type': ['CertificationExpiring', 'CertificationIssued'] },
    target: { function: 'audit' },
    retryPolicy: retry,
    deadLetterQueue: true,
  },
  {
    name: 'reviews',
    description: 'always fails',
    eventPattern: { 'detail-type': ['ReviewSubmitted'] },
    target: { function: 'broken' },
    retryPolicy: retry,
    deadLetterQueue: true,
  },
  {
    name: 'renewals',
    description: 'fails once',
    eventPattern: { 'detail-type': ['RenewalOpened'] },
    target: { function: 'flaky' },
    retryPolicy: retry,
    deadLetterQueue: true,
  },
  {
    name: 'no-dlq',
    description: 'fails, no dead-letter queue',
    eventPattern: { 'detail-type': ['ReviewerAssigned'] },
    target: { function: 'broken' },
    retryPolicy: { maximumEventAgeSeconds: 60, maximumRetryAttempts: 0 },
    deadLetterQueue: false,
  },
];

const SCHEDULES: ScheduleSpec[] = [
  {
    name: 'daily-sweep',
    description: 'daily at 07:00',
    expression: 'cron(0 7 * * ? *)',
    timezone: 'UTC',
    target: { function: 'sweep' },
    input: { job: 'sweep', scheduledTime: '<aws.scheduler.scheduled-time>', attempt: '<aws.scheduler.attempt-number>' },
    flexibleTimeWindow: 'OFF',
    retryPolicy: retry,
    deadLetterQueue: true,
  },
];

/** The target functions: each call is recorded; `broken` always fails, `flaky` fails its first call per event. */
class Targets {
  calls: { fn: string; event: Record<string, unknown> }[] = [];
  private flakySeen = new Set<string>();
  private waiters: { fn: string; resolve: () => void }[] = [];

  readonly invoke = async (fn: string, event: unknown): Promise<unknown> => {
    const e = event as Record<string, unknown>;
    this.calls.push({ fn, event: e });
    for (const w of this.waiters.filter((w) => w.fn === fn)) w.resolve();
    this.waiters = this.waiters.filter((w) => w.fn !== fn);
    if (fn === 'broken') throw Object.assign(new Error('target is down'), { name: 'TargetDown' });
    if (fn === 'flaky' && !this.flakySeen.has(String(e.id))) {
      this.flakySeen.add(String(e.id));
      throw new Error('first call fails');
    }
    return { ok: true };
  };

  of(fn: string) {
    return this.calls.filter((c) => c.fn === fn).map((c) => c.event);
  }

  /** Resolves at the next call of `fn`. */
  next(fn: string): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ fn, resolve }));
  }
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const dataDir = mkdtempSync(join(tmpdir(), 'pathcert-eb-'));
const targets = new Targets();
let clockMs = Date.parse('2026-03-01T06:00:00Z');
let server: LocalEventBridge;
let client: EventBridgeClient;

const entry = (detailType: string, detail: object, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: 'pathcert',
  DetailType: detailType,
  Detail: JSON.stringify(detail),
  EventBusName: BUS,
  ...extra,
});

beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  server = await startEventBridgeServer({
    busName: BUS,
    rules: RULES,
    schedules: SCHEDULES,
    invokeFunction: targets.invoke,
    clock: () => new Date(clockMs),
    tickMs: 0,
    retryDelayMs: () => 0,
    dataDir,
  });
  client = new EventBridgeClient({ endpoint: server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
});

afterAll(async () => {
  client?.destroy();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await server.settled();
  targets.calls = [];
});

describe('PutEvents', () => {
  it('routes an event to the functions whose rules match, with the EventBridge envelope', async () => {
    const detail = { version: 1, applicationId: 'app_1', level: 'silver' };
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [entry('ApplicationSubmitted', detail, { Time: new Date('2026-02-01T10:00:00Z'), Resources: ['arn:x'] })],
      }),
    );
    expect(answer.FailedEntryCount).toBe(0);
    const eventId = answer.Entries?.[0]?.EventId;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    await server.settled();

    expect(targets.calls.map((c) => c.fn)).toEqual(['notifier']);
    expect(targets.of('notifier')[0]).toEqual({
      version: '0',
      id: eventId,
      'detail-type': 'ApplicationSubmitted',
      source: 'pathcert',
      account: '000000000000',
      time: '2026-02-01T10:00:00Z',
      region: 'us-east-1',
      resources: ['arn:x'],
      detail,
    });
    const delivery = server.deliveries().find((d) => (d.payload as { id: string }).id === eventId);
    expect(delivery).toMatchObject({
      via: { rule: 'notify' },
      function: 'notifier',
      status: 'delivered',
      attempts: 1,
      result: { ok: true },
    });
  });

  it('matches on detail fields, and one event may reach several functions', async () => {
    await client.send(
      new PutEventsCommand({
        Entries: [
          entry('CertificationExpiring', { certificationId: 'c30', daysBefore: 30 }),
          entry('CertificationExpiring', { certificationId: 'c90', daysBefore: 90 }),
          entry('CertificationIssued', { certificationId: 'c1' }),
          entry('SomethingElse', { x: 1 }),
        ],
      }),
    );
    await server.settled();
    const ids = (fn: string) =>
      targets
        .of(fn)
        .map((e) => (e.detail as { certificationId: string }).certificationId)
        .sort();
    expect(ids('urgent')).toEqual(['c30']);
    expect(ids('audit')).toEqual(['c1', 'c30', 'c90']);
    expect(targets.of('notifier')).toEqual([]);
  });

  it('answers invalid entries with per-entry errors and still delivers the valid ones', async () => {
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          { DetailType: 'DecisionMade', Detail: '{}', EventBusName: BUS },
          { Source: 'pathcert', Detail: '{}', EventBusName: BUS },
          { Source: 'pathcert', DetailType: 'DecisionMade', EventBusName: BUS },
          entry('DecisionMade', {}, { Detail: '{"unterminated":' }),
          entry('DecisionMade', {}, { Detail: '[1,2]' }),
          entry('DecisionMade', {}, { Source: 'aws.s3' }),
          entry('DecisionMade', { applicationId: 'ok' }),
        ],
      }),
    );
    expect(answer.FailedEntryCount).toBe(6);
    expect(answer.Entries?.slice(0, 6)).toEqual([
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
    ]);
    expect(answer.Entries?.[6]?.EventId).toBeTruthy();
    await server.settled();
    expect(targets.of('notifier').map((e) => e.detail)).toEqual([{ applicationId: 'ok' }]);
  });

  it('rejects a request with no entries or more than 10 as a whole', async () => {
    for (const entries of [[], Array.from({ length: 11 }, () => entry('DecisionMade', {}))]) {
      const error = await client.send(new PutEventsCommand({ Entries: entries })).catch((e: Error) => e);
      expect(error).toMatchObject({ name: 'ValidationException' });
    }
    await server.settled();
    expect(targets.calls).toEqual([]);
  });

  it('accepts but drops events for a bus that does not exist, as AWS does; the default bus has no rules', async () => {
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [entry('DecisionMade', {}, { EventBusName: 'typo-bus' }), entry('DecisionMade', {}, { EventBusName: undefined })],
      }),
    );
    expect(answer.FailedEntryCount).toBe(0);
    await server.settled();
    expect(targets.calls).toEqual([]);
    expect(
      server
        .published()
        .slice(-2)
        .map((e) => e['detail-type']),
    ).toEqual(['DecisionMade', 'DecisionMade']);
  });

  it('accepts the bus by ARN', async () => {
    await client.send(new PutEventsCommand({ Entries: [entry('DecisionMade', { byArn: true }, { EventBusName: server.busArn })] }));
    await server.settled();
    expect(targets.of('notifier').map((e) => e.detail)).toEqual([{ byArn: true }]);
  });
});

describe('delivery failures', () => {
  it('retries a failing target per the retry policy, then dead-letters the event', async () => {
    const answer = await client.send(new PutEventsCommand({ Entries: [entry('ReviewSubmitted', { reviewId: 'r1' })] }));
    await server.settled();
    expect(targets.of('broken')).toHaveLength(3);
    const delivery = server.deliveries().find((d) => (d.payload as { id: string }).id === answer.Entries?.[0]?.EventId)!;
    expect(delivery).toMatchObject({
      status: 'dead-lettered',
      attempts: 3,
      lastError: { errorType: 'TargetDown', errorMessage: 'target is down' },
    });
    const letter = server.deadLetters().find((l) => l.deliveryId === delivery.id);
    expect(letter).toMatchObject({
      via: { rule: 'reviews' },
      sourceArn: `arn:aws:events:us-east-1:000000000000:rule/${BUS}/reviews`,
      targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:broken',
      reason: 'RetryAttemptsExhausted',
      retryAttempts: 2,
      errorCode: 'TargetDown',
    });
    const lines = readFileSync(join(dataDir, 'dead-letters.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { deliveryId: string });
    expect(lines.map((l) => l.deliveryId)).toContain(delivery.id);
  });

  it('delivers on a retry when the target recovers', async () => {
    await client.send(new PutEventsCommand({ Entries: [entry('RenewalOpened', { certificationId: 'c1' })] }));
    await server.settled();
    expect(targets.of('flaky')).toHaveLength(2);
    expect(server.deliveries().at(-1)).toMatchObject({ function: 'flaky', status: 'delivered', attempts: 2 });
  });

  it('drops the event after the retries when the rule has no dead-letter queue', async () => {
    const before = server.deadLetters().length;
    await client.send(new PutEventsCommand({ Entries: [entry('ReviewerAssigned', { reviewId: 'r2' })] }));
    await server.settled();
    expect(targets.of('broken')).toHaveLength(1);
    expect(server.deliveries().at(-1)).toMatchObject({ via: { rule: 'no-dlq' }, status: 'dropped', attempts: 1 });
    expect(server.deadLetters()).toHaveLength(before);
  });
});

describe('rules and buses', () => {
  it('lists and describes the rules, their targets and the buses', async () => {
    const rules = await client.send(new ListRulesCommand({ EventBusName: BUS, NamePrefix: 'no' }));
    expect(rules.Rules?.map((r) => r.Name)).toEqual(['notify', 'no-dlq']);
    expect(JSON.parse(rules.Rules![0]!.EventPattern!)).toEqual(RULES[0]!.eventPattern);

    const paged = await client.send(new ListRulesCommand({ EventBusName: BUS, Limit: 4 }));
    expect(paged.Rules).toHaveLength(4);
    const rest = await client.send(new ListRulesCommand({ EventBusName: BUS, Limit: 4, NextToken: paged.NextToken }));
    expect(rest.Rules?.map((r) => r.Name)).toEqual(['renewals', 'no-dlq']);
    expect(rest.NextToken).toBeUndefined();

    expect((await client.send(new ListRulesCommand({}))).Rules).toEqual([]);
    const described = await client.send(new DescribeRuleCommand({ Name: 'urgent-expiry', EventBusName: BUS }));
    expect(described).toMatchObject({
      Name: 'urgent-expiry',
      State: 'ENABLED',
      EventBusName: BUS,
      Arn: expect.stringContaining(':rule/pathcert-test/urgent-expiry'),
    });
    const targetsOf = await client.send(new ListTargetsByRuleCommand({ Rule: 'notify', EventBusName: BUS }));
    expect(targetsOf.Targets?.[0]).toMatchObject({
      Id: 'notifier',
      Arn: 'arn:aws:lambda:us-east-1:000000000000:function:notifier',
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
    });

    const missing = await client.send(new DescribeRuleCommand({ Name: 'nope', EventBusName: BUS })).catch((e: Error) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    const noBus = await client.send(new ListRulesCommand({ EventBusName: 'typo-bus' })).catch((e: Error) => e);
    expect(noBus).toBeInstanceOf(ResourceNotFoundException);

    const buses = await client.send(new ListEventBusesCommand({}));
    expect(buses.EventBuses?.map((b) => b.Name)).toEqual(['default', BUS]);
  });

  it('tests patterns with TestEventPattern and refuses unsupported operations', async () => {
    const event = JSON.stringify({
      id: '1',
      account: '000000000000',
      source: 'pathcert',
      time: '2026-03-01T00:00:00Z',
      region: 'us-east-1',
      'detail-type': 'CertificationExpiring',
      resources: [],
      detail: { daysBefore: 7 },
    });
    const test = (pattern: object) => client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: event }));
    expect((await test({ detail: { daysBefore: [7, 30] } })).Result).toBe(true);
    expect((await test({ detail: { daysBefore: ['7'] } })).Result).toBe(false);
    expect(await test({ source: 'pathcert' }).catch((e: Error) => e)).toBeInstanceOf(InvalidEventPatternException);
    // Content filters EventBridge has but the local server does not implement are refused, not ignored.
    const numeric = await test({ detail: { daysBefore: [{ numeric: ['<', 10] }] } }).catch((e: Error) => e);
    expect(numeric).toBeInstanceOf(InvalidEventPatternException);
    expect((numeric as Error).message).toMatch(/numeric .*not supported/);

    const unsupported = await client.send(new CreateEventBusCommand({ Name: 'x' })).catch((e: Error) => e);
    expect(unsupported).toMatchObject({ name: 'UnknownOperationException' });
  });
});

describe('schedules', () => {
  it('fires a schedule on demand with Scheduler context attributes replaced', async () => {
    clockMs = Date.parse('2026-03-01T06:30:10Z');
    const delivery = await server.runScheduleNow('daily-sweep');
    expect(delivery).toMatchObject({ via: { schedule: 'daily-sweep' }, status: 'delivered' });
    expect(targets.of('sweep')).toEqual([{ job: 'sweep', scheduledTime: '2026-03-01T06:30:10Z', attempt: '1' }]);
    expect(() => server.fireSchedule('nope')).toThrow(/No schedule named nope/);
  });

  it('fires when the clock passes a slot, once for the latest slot after a jump, never when it goes back', async () => {
    clockMs = Date.parse('2026-03-01T06:59:00Z');
    server.tick();
    await server.settled();
    expect(targets.of('sweep')).toEqual([]);

    clockMs = Date.parse('2026-03-01T07:00:00Z');
    server.tick();
    server.tick();
    await server.settled();
    expect(targets.of('sweep').map((e) => e.scheduledTime)).toEqual(['2026-03-01T07:00:00Z']);

    // Five days later at noon: five slots passed, one run, for the latest.
    clockMs = Date.parse('2026-03-06T12:00:00Z');
    server.tick();
    await server.settled();
    expect(targets.of('sweep').map((e) => e.scheduledTime)).toEqual(['2026-03-01T07:00:00Z', '2026-03-06T07:00:00Z']);

    // Back in time: nothing fires until the clock passes a slot again, which then fires again.
    clockMs = Date.parse('2026-03-02T08:00:00Z');
    server.tick();
    clockMs = Date.parse('2026-03-02T08:30:00Z');
    server.tick();
    await server.settled();
    expect(targets.of('sweep')).toHaveLength(2);
    clockMs = Date.parse('2026-03-03T07:00:00Z');
    server.tick();
    await server.settled();
    expect(
      targets
        .of('sweep')
        .map((e) => e.scheduledTime)
        .at(-1),
    ).toBe('2026-03-03T07:00:00Z');
    expect(server.nextRuns()).toEqual([{ name: 'daily-sweep', next: '2026-03-04T07:00:00.000Z' }]);
  });

  it('ticks by itself every tickMs and keeps its last check in dataDir across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pathcert-eb-tick-'));
    const own = new Targets();
    let ms = Date.parse('2026-04-01T06:00:00Z');
    const options = {
      busName: BUS,
      rules: [],
      schedules: SCHEDULES,
      invokeFunction: own.invoke,
      clock: () => new Date(ms),
      tickMs: 5,
      retryDelayMs: () => 0,
      dataDir: dir,
    };
    const first = await startEventBridgeServer(options);
    try {
      const called = own.next('sweep');
      ms = Date.parse('2026-04-01T07:00:00Z');
      await called;
      await first.settled();
      expect(own.of('sweep').map((e) => e.scheduledTime)).toEqual(['2026-04-01T07:00:00Z']);
    } finally {
      await first.stop();
    }
    // Stopped over the next slot: on restart the missed slot fires once, as AWS would have run it.
    ms = Date.parse('2026-04-03T09:00:00Z');
    const second = await startEventBridgeServer({ ...options, tickMs: 0 });
    try {
      await second.settled();
      expect(own.of('sweep').map((e) => e.scheduledTime)).toEqual(['2026-04-01T07:00:00Z', '2026-04-03T07:00:00Z']);
    } finally {
      await second.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('publish (events/publish.ts)', () => {
  let corruptSecondEntry = false;
  let putRequests = 0;

  beforeAll(() => {
    Object.assign(process.env, {
      EVENT_BUS_NAME: BUS,
      AWS_ENDPOINT_URL_EVENTBRIDGE: server.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      PATHCERT_STAGE: 'local',
    });
    resetClients();
    // Fault injection on the real client: when asked, the second entry claims an AWS source.
    onClientCreated((c, service) => {
      if (service !== 'eventbridge') return;
      (c as EventBridgeClient).middlewareStack.add(
        (next) => async (args) => {
          const input = args.input as { Entries?: PutEventsRequestEntry[] };
          putRequests += 1;
          if (corruptSecondEntry && input.Entries?.[1]) input.Entries[1] = { ...input.Entries[1], Source: 'aws.s3' };
          return next(args);
        },
        { step: 'initialize', name: 'corruptSecondEntry' },
      );
    });
  });

  afterAll(() => resetClients());

  const decision = (i: number) => ({
    detailType: 'DecisionMade' as const,
    detail: {
      applicationId: newId('application'),
      pathwayId: newId('pathway'),
      districtId: newId('district'),
      level: 'gold' as const,
      decision: 'certified' as const,
      decidedBy: `staff-${i}`,
      decidedAt: '2026-03-01T10:00:00.000Z',
    },
  });

  it('validates, batches by 10 and delivers every event', async () => {
    const before = server.published().length;
    putRequests = 0;
    const ids = await publish(Array.from({ length: 12 }, (_, i) => decision(i)));
    expect(ids).toHaveLength(12);
    expect(putRequests).toBe(2);
    await server.settled();
    const received = targets.of('notifier');
    expect(received.map((e) => e.id)).toEqual(ids);
    expect(received[0]).toMatchObject({ source: 'pathcert', 'detail-type': 'DecisionMade', detail: { version: 1, decidedBy: 'staff-0' } });
    expect(server.published().length - before).toBe(12);
  });

  it('sends nothing when any event is invalid', async () => {
    const before = server.published().length;
    const bad = { ...decision(1), detail: { ...decision(1).detail, level: 'platinum' } } as never;
    await expect(publish([decision(0), bad])).rejects.toThrow(/Invalid DecisionMade event/);
    expect(server.published().length).toBe(before);
  });

  it('fails loudly when EventBridge rejects an entry', async () => {
    corruptSecondEntry = true;
    try {
      const error = await publish([decision(0), decision(1), decision(2)]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventPublishError);
      expect((error as EventPublishError).failed).toEqual([
        { detailType: 'DecisionMade', errorCode: 'NotAuthorizedForSourceException', errorMessage: 'Not authorized for the source.' },
      ]);
      expect((error as EventPublishError).publishedIds).toHaveLength(2);
    } finally {
      corruptSecondEntry = false;
    }
  });

  it('fails without EVENT_BUS_NAME', async () => {
    delete process.env.EVENT_BUS_NAME;
    try {
      await expect(publish([decision(0)])).rejects.toThrow(/EVENT_BUS_NAME/);
    } finally {
      process.env.EVENT_BUS_NAME = BUS;
    }
  });
});

describe('AWS CLI', () => {
  const aws = awsCli(() => server.endpoint);

  it('puts events and lists rules with `aws events`', async (context) => {
    const unavailable = await awsCliUnavailable();
    if (unavailable) {
      context.skip(unavailable);
      return;
    }
    const put = await aws(
      'events',
      'put-events',
      '--entries',
      JSON.stringify([
        { Source: 'pathcert', DetailType: 'DecisionMade', Detail: '{"cli":true}', EventBusName: BUS, Time: '2026-03-01T10:00:00Z' },
      ]),
    );
    expect(put.FailedEntryCount).toBe(0);
    await server.settled();
    expect(targets.of('notifier')).toMatchObject([{ time: '2026-03-01T10:00:00Z', detail: { cli: true } }]);
    const rules = await aws('events', 'list-rules', '--event-bus-name', BUS);
    expect((rules.Rules as { Name: string }[]).map((r) => r.Name)).toContain('notify');
  });
});

describe('the default bus: AWS services events', () => {
  it('takes the listed service sources on the default bus only and routes them by the default bus rules', async () => {
    const watched: unknown[] = [];
    const rule = {
      name: 'watch-executions',
      description: 'test',
      eventPattern: { source: ['aws.states'], detail: { status: ['FAILED'] } },
      target: { function: 'watcher' },
      retryPolicy: { maximumEventAgeSeconds: 60, maximumRetryAttempts: 0 },
      deadLetterQueue: false,
    };
    const local = await startEventBridgeServer({
      busName: BUS,
      rules: [],
      defaultBusRules: [rule],
      serviceSources: ['aws.states'],
      schedules: [],
      invokeFunction: async (_fn, event) => watched.push(event),
      tickMs: 0,
    });
    const c = new EventBridgeClient({ endpoint: local.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      const change = (status: string, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
        Source: 'aws.states',
        DetailType: 'Step Functions Execution Status Change',
        Detail: JSON.stringify({ status }),
        ...extra,
      });
      const answer = await c.send(
        new PutEventsCommand({
          Entries: [
            change('FAILED'),
            change('SUCCEEDED'),
            change('FAILED', { EventBusName: BUS }),
            change('FAILED', { Source: 'aws.ses' }),
          ],
        }),
      );
      expect(answer.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
        'ok',
        'ok',
        'NotAuthorizedForSourceException',
        'NotAuthorizedForSourceException',
      ]);
      await local.settled();
      expect(watched).toEqual([expect.objectContaining({ source: 'aws.states', detail: { status: 'FAILED' } })]);
      const described = await c.send(new DescribeRuleCommand({ Name: 'watch-executions' }));
      expect(described).toMatchObject({ EventBusName: 'default', Arn: 'arn:aws:events:us-east-1:000000000000:rule/watch-executions' });
    } finally {
      c.destroy();
      await local.stop();
    }
  });
});
