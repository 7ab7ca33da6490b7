/**
 * The local stand-in for EventBridge Scheduler: checks the schedules of events/schedules.ts
 * against a clock (the dev clock by default) every `tickMs`, and fires a schedule when the
 * clock has passed one of its slots since the previous check.
 *
 * When the dev clock jumps forward over several slots (advance 5 days → five 07:00 slots),
 * the schedule fires once, for the latest slot: Scheduler never replays missed runs, and
 * pathcert's scheduled jobs work from "today", catching up on whatever is due. When the
 * clock moves backwards nothing fires; moving forward again fires the slots it passes
 * again (replaying days is what a person moving the dev clock back and forth wants, and
 * the jobs are idempotent per day).
 *
 * With a state file the time of the last check survives a restart, so a slot passed while
 * the runtime was stopped fires once at start, as it would have in AWS.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScheduleSpec } from '#events/schedules.ts';
import { nextOccurrence, parseScheduleExpression, previousOccurrence, type ParsedSchedule } from './cron.ts';

export interface SchedulerOptions {
  schedules: readonly ScheduleSpec[];
  clock: () => Date;
  /** How often the clock is checked; 0 = never by itself (only `tick()`). */
  tickMs: number;
  stateFile?: string;
  fire(schedule: ScheduleSpec, scheduledTime: Date): void;
  log: (line: string) => void;
}

interface ScheduleState {
  spec: ScheduleSpec;
  parsed: ParsedSchedule;
  /** Clock time of the previous check: slots after it and up to now are due. */
  checkedAt: number;
  /** Where a rate schedule counts from. */
  anchor: number;
}

type StateFile = Record<string, { checkedAt: string; anchor: string }>;

export class LocalScheduler {
  private readonly states = new Map<string, ScheduleState>();
  private timer: NodeJS.Timeout | undefined;
  private savedAt = 0;

  constructor(private readonly options: SchedulerOptions) {
    const saved = options.stateFile ? readState(options.stateFile) : {};
    const startedAt = options.clock().getTime();
    for (const spec of options.schedules) {
      if (this.states.has(spec.name)) throw new Error(`Schedule ${spec.name} is listed twice`);
      const entry = saved[spec.name];
      const checkedAt = entry ? Date.parse(entry.checkedAt) : NaN;
      const anchor = entry ? Date.parse(entry.anchor) : NaN;
      this.states.set(spec.name, {
        spec,
        parsed: parseScheduleExpression(spec.expression),
        checkedAt: Number.isFinite(checkedAt) ? checkedAt : startedAt,
        anchor: Number.isFinite(anchor) ? anchor : startedAt,
      });
    }
  }

  start(): void {
    if (this.options.tickMs > 0 && this.states.size > 0 && !this.timer) {
      this.timer = setInterval(() => this.tick(), this.options.tickMs);
      this.timer.unref();
    }
    this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.save();
  }

  has(name: string): boolean {
    return this.states.has(name);
  }

  spec(name: string): ScheduleSpec | undefined {
    return this.states.get(name)?.spec;
  }

  /** Checks every schedule against the clock now (what the timer does every tickMs). */
  tick(): void {
    const now = this.options.clock();
    const nowMs = now.getTime();
    let fired = false;
    for (const state of this.states.values()) {
      if (nowMs > state.checkedAt) {
        const slot = previousOccurrence(state.parsed, now, new Date(state.checkedAt), new Date(state.anchor));
        if (slot) {
          fired = true;
          this.options.fire(state.spec, slot);
        }
      }
      state.checkedAt = nowMs;
    }
    // A lost minute of checks only risks re-firing a slot after a crash; fires are saved at once.
    if (fired || Date.now() - this.savedAt > 60_000) this.save();
  }

  /** The next slot of each schedule after the clock's now (for logs and the local API). */
  nextRuns(): { name: string; next: string | undefined }[] {
    const now = this.options.clock();
    return [...this.states.values()].map((s) => ({
      name: s.spec.name,
      next: nextOccurrence(s.parsed, now, new Date(s.anchor)).toISOString(),
    }));
  }

  private save(): void {
    const file = this.options.stateFile;
    if (!file) return;
    this.savedAt = Date.now();
    const out: StateFile = {};
    for (const [name, s] of this.states) {
      out[name] = { checkedAt: new Date(s.checkedAt).toISOString(), anchor: new Date(s.anchor).toISOString() };
    }
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    } catch (error) {
      this.options.log(`eventbridge: could not save scheduler state to ${file}: ${(error as Error).message}`);
    }
  }
}

function readState(file: string): StateFile {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as StateFile) : {};
  } catch {
    return {};
  }
}
