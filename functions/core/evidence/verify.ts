/**
 * Verification of an uploaded object against its declaration, reading the object once as
 * a stream: SHA-256 computed incrementally, bytes counted, the first SNIFF_WINDOW bytes
 * copied aside for sniffing. Memory stays flat whatever the file size: nothing but the
 * window and the hash state outlives a chunk. It stops reading as soon as the answer is
 * known to be "no" (more bytes than declared, leading bytes of the wrong type), so a
 * 500 MB mislabeled upload costs one chunk, not 500 MB.
 *
 * Errors of the stream itself (a dropped connection) are thrown, not turned into a
 * failed verification: a transient read error must be retried, never quarantine a file.
 */
import { createHash } from 'node:crypto';
import { SNIFF_WINDOW, sniffContent, type SniffFailureReason } from './sniff.ts';

export interface DeclaredUpload {
  contentType: string;
  size: number;
  /** Lowercase or uppercase hex; compared case-insensitively. */
  sha256?: string;
}

export type VerifyFailureReason = 'size_mismatch' | 'sha256_mismatch' | SniffFailureReason;

export type VerifyResult =
  | { ok: true; sha256: string; size: number }
  | {
      ok: false;
      reason: VerifyFailureReason;
      /** For the uploader: what is wrong with the file, in plain words. */
      message: string;
      /** How far reading got before the verdict (the whole file only for late failures). */
      bytesRead: number;
    };

export interface VerifyOptions {
  /** How many leading bytes to sniff (default SNIFF_WINDOW). */
  sniffWindow?: number;
}

function fail(reason: VerifyFailureReason, message: string, bytesRead: number): VerifyResult {
  return { ok: false, reason, message, bytesRead };
}

export async function verifyUpload(
  stream: AsyncIterable<Uint8Array>,
  declared: DeclaredUpload,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const windowSize = options.sniffWindow ?? SNIFF_WINDOW;
  if (!Number.isSafeInteger(windowSize) || windowSize < 64) throw new RangeError('sniffWindow must be at least 64 bytes');
  const window = new Uint8Array(windowSize);
  let filled = 0;
  let sniffed = false;
  let count = 0;
  const hash = createHash('sha256');

  // Returning from inside for-await calls the iterator's return(), which destroys a Node
  // stream: an early verdict also stops the download.
  for await (const chunk of stream) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('verifyUpload expects a stream of bytes');
    if (count + chunk.length > declared.size) {
      return fail('size_mismatch', `The uploaded file is larger than the declared ${declared.size} bytes.`, count + chunk.length);
    }
    if (filled < window.length) {
      const take = Math.min(window.length - filled, chunk.length);
      window.set(chunk.subarray(0, take), filled);
      filled += take;
    }
    hash.update(chunk);
    count += chunk.length;
    // Sniff once bytes beyond the window exist, so a file exactly the window's size is
    // still sniffed as complete at the end.
    if (!sniffed && filled === window.length && count > filled) {
      sniffed = true;
      const sniff = sniffContent(declared.contentType, window, { complete: false });
      if (!sniff.ok) return fail(sniff.reason, sniff.message, count);
    }
  }

  if (count !== declared.size) {
    return fail('size_mismatch', `The uploaded file is ${count} bytes, but ${declared.size} bytes were declared.`, count);
  }
  if (!sniffed) {
    const sniff = sniffContent(declared.contentType, window.subarray(0, filled), { complete: true });
    if (!sniff.ok) return fail(sniff.reason, sniff.message, count);
  }
  const sha256 = hash.digest('hex');
  if (declared.sha256 !== undefined && declared.sha256.toLowerCase() !== sha256) {
    return fail(
      'sha256_mismatch',
      'The uploaded file differs from the declared one (its SHA-256 does not match); it may have been changed or damaged in transit.',
      count,
    );
  }
  return { ok: true, sha256, size: count };
}
