/**
 * PutEvents as EventBridge answers it: each entry is checked on its own (a bad entry gets
 * an ErrorCode, the others still go through), accepted entries become the event envelope
 * rules and targets see.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEnvelope } from '#core/events.ts';
import { EventsError, type JsonObject } from './protocol.ts';

export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

export type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface AcceptedEntry {
  busName: string;
  envelope: EventBridgeEnvelope<string, Record<string, unknown>>;
}

export interface EntryScope {
  region: string;
  accountId: string;
  clock: () => Date;
  /** `aws.*` sources accepted, on the default bus only (the local stand-ins of AWS services). */
  serviceSources?: ReadonlySet<string>;
}

/** Whole-request checks: the list itself and the summed size. */
export function readEntries(body: JsonObject): unknown[] {
  const entries = body.Entries;
  if (entries === undefined || entries === null) {
    throw new EventsError(
      'ValidationException',
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!Array.isArray(entries)) throw new EventsError('SerializationException', 'Entries must be a list');
  if (entries.length < 1 || entries.length > MAX_ENTRIES) {
    throw new EventsError(
      'ValidationException',
      `1 validation error detected: Value '${JSON.stringify(entries).slice(0, 200)}' at 'entries' failed to satisfy constraint: Member must have length ${entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`}`,
    );
  }
  const total = entries.reduce<number>((sum, e) => sum + entrySize(e), 0);
  if (total > MAX_REQUEST_BYTES)
    throw new EventsError('ValidationException', 'Total size of the entries in the request is over the limit.');
  return entries;
}

function entrySize(entry: unknown): number {
  if (typeof entry !== 'object' || entry === null) return 0;
  const e = entry as Record<string, unknown>;
  let size = e.Time !== undefined && e.Time !== null ? 14 : 0;
  for (const key of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof e[key] === 'string') size += Buffer.byteLength(e[key], 'utf8');
  }
  if (Array.isArray(e.Resources)) for (const r of e.Resources) if (typeof r === 'string') size += Buffer.byteLength(r, 'utf8');
  return size;
}

const invalidArgument = (param: string, reason: string): EntryResult => ({
  ErrorCode: 'InvalidArgument',
  ErrorMessage: `Parameter ${param} is not valid. Reason: ${reason}`,
});

/** Validates one entry; the accepted event or the per-entry error EventBridge would answer. */
export function readEntry(raw: unknown, scope: EntryScope): { accepted: AcceptedEntry } | { error: EntryResult } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { error: invalidArgument('Entry', 'Entry must be an object.') };
  }
  const e = raw as Record<string, unknown>;
  const text = (key: string) => (typeof e[key] === 'string' && e[key] !== '' ? e[key] : undefined);
  const source = text('Source');
  if (!source) return { error: invalidArgument('Source', 'Source is a required argument.') };
  const detailType = text('DetailType');
  if (!detailType) return { error: invalidArgument('DetailType', 'DetailType is a required argument.') };
  const detailText = text('Detail');
  if (!detailText) return { error: invalidArgument('Detail', 'Detail is a required argument.') };
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch {
    detail = undefined;
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { error: { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } };
  }
  const busName = busNameOf(text('EventBusName') ?? 'default');
  if (source.startsWith('aws.') && !(scope.serviceSources?.has(source) && busName === 'default')) {
    return { error: { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' } };
  }
  const resources = e.Resources ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) {
    return { error: invalidArgument('Resources', 'Resources must be a list of strings.') };
  }
  const time = readTime(e.Time) ?? scope.clock();
  return {
    accepted: {
      busName,
      envelope: {
        version: '0',
        id: randomUUID(),
        'detail-type': detailType,
        source,
        account: scope.accountId,
        time: isoSeconds(time),
        region: scope.region,
        resources: resources,
        detail: detail as Record<string, unknown>,
      },
    },
  };
}

/** The SDK sends epoch seconds; the CLI may send ISO strings. Unreadable → now, as EventBridge does. */
function readTime(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  return undefined;
}

/** A bus is named by name or by ARN (`arn:aws:events:<region>:<account>:event-bus/<name>`). */
export function busNameOf(nameOrArn: string): string {
  const arn = /^arn:aws[\w-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return arn?.[1] ?? nameOrArn;
}

/** EventBridge's event time format: seconds precision, `Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
