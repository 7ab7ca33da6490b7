/**
 * The shared structured logger: one JSON object a line on stdout (stderr for WARN and
 * above), which CloudWatch Logs stores as is and Logs Insights queries by field. Request
 * bodies are never logged: they carry narratives, evidence metadata and outcome counts that
 * are personal or sensitive.
 *
 * Written here rather than taken from Powertools' Logger, which the functions used until
 * 1.1: its module graph and instance cost each cold start ~2–3 ms of import (about a
 * quarter of what our own code adds to a function's SDK), for sampling, buffering and
 * child loggers nothing here uses. The lines keep Powertools' shape (level, message,
 * timestamp, service, xray_trace_id; errors as name, location, message, stack), so the
 * dashboards and queries read them unchanged.
 */
import { config } from './config.ts';

export const LOG_LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;
export type LogAttributes = Record<string, unknown>;

const isLevelName = (name: string | undefined): name is LogLevelName => name !== undefined && Object.hasOwn(LOG_LEVELS, name);

/** An Error as a log field (its cause too, however deep, once). */
function errorFields(error: Error, seen = new Set<Error>()): LogAttributes {
  seen.add(error);
  const location = /\(([^()]*?):(\d+?):(\d+?)\)\\?$/m.exec(error.stack ?? '');
  const cause = error.cause instanceof Error && !seen.has(error.cause) ? errorFields(error.cause, seen) : error.cause;
  return {
    name: error.name,
    location: location ? `${location[1]}:${location[2]}` : '',
    message: error.message,
    stack: error.stack,
    ...(cause !== undefined ? { cause } : {}),
  };
}

/** JSON.stringify's replacer: errors as fields, bigints as text, a repeated object once. */
function replacer(): (this: unknown, key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return function (_key, value) {
    if (value instanceof Error) return errorFields(value);
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return undefined;
      seen.add(value);
    }
    return value;
  };
}

/** The X-Ray trace id Lambda puts in the environment for the current invocation. */
function traceId(): string | undefined {
  return process.env._X_AMZN_TRACE_ID?.split(';')[0]?.replace('Root=', '') || undefined;
}

export class Logger {
  #level: number | undefined;
  #service: string | undefined;
  /** Keys naming the invocation being served (a request's correlation id, a task's application). */
  #invocationKeys: LogAttributes | undefined;

  /** The threshold in force: LOG_LEVEL, raised to Lambda's own log level (AWS_LAMBDA_LOG_LEVEL) when that is stricter. */
  get level(): number {
    if (this.#level === undefined) {
      const own = LOG_LEVELS[isLevelName(config.logLevel) ? config.logLevel : 'INFO'];
      // Lambda's advanced logging controls drop lines below their level anyway.
      const lambda = process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase();
      this.#level = isLevelName(lambda) ? Math.max(own, LOG_LEVELS[lambda]) : own;
    }
    return this.#level;
  }

  getLevelName(): LogLevelName {
    const level = this.level;
    return (Object.keys(LOG_LEVELS) as LogLevelName[]).find((name) => LOG_LEVELS[name] === level) ?? 'INFO';
  }

  setLogLevel(name: LogLevelName): void {
    this.#level = LOG_LEVELS[name];
  }

  /** Replaces the keys of the invocation before: an invocation sets them once at its start. */
  setInvocationKeys(keys: LogAttributes): void {
    this.#invocationKeys = keys;
  }

  clearInvocationKeys(): void {
    this.#invocationKeys = undefined;
  }

  debug(message: string, fields?: LogAttributes | Error): void {
    this.#write(LOG_LEVELS.DEBUG, 'DEBUG', message, fields);
  }

  info(message: string, fields?: LogAttributes | Error): void {
    this.#write(LOG_LEVELS.INFO, 'INFO', message, fields);
  }

  warn(message: string, fields?: LogAttributes | Error): void {
    this.#write(LOG_LEVELS.WARN, 'WARN', message, fields);
  }

  error(message: string, fields?: LogAttributes | Error): void {
    this.#write(LOG_LEVELS.ERROR, 'ERROR', message, fields);
  }

  #write(level: number, levelName: LogLevelName, message: string, fields: LogAttributes | Error | undefined): void {
    if (level < this.level) return;
    const line = {
      level: levelName,
      message,
      timestamp: new Date().toISOString(),
      service: (this.#service ??= config.serviceName),
      xray_trace_id: traceId(),
      // The invocation's keys come before the line's own fields, which win on a clash.
      ...this.#invocationKeys,
      ...(fields instanceof Error ? { error: fields } : fields),
    };
    // A field may not pass for the line's own (Powertools drops these keys too).
    line.level = levelName;
    line.message = message;
    const text = JSON.stringify(line, replacer()) + '\n';
    if (level >= LOG_LEVELS.WARN) process.stderr.write(text);
    else process.stdout.write(text);
  }
}

export const logger = new Logger();
