/**
 * The recertification sweep: time and DynamoDB requests of one daily run over 1,000 and
 * 100,000 certifications of which 1% are due that day (a third each: a notice, the renewal
 * window with its first notice, an expiry), against DynamoDB Local through the local
 * runtime's handler. The other 99% expire from tomorrow to ~3 years out, with everything
 * before today already recorded, as a long-running network would have them.
 *
 * Requests are counted with a middleware on the SDK client (functions/lib/aws-clients.ts
 * onClientCreated), per command; "items read" sums the Query results. The bus has no rules
 * here: what subscribers (the notifier) spend per event is theirs, not the sweep's. A second run of the
 * same day (a double firing) must find nothing left to do. Target: requests and items read
 * follow the due certifications, not the total (flagged when items read exceed twice the due
 * ones, or requests per due certification differ by more than 25% between the sizes).
 * For comparison, "window" is how many certifications an expiry-keyed index would have read
 * (expiry within 180 days: everything that could have a notice coming).
 *
 * `npm run bench -- sweep [--sizes=1000,100000]`; seeding uses BatchWriteItem (25 items per
 * request, 16 at a time). BENCH_SWEEP_TRACE=1 prints every counted request.
 */
import './pipeline-env.ts';
import type { BenchReport } from './run.ts';

const SIZES = (
  process.argv.find((a) => a.startsWith('--sizes='))?.slice('--sizes='.length) ??
  process.env.BENCH_SWEEP_SIZES ??
  '1000,100000'
)
  .split(',')
  .map(Number);
const DUE_SHARE = 0.01;
const TODAY = '2030-03-01';
const THRESHOLDS = [180, 90, 30, 7];

interface Counter {
  commands: Map<string, number>;
  itemsRead: number;
}

