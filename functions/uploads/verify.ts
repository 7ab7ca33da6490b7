/**
 * The upload verifier: S3 notifies it of every object created under pending/ (in AWS a
 * bucket notification, locally the same S3 event from the local S3), and it decides the
 * version the object was declared for.
 *
 * For each record, in this order:
 *  1. A key with a `.` or `..` segment is logged and ignored, never deleted (the only
 *     delete is of the exact key notified, and such a key may resolve elsewhere).
 *     Otherwise the key must be one the API could have issued (core/evidence/object-keys.ts)
 *     and name a version that exists, of that pathway. Anything else under pending/ was
 *     never declared (a tampered form, another pathway's prefix): it is deleted, nothing
 *     else changes.
 *  2. A version already decided (a duplicate or late notification, or a second POST with
 *     a still-valid form) changes nothing; the object is deleted.
 *  3. An object S3 created after the upload form expired is refused (S3 enforces the
 *     form's expiry itself; the local S3 does not, so this is the check both share).
 *  4. The bytes are streamed once through core's verifyUpload (size, leading bytes, SHA-256)
 *     and a CRC-32 (for the ZIP export); memory stays flat in the file size.
 *  5. Storage first, then the decision: the object is copied to evidence/ (or resources/)
 *     when it passes, to quarantine/ when it fails, then the version's state changes with a
 *     condition on `declared`, then the pending object is deleted. A crash anywhere
 *     leaves the pending object for the retried notification, which redoes the same work.
 *
 * Errors reading or writing (a dropped connection, throttling) are thrown, so Lambda's
 * asynchronous retry runs the record again; they never quarantine a file.
 */
import { crc32 } from 'node:zlib';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { verificationEvent, type VersionEvent } from '#core/evidence/library.ts';
import { eventObjectKey, parseObjectKey } from '#core/evidence/object-keys.ts';
import { verifyUpload } from '#core/evidence/verify.ts';
import { nowIso } from '#lib/clock.ts';
import { logger } from '#lib/logger.ts';
import { applyEvent, getVersion, objectKeys, refreshCurrent, systemActor, type Owner, type StoredVersion } from '#store/evidence.ts';
import { copyObject, deleteObject, getObjectStream, isNotFound } from '#store/evidence-objects.ts';
import { notify } from '#store/messages.ts';

/** Uploads that start before the form expires may finish after it; S3 checks the form when the request starts. */
export const UPLOAD_GRACE_MS = 15 * 60 * 1000;

export type RecordOutcome =
  | { outcome: 'available' | 'quarantined'; key: string; version: number }
  | {
      outcome: 'ignored';
      key: string;
      reason: 'not_an_upload_key' | 'undeclared' | 'already_decided' | 'object_gone' | 'bad_event' | 'dot_segment';
    };

async function* withCrc(source: AsyncIterable<Uint8Array>, into: { crc: number }): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    into.crc = crc32(chunk, into.crc);
    yield chunk;
  }
}

function ownerFromKey(key: string): { owner: Owner; version: number } | undefined {
  const parts = parseObjectKey(key);
  if (parts?.kind === 'pending')
    return { owner: { kind: 'evidence', evidenceId: parts.evidenceId, pathwayId: parts.pathwayId }, version: parts.version };
  if (parts?.kind === 'pending-resource') return { owner: { kind: 'resource', resourceId: parts.resourceId }, version: parts.version };
  return undefined;
}

/** The version the key names, if it was declared for exactly that key. */
async function declaredFor(owner: Owner, version: number): Promise<StoredVersion | undefined> {
  const v = await getVersion(owner, version, true);
  if (!v) return undefined;
  if (owner.kind === 'evidence' && (v.owner !== 'evidence' || v.pathwayId !== owner.pathwayId)) return undefined;
  if (owner.kind === 'resource' && v.owner !== 'resource') return undefined;
  return v;
}

