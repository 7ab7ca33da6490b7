/**
 * The bundles' stand-ins for node:stream/web and node:stream/promises (infra/bundling.ts
 * aliases): they behave as the real modules where middy uses them.
 */
import { Readable, Writable } from 'node:stream';
import { ReadableStream as RealReadableStream } from 'node:stream/web';
import { describe, expect, it } from 'vitest';
import { ReadableStream } from '#lib/stream-web-on-use.ts';
import { pipeline } from '#lib/stream-promises-on-use.ts';

describe('stream modules loaded on use', () => {
  it('ReadableStream answers instanceof as the real class does', () => {
    expect(new RealReadableStream() instanceof (ReadableStream as unknown as typeof RealReadableStream)).toBe(true);
    expect({} instanceof (ReadableStream as unknown as typeof RealReadableStream)).toBe(false);
    expect(Readable.from(['x']) instanceof (ReadableStream as unknown as typeof RealReadableStream)).toBe(false);
  });

  it('pipeline pipes and resolves as the real one does', async () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    await pipeline(Readable.from(['a', 'b']), sink);
    expect(chunks.join('')).toBe('ab');
  });
});
