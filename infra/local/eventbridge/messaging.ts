/**
 * The local runtime's events and email, composed for infra/local/platform.ts: the
 * EventBridge server with pathcert's bus, rules and schedules (targets invoked through the
 * local Lambda stand-in) and the SES server with its outbox, plus the environment the
 * functions read to reach them.
 *
 * Rules and schedules whose target is not in functions/catalog.ts yet are left out (and
 * logged) instead of failing every delivery: targets may be declared before their function.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventRules, type EventRule } from '#events/rules.ts';
import { STATES_EVENT_SOURCE } from '#core/review/execution-status.ts';
import { schedules as allSchedules, type ScheduleSpec } from '#events/schedules.ts';
import { startSesServer, type LocalSes } from '../ses/server.ts';
import { invokeFunction, isCatalogName, LOCAL_ACCOUNT, LOCAL_REGION, LOCAL_STAGE } from '../lambda.ts';
import { startEventBridgeServer, type LocalEventBridge } from './server.ts';

export const LOCAL_EVENT_BUS = `pathcert-${LOCAL_STAGE}`;
export const LOCAL_SES_SENDER = 'no-reply@pathcert.local';
/** The shared staff inbox's address locally (message emails to staff land in the outbox under it). */
export const LOCAL_STAFF_INBOX_EMAIL = 'staff-inbox@pathcert.local';

export interface LocalMessagingOptions {
  host: string;
  eventBridgePort: number;
  sesPort: number;
  /** Persisted runs: `<dataDir>/eventbridge` (dead letters, scheduler state) and `<dataDir>/outbox`. Else a temp outbox, removed at stop. */
  dataDir: string | undefined;
  /** How often schedules are checked against the dev clock; default 1000 ms, 0 = only on tick(). */
  tickMs?: number;
  /** Default events/rules.ts. */
  rules?: readonly EventRule[];
  /** Rules on the default bus (AWS services' events, e.g. the review machine's status changes). Default none. */
  defaultBusRules?: readonly EventRule[];
  log: (line: string) => void;
}

export interface LocalMessaging {
  events: LocalEventBridge;
  ses: LocalSes;
  /** EVENT_BUS_NAME, AWS_ENDPOINT_URL_EVENTBRIDGE, AWS_ENDPOINT_URL_SESV2, SES_SENDER, STAFF_INBOX_EMAIL. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The definitions whose target function exists; the others are logged once. */
export function withExistingTargets<T extends EventRule | ScheduleSpec>(
  kind: 'rule' | 'schedule',
  list: readonly T[],
  log: (line: string) => void,
): T[] {
  const kept = list.filter((item) => isCatalogName(item.target.function));
  for (const item of list.filter((i) => !kept.includes(i))) {
    log(`eventbridge: ${kind} ${item.name} not active: its target ${item.target.function} is not in functions/catalog.ts yet`);
  }
  return kept;
}

export async function startLocalMessaging(options: LocalMessagingOptions): Promise<LocalMessaging> {
  const { host, log, dataDir } = options;
  const outboxDir = dataDir ? path.join(dataDir, 'outbox') : mkdtempSync(path.join(tmpdir(), 'pathcert-outbox-'));
  const stops: (() => Promise<void>)[] = [];
  if (!dataDir) stops.push(() => Promise.resolve(rmSync(outboxDir, { recursive: true, force: true })));
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const ses = await startSesServer({ port: options.sesPort, host, outboxDir, log });
    stops.push(() => ses.stop());
    const events = await startEventBridgeServer({
      port: options.eventBridgePort,
      host,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      busName: LOCAL_EVENT_BUS,
      rules: withExistingTargets('rule', options.rules ?? eventRules, log),
      defaultBusRules: withExistingTargets('rule', options.defaultBusRules ?? [], log),
      // The local Step Functions endpoint puts its execution status changes here, as AWS does.
      serviceSources: [STATES_EVENT_SOURCE],
      schedules: withExistingTargets('schedule', allSchedules, log),
      invokeFunction: (fn, event) => invokeFunction(fn, event),
      functionArn: (fn) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:pathcert-${LOCAL_STAGE}-${fn}`,
      dataDir: dataDir ? path.join(dataDir, 'eventbridge') : undefined,
      ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
      log,
    });
    stops.push(() => events.stop());
    return {
      events,
      ses,
      env: {
        EVENT_BUS_NAME: LOCAL_EVENT_BUS,
        AWS_ENDPOINT_URL_EVENTBRIDGE: events.endpoint,
        AWS_ENDPOINT_URL_SESV2: ses.endpoint,
        SES_SENDER: LOCAL_SES_SENDER,
        STAFF_INBOX_EMAIL: LOCAL_STAFF_INBOX_EMAIL,
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