export async function handleRecord(record: S3EventRecord): Promise<RecordOutcome> {
  const notified = eventObjectKey(record.s3?.object?.key);
  if (notified.refused === 'bad_event') return { outcome: 'ignored', key: String(record.s3?.object?.key), reason: 'bad_event' };
  if (notified.refused === 'dot_segment') {
    // Not deleted (see eventObjectKey); S3 itself keeps such a key literal.
    logger.warn('object key with a . or .. segment; ignoring it', { key: notified.key });
    return { outcome: 'ignored', key: notified.key, reason: 'dot_segment' };
  }
  const { key } = notified;
  const named = ownerFromKey(key);
  if (!named) {
    logger.warn('object under pending/ that no upload form names; deleting it', { key });
    if (key.startsWith('pending/')) await deleteObject(key);
    return { outcome: 'ignored', key, reason: 'not_an_upload_key' };
  }
  const { owner, version } = named;
  const before = await declaredFor(owner, version);
  if (!before) {
    logger.warn('object for a version that was never declared; deleting it', { key });
    await deleteObject(key);
    return { outcome: 'ignored', key, reason: 'undeclared' };
  }
  if (before.state !== 'declared') {
    // Repairs a crash between the decision and the item's summary; otherwise a no-op.
    await refreshCurrent(owner, before);
    await deleteObject(key);
    return { outcome: 'ignored', key, reason: 'already_decided' };
  }

  const at = nowIso();
  const keysOf = objectKeys(owner, version);
  let event: VersionEvent;
  let sourceVersionId: string | undefined;
  const crc = { crc: 0 };
  const createdAt = Date.parse(record.eventTime);
  if (Number.isFinite(createdAt) && createdAt > Date.parse(before.uploadExpiresAt) + UPLOAD_GRACE_MS) {
    event = {
      type: 'rejected',
      reason: 'upload_expired',
      message: 'The file arrived after its upload form had expired; upload it again with a new form.',
      at,
    };
  } else {
    let object;
    try {
      object = await getObjectStream(key);
    } catch (error) {
      // Gone already: a concurrent notification decided it. Nothing to do.
      if (isNotFound(error)) return { outcome: 'ignored', key, reason: 'object_gone' };
      throw error;
    }
    sourceVersionId = object.versionId;
    const result = await verifyUpload(withCrc(object.body, crc), {
      contentType: before.contentType,
      size: before.size,
      ...(before.declaredSha256 ? { sha256: before.declaredSha256 } : {}),
    });
    event = verificationEvent(result, at);
  }

  const ok = event.type === 'verified';
  let copied: { versionId?: string };
  try {
    copied = await copyObject(key, ok ? keysOf.readable : keysOf.quarantine, sourceVersionId);
  } catch (error) {
    // A concurrent delivery of the same notification decided it and deleted the upload.
    if (isNotFound(error)) return { outcome: 'ignored', key, reason: 'object_gone' };
    throw error;
  }
  if (event.type === 'verified' && copied.versionId) event = { ...event, objectVersionId: copied.versionId };
  const outcome = await applyEvent(owner, before, event, systemActor, { crc32: crc.crc >>> 0 });
  await deleteObject(key);
  if (!outcome.applied) return { outcome: 'ignored', key, reason: 'already_decided' };
  if (event.type === 'rejected') {
    logger.info('upload quarantined', { key, reason: event.reason });
    await tellUploader(owner, before, event);
  }
  return { outcome: ok ? 'available' : 'quarantined', key, version };
}

/**
 * The uploader learns why their file was refused in their inbox, not only when they next open
 * the item. Written after the decision was applied, so a replayed notification (which finds
 * the version decided) does not tell them twice.
 */
async function tellUploader(owner: Owner, version: StoredVersion, event: Extract<VersionEvent, { type: 'rejected' }>): Promise<void> {
  if (!version.declaredBy || version.declaredBy === systemActor.sub) return;
  await notify([version.declaredBy], {
    kind: 'evidence.rejected',
    title: `"${version.fileName}" was not accepted`,
    body: `${event.message} The file is kept aside and only staff can open it.`,
    link: owner.kind === 'evidence' ? `/pathways/${owner.pathwayId}/evidence/${owner.evidenceId}` : `/resources/${owner.resourceId}`,
  });
}

export const handler = async (event: S3Event): Promise<{ results: RecordOutcome[] }> => {
  const results: RecordOutcome[] = [];
  // One record at a time: a notification carries one record in practice, and sequential
  // handling keeps memory to one stream.
  for (const record of event.Records ?? []) results.push(await handleRecord(record));
  return { results };
};
