/**
 * The shared structured logger. Request bodies are never logged: they carry narratives,
 * evidence metadata and outcome counts that are personal or sensitive.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { config } from './config.ts';

/**
 * Powertools' Logger, plus keys that name the invocation being served (a request's
 * correlation id, a pipeline task's application) on every line it writes.
 *
 * Powertools' appendKeys/resetKeys do the same, but pay on every invocation whether or
 * not anything is logged: a deep merge, key bookkeeping and five environment reads, which
 * cost 20–80 µs a request in paired runs of GET /pathways/{id} through the local API (a
 * ~3.5 ms read). Here setting the keys is an assignment, and they are merged only into
 * lines that are written, ahead of the line's own fields as appendKeys puts them.
 *
 * Like Powertools' keys outside Lambda's multi-concurrency mode, these belong to the
 * process: Lambda serves one invocation at a time per instance.
 */
class PathcertLogger extends Logger {
  private invocationKeys: LogAttributes | undefined;

  /** Replaces the keys of the invocation before: an invocation sets them once at its start. */
  setInvocationKeys(keys: LogAttributes): void {
    this.invocationKeys = keys;
  }

  clearInvocationKeys(): void {
    this.invocationKeys = undefined;
  }

  protected override createAndPopulateLogItem(logLevel: number, input: LogItemMessage, extraInput: LogItemExtraInput) {
    const keys = this.invocationKeys;
    if (!keys) return super.createAndPopulateLogItem(logLevel, input, extraInput);
    // Powertools merges extra inputs one by one, whatever the mix (an Error becomes `error`);
    // its type lists only the mixes its public methods accept.
    return super.createAndPopulateLogItem(logLevel, input, [keys, ...extraInput] as unknown as LogItemExtraInput);
  }
}

export const logger = new PathcertLogger({
  serviceName: config.serviceName,
  logLevel: config.logLevel,
});