export async function run(): Promise<BenchReport> {
  const { startPlatform } = await import('../infra/local/platform.ts');
  const { createTable } = await import('../infra/local/dynamodb.ts');
  const { onClientCreated, dynamoClient, resetClients } = await import('#lib/aws-clients.ts');
  const { certificationItem } = await import('#store/certifications.ts');
  const { addDaysTo } = await import('#core/recertification/validity.ts');
  const { ulid } = await import('#core/ids.ts');
  const { batchPut } = await import('./support.ts');

  const counter: Counter = { commands: new Map(), itemsRead: 0 };
  let counting = false;
  const stopCounting = onClientCreated((client, service) => {
    const stack = (client as { middlewareStack: { add: (mw: unknown, opts: unknown) => void } }).middlewareStack;
    stack.add(
      (next: (args: unknown) => Promise<{ output: { Count?: number } }>, context: { commandName?: string }) => async (args: unknown) => {
        const result = await next(args);
        if (counting) {
          const name = `${service}:${context.commandName ?? '?'}`;
          counter.commands.set(name, (counter.commands.get(name) ?? 0) + 1);
          if (process.env.BENCH_SWEEP_TRACE) console.log(name, JSON.stringify((args as { input?: unknown }).input).slice(0, 160));
          if (context.commandName === 'QueryCommand') counter.itemsRead += result.output.Count ?? 0;
        }
        return result;
      },
      { step: 'initialize', name: 'benchRequestCounter' },
    );
  });

  const platform = await startPlatform({
    persist: false,
    withStepFunctions: false,
    scheduleTickMs: 0,
    eventRules: [],
    log: (l) => (/threw|failed|error/i.test(l) ? console.error(l) : undefined),
  });
  const rows: string[] = [];
  const perDue: number[] = [];
  const flags: string[] = [];
  try {
    for (const size of SIZES) {
      const tableName = `pathcert-bench-sweep-${size}-${Date.now()}`;
      await createTable(platform.dynamoEndpoint, tableName);
      process.env.TABLE_NAME = tableName;
      resetClients();

      // The population: every 100th certification is due today, in three kinds.
      const due = Math.round(size * DUE_SHARE);
      const every = Math.round(1 / DUE_SHARE);
      let window = 0;
      const items: Record<string, unknown>[] = [];
      for (let i = 0; i < size; i++) {
        const id = `cert_${ulid(Date.parse('2027-01-01') + i)}`;
        let daysLeft: number;
        if (i % every === 0) {
          const kind = (i / every) % 3;
          daysLeft = kind === 0 ? 30 : kind === 1 ? 180 : 0;
        } else {
          daysLeft = 1 + ((i * 7919) % 1095);
          if (THRESHOLDS.includes(daysLeft)) daysLeft++;
        }
        const expiresOn = addDaysTo(TODAY, daysLeft);
        if (daysLeft <= 180) window++;
        const dueKind = i % every === 0;
        // Recorded: every step strictly before today (a due one has today's step still open).
        const noticesSent = THRESHOLDS.filter((t) => (dueKind ? t > daysLeft : t >= daysLeft));
        const renewalOpened = dueKind ? daysLeft < 180 : daysLeft <= 180;
        items.push(
          certificationItem({
            id,
            pathwayId: `pw_${ulid(Date.parse('2027-01-01') + i)}`,
            districtId: `dst_${ulid(0)}`,
            applicationId: `app_${ulid(Date.parse('2027-01-01') + i)}`,
            level: i % 2 ? 'silver' : 'gold',
            issuedOn: addDaysTo(expiresOn, -730),
            validFrom: addDaysTo(expiresOn, -730),
            expiresOn,
            continuous: false,
            status: 'active',
            noticesSent,
            renewalOpened,
            expiredApplied: false,
            issuedAt: `${addDaysTo(expiresOn, -730)}T10:00:00.000Z`,
            validUntil: expiresOn,
            createdAt: `${addDaysTo(expiresOn, -730)}T10:00:00.000Z`,
          }),
        );
      }
      const seedStart = performance.now();
      await batchPut(dynamoClient(), tableName, items, 16);
      const seedSeconds = (performance.now() - seedStart) / 1000;

      const sweepOnce = async () => {
        counter.commands.clear();
        counter.itemsRead = 0;
        counting = true;
        const started = performance.now();
        const result = (await platform.invoke('recertificationSweep', {
          job: 'recertification-sweep',
          scheduledTime: `${TODAY}T07:00:00Z`,
        })) as {
          notices: number;
          renewalsOpened: number;
          expired: number;
        };
        const ms = performance.now() - started;
        counting = false;
        const dynamo = [...counter.commands].filter(([k]) => k.startsWith('dynamodb:')).reduce((s, [, n]) => s + n, 0);
        const events = counter.commands.get('eventbridge:PutEventsCommand') ?? 0;
        return {
          ms,
          dynamo,
          events,
          itemsRead: counter.itemsRead,
          actions: result.notices + result.renewalsOpened + result.expired,
          commands: new Map(counter.commands),
        };
      };
      // Warm: the handler's modules and clients are loaded (a day with nothing due).
      await platform.invoke('recertificationSweep', { job: 'recertification-sweep', scheduledTime: '2000-01-01T07:00:00Z' });
      const first = await sweepOnce();
      const second = await sweepOnce();
      const breakdown = [...first.commands]
        .filter(([k]) => k.startsWith('dynamodb:'))
        .map(([k, n]) => `${k.slice('dynamodb:'.length).replace('Command', '')} ${n}`)
        .join(', ');
      rows.push(
        `| ${size.toLocaleString('en-US')} | ${due} | ${window.toLocaleString('en-US')} | ${seedSeconds.toFixed(1)} s | ${first.ms.toFixed(0)} ms | ${first.dynamo} (${breakdown}) | ${(first.dynamo / due).toFixed(1)} | ${first.itemsRead} | ${first.actions} | ${first.events} | ${second.dynamo} req, ${second.itemsRead} read, ${second.events} events, ${second.ms.toFixed(0)} ms |`,
      );
      perDue.push(first.dynamo / due);
      if (first.itemsRead > 2 * due) flags.push(`${size}: the sweep read ${first.itemsRead} items for ${due} due certifications`);
      if (second.actions !== 0 || second.events !== 0)
        flags.push(`${size}: a second run of the same day acted again (${second.actions} actions)`);
      if (first.actions < due) flags.push(`${size}: ${first.actions} actions for ${due} due certifications`);
    }
    if (perDue.length > 1 && Math.max(...perDue) > 1.25 * Math.min(...perDue)) {
      flags.push(`requests per due certification vary with the total: ${perDue.map((p) => p.toFixed(1)).join(' vs ')}`);
    }
  } finally {
    stopCounting();
    await platform.stop();
  }

  return {
    title: 'Recertification sweep',
    method:
      'One daily run of the recertification sweep (functions/recertification/sweep.ts, invoked in-process by the local runtime against DynamoDB Local and the local EventBridge) over N certifications of which 1% are due that day: a third a notice, a third the renewal window (renewal recorded, no framework so no draft, plus the 180-day notice), a third an expiry (pathway read, transaction). The others expire from tomorrow to three years out with earlier steps recorded. Requests are counted per SDK command by a client middleware; *items read* sums the Query results; *window* is what an index keyed by expiry date would have had to read (expiry within 180 days). The last column is a second run for the same day (a double firing).',
    table: [
      '| certifications | due | window | seed (BatchWrite) | sweep | DynamoDB requests | per due | items read | actions | PutEvents | second run |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
    flags,
  };
}
