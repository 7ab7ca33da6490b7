import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { verifyUpload } from '#core/evidence/verify.ts';
import { SNIFF_WINDOW } from '#core/evidence/sniff.ts';
import * as b from './bytes.ts';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A forced full GC, so memory samples show what is retained, not garbage awaiting collection. */
function exposedGc(): () => void {
  const exposed = globalThis.gc;
  if (typeof exposed === 'function') return () => void exposed();
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
const gc = exposedGc();

interface SourceStats {
  produced: number;
  closed: boolean;
}

/**
 * `size` bytes: `header`, then a fixed pattern, as fresh 64 KiB chunks (a consumer that
 * kept chunks would keep them all). `probe` runs after every MiB.
 */
async function* generated(size: number, header: Uint8Array, stats?: SourceStats, probe?: () => void): AsyncGenerator<Uint8Array> {
  const template = b.filler(CHUNK, 3);
  let sent = 0;
  try {
    while (sent < size) {
      const n = Math.min(CHUNK, size - sent);
      const chunk = template.slice(0, n);
      if (sent === 0) chunk.set(header.subarray(0, n));
      if (stats) stats.produced++;
      yield chunk;
      sent += n;
      if (probe && sent % MiB === 0) probe();
    }
  } finally {
    if (stats) stats.closed = true;
  }
}

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function sha256Of(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

function retained(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Runs `work` and returns the largest growth of retained memory seen at its probes.
 * V8 frees array buffers on a background thread after a GC, so a sample can still count
 * garbage from since the previous probe: probes are frequent (every MiB) to keep that
 * small, and the baseline is the lowest of a few samples taken across macrotasks.
 */
async function peakGrowth<T>(work: (probe: () => void) => Promise<T>): Promise<{ result: T; peak: number }> {
  let base = Infinity;
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    base = Math.min(base, retained());
  }
  let peak = 0;
  const probe = () => {
    peak = Math.max(peak, retained() - base);
  };
  const result = await work(probe);
  probe();
  return { result, peak };
}

describe('verifyUpload', () => {
  it('verifies a 60 MB upload with memory flat in the file size (and the measure would see buffering)', async () => {
    const size = 60 * MiB;
    const header = b.mp4('mp42');
    const expected = await sha256Of(generated(size, header));

    const streamed = await peakGrowth((probe) =>
      verifyUpload(generated(size, header, undefined, probe), { contentType: 'video/mp4', size, sha256: expected }),
    );
    expect(streamed.result).toEqual({ ok: true, sha256: expected, size });
    expect(streamed.peak).toBeLessThan(16 * MiB);

    // The same measure on a consumer that keeps what it reads: proof the probe can fail.
    const buffered = await peakGrowth(async (probe) => {
      const kept: Uint8Array[] = [];
      for await (const chunk of generated(size, header, undefined, probe)) kept.push(chunk);
      return kept.length;
    });
    expect(buffered.peak).toBeGreaterThan(40 * MiB);
  });

  it('stops reading as soon as the file is larger than declared', async () => {
    const stats: SourceStats = { produced: 0, closed: false };
    const result = await verifyUpload(generated(60 * MiB, b.pdf(), stats), { contentType: 'application/pdf', size: MiB });
    expect(result).toMatchObject({ ok: false, reason: 'size_mismatch', bytesRead: MiB + CHUNK });
    expect(stats.produced).toBe(MiB / CHUNK + 1);
    expect(stats.closed).toBe(true);
  });

  it('stops reading at the first chunk when the leading bytes are wrong, and destroys a Node stream', async () => {
    const stats: SourceStats = { produced: 0, closed: false };
    const readable = Readable.from(generated(60 * MiB, b.windowsExe(), stats), { objectMode: false });
    const result = await verifyUpload(readable, { contentType: 'video/mp4', size: 60 * MiB });
    expect(result).toMatchObject({ ok: false, reason: 'executable', message: expect.stringContaining('Windows program') });
    expect(stats.produced).toBeLessThanOrEqual(2);
    expect(readable.destroyed).toBe(true);
  });

  it('computes the SHA-256 and checks a declared one, in any case', async () => {
    const file = b.pdf();
    const hash = sha256(file);
    expect(await verifyUpload(chunksOf(file, 7), { contentType: 'application/pdf', size: file.length })).toEqual({
      ok: true,
      sha256: hash,
      size: file.length,
    });
    expect(
      await verifyUpload(chunksOf(file, 1), { contentType: 'application/pdf', size: file.length, sha256: hash.toUpperCase() }),
    ).toMatchObject({ ok: true });
    expect(
      await verifyUpload(chunksOf(file, 64), { contentType: 'application/pdf', size: file.length, sha256: 'f'.repeat(64) }),
    ).toMatchObject({ ok: false, reason: 'sha256_mismatch', bytesRead: file.length });
  });

  it('refuses a file smaller than declared, or empty', async () => {
    const file = b.png();
    expect(await verifyUpload(chunksOf(file, 16), { contentType: 'image/png', size: file.length + 1 })).toMatchObject({
      ok: false,
      reason: 'size_mismatch',
      message: `The uploaded file is ${file.length} bytes, but ${file.length + 1} bytes were declared.`,
    });
    expect(await verifyUpload(chunksOf(new Uint8Array(0), 1), { contentType: 'text/plain', size: 5 })).toMatchObject({
      ok: false,
      reason: 'size_mismatch',
    });
  });

  it('refuses a mislabeled file whose leading bytes arrive over many small chunks', async () => {
    const file = b.concat(b.docx(), b.filler(SNIFF_WINDOW * 2));
    expect(await verifyUpload(chunksOf(file, 3), { contentType: 'application/pdf', size: file.length })).toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
    const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    expect(await verifyUpload(chunksOf(file, 3), { contentType: docx, size: file.length })).toMatchObject({ ok: true });
  });

  it('sniffs a file exactly the size of the window as a whole file', async () => {
    // Text ending in the first byte of a two-byte character: invalid at the end of the file.
    const cut = b.concat('x'.repeat(SNIFF_WINDOW - 1), [0xc3]);
    expect(await verifyUpload(chunksOf(cut, 1000), { contentType: 'text/plain', size: SNIFF_WINDOW })).toMatchObject({
      ok: false,
      reason: 'not_text',
    });
    // The same bytes followed by the rest of the character: fine.
    const whole = b.concat(cut, [0xa9]);
    expect(await verifyUpload(chunksOf(whole, 1000), { contentType: 'text/plain', size: SNIFF_WINDOW + 1 })).toMatchObject({ ok: true });
  });

  it('throws read errors instead of failing the file (a dropped connection must be retried)', async () => {
    async function* broken() {
      yield b.pdf();
      throw new Error('socket hang up');
    }
    await expect(verifyUpload(broken(), { contentType: 'application/pdf', size: 10_000 })).rejects.toThrow('socket hang up');
    async function* strings() {
      yield 'text' as unknown as Uint8Array;
    }
    await expect(verifyUpload(strings(), { contentType: 'text/plain', size: 4 })).rejects.toThrow(TypeError);
  });
});
