/**
 * The streaming ZIP writer, read back by an independent reader (test/support/zip-reader.ts)
 * and, where installed, by Info-ZIP's `unzip -t`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { dosDateTime, zipStream, ZipContentMismatch, zipInternals, type ZipEntry } from '#uploads/zip.ts';
import { readZip } from '../../support/zip-reader.ts';

async function collect(entries: ZipEntry[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of zipStream(entries)) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

function chunked(data: Buffer, size = 7): () => AsyncIterable<Uint8Array> {
  return async function* () {
    for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
  };
}

const when = new Date('2025-05-06T07:08:10Z');

function hasUnzip(): boolean {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('zipStream', () => {
  const a = Buffer.from('first file\n'.repeat(50));
  const b = Buffer.from([0, 1, 2, 3, 255, 254]);
  const c = Buffer.from('Étude – évaluation.txt contents');

  it('writes entries a reader extracts byte for byte, with UTF-8 names and known CRCs in the local headers', async () => {
    const zip = await collect([
      { name: 'files/a.txt', size: a.length, crc32: crc32(a), modified: when, content: chunked(a) },
      { name: 'files/b.bin', size: b.length, crc32: crc32(b), modified: when, content: () => [b] },
      { name: 'files/Étude – évaluation.txt', size: c.length, crc32: crc32(c), modified: when, content: chunked(c, 3) },
    ]);
    const { entries, zip64 } = readZip(zip);
    expect(zip64).toBe(false);
    expect(entries.map((e) => e.name)).toEqual(['files/a.txt', 'files/b.bin', 'files/Étude – évaluation.txt']);
    expect(entries.map((e) => e.data)).toEqual([a, b, c]);
    for (const e of entries) {
      expect(e.localHeaderComplete).toBe(true);
      expect(e.flags & 0x800).toBe(0x800);
      expect(e.externalAttributes >>> 16).toBe(0o100644);
    }
    if (hasUnzip()) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'zip-test-'));
      try {
        writeFileSync(path.join(dir, 'x.zip'), zip);
        expect(execFileSync('unzip', ['-t', path.join(dir, 'x.zip')], { encoding: 'utf8' })).toMatch(/No errors detected/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('without a known CRC, computes it and writes a data descriptor', async () => {
    const zip = await collect([{ name: 'x.bin', size: a.length, modified: when, content: chunked(a) }]);
    const [entry] = readZip(zip).entries;
    expect(entry!.localHeaderComplete).toBe(false);
    expect(entry!.crc).toBe(crc32(a) >>> 0);
    expect(entry!.data.equals(a)).toBe(true);
  });

  it('an empty archive is just the end record', async () => {
    const zip = await collect([]);
    expect(zip.length).toBe(22);
    expect(readZip(zip).entries).toEqual([]);
  });

  it('refuses content that differs from what was verified: CRC, longer, shorter', async () => {
    await expect(collect([{ name: 'x', size: a.length, crc32: crc32(b), modified: when, content: chunked(a) }])).rejects.toThrow(
      ZipContentMismatch,
    );
    await expect(collect([{ name: 'x', size: a.length - 1, crc32: crc32(a), modified: when, content: chunked(a) }])).rejects.toThrow(
      /more than/,
    );
    await expect(collect([{ name: 'x', size: a.length + 1, crc32: crc32(a), modified: when, content: chunked(a) }])).rejects.toThrow(
      /expected/,
    );
  });

  it('pulls each entry\u2019s content only when its turn comes', async () => {
    const opened: string[] = [];
    const entry = (name: string): ZipEntry => ({
      name,
      size: 1,
      crc32: crc32(Buffer.from('x')),
      modified: when,
      content: () => {
        opened.push(name);
        return [Buffer.from('x')];
      },
    });
    const gen = zipStream([entry('one'), entry('two')]);
    await gen.next(); // header of one
    expect(opened).toEqual([]);
    await gen.next(); // content of one
    expect(opened).toEqual(['one']);
  });

  it('writes ZIP64 records past 4 GiB or 65,535 entries, and only then', () => {
    const { centralHeader, endRecords } = zipInternals;
    const small = endRecords(3, 1000, 200);
    expect(small.length).toBe(22);
    const big = Buffer.from(endRecords(70_000, 5_000_000_000, 3_000_000));
    expect(big.length).toBe(56 + 20 + 22);
    expect(big.readUInt32LE(0)).toBe(0x06064b50);
    expect(big.readBigUInt64LE(24)).toBe(70_000n);
    expect(big.readBigUInt64LE(48)).toBe(5_000_000_000n);
    expect(big.readUInt32LE(56)).toBe(0x07064b50);
    expect(big.readBigUInt64LE(64)).toBe(5_003_000_000n);
    const eocd = big.subarray(76);
    expect(eocd.readUInt16LE(10)).toBe(0xffff);
    expect(eocd.readUInt32LE(16)).toBe(0xffffffff);

    const far = Buffer.from(
      centralHeader({ name: Buffer.from('v.mp4'), flags: 0x800, crc: 1, size: 10, offset: 6_000_000_000, time: 0, date: 0 }),
    );
    expect(far.readUInt32LE(42)).toBe(0xffffffff);
    expect(far.readUInt16LE(6)).toBe(45);
    expect(far.readUInt16LE(46 + 5)).toBe(0x0001);
    expect(far.readBigUInt64LE(46 + 5 + 4)).toBe(6_000_000_000n);
    const near = Buffer.from(centralHeader({ name: Buffer.from('v.mp4'), flags: 0x800, crc: 1, size: 10, offset: 100, time: 0, date: 0 }));
    expect(near.length).toBe(46 + 5);
  });

  it('stores times as MS-DOS date and time in UTC', () => {
    expect(dosDateTime(when)).toEqual({ date: ((2025 - 1980) << 9) | (5 << 5) | 6, time: (7 << 11) | (8 << 5) | 5 });
  });
});
