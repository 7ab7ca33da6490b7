/**
 * A streaming ZIP writer (PKWARE APPNOTE 6.3.x): entries go out one after another as
 * their bytes arrive, and only the central directory (a few dozen bytes per entry) is
 * kept until the end, so memory does not grow with the files' sizes.
 *
 * Decisions:
 * - Entries are STORED (method 0), not deflated: evidence is mostly PDF, Office, images
 *   and video, which are compressed already; deflating them again costs CPU for nothing.
 * - An entry whose CRC-32 is known up front (the verifier records one for every version)
 *   gets a complete local header, so streaming readers that never look at the central
 *   directory read it too. Without a CRC, bit 3 is set and a data descriptor follows.
 * - The CRC and size are checked while streaming: an object that changed since it was
 *   verified fails the archive instead of ending up in it silently.
 * - ZIP64 records are written when the archive outgrows 4 GiB or 65,535 entries (video
 *   evidence of a whole application can), and only then.
 * - Names are UTF-8 (flag bit 11).
 */
import { crc32 } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, `/`-separated, no leading slash. */
  name: string;
  size: number;
  /** Known CRC-32 of the content; omitted: computed, and a data descriptor is written. */
  crc32?: number;
  modified: Date;
  content: () => Promise<AsyncIterable<Uint8Array> | Iterable<Uint8Array>> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

export class ZipContentMismatch extends Error {
  constructor(name: string, what: string) {
    super(`${name}: ${what}`);
    this.name = 'ZipContentMismatch';
  }
}

const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
const UTF8_FLAG = 0x0800;
const DESCRIPTOR_FLAG = 0x0008;
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
/** Made by UNIX (3), spec version 4.5: external attributes are Unix modes. */
const MADE_BY = (3 << 8) | VERSION_ZIP64;
const REGULAR_FILE_MODE = 0o100644;

interface Written {
  name: Uint8Array;
  flags: number;
  crc: number;
  size: number;
  offset: number;
  time: number;
  date: number;
}

/** MS-DOS date and time (local fields, 2-second resolution), taken in UTC so archives do not depend on the machine. */
export function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
  };
}

function localHeader(e: Written, zip64Sizes: boolean): Uint8Array {
  const extra = zip64Sizes ? 20 : 0;
  const buf = Buffer.alloc(30 + e.name.length + extra);
  const known = !(e.flags & DESCRIPTOR_FLAG);
  buf.writeUInt32LE(0x04034b50, 0);
  buf.writeUInt16LE(zip64Sizes ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
  buf.writeUInt16LE(e.flags, 6);
  buf.writeUInt16LE(0, 8);
  buf.writeUInt16LE(e.time, 10);
  buf.writeUInt16LE(e.date, 12);
  buf.writeUInt32LE(known ? e.crc : 0, 14);
  buf.writeUInt32LE(known ? (zip64Sizes ? U32_MAX : e.size) : 0, 18);
  buf.writeUInt32LE(known ? (zip64Sizes ? U32_MAX : e.size) : 0, 22);
  buf.writeUInt16LE(e.name.length, 26);
  buf.writeUInt16LE(extra, 28);
  buf.set(e.name, 30);
  if (zip64Sizes) {
    const at = 30 + e.name.length;
    buf.writeUInt16LE(0x0001, at);
    buf.writeUInt16LE(16, at + 2);
    buf.writeBigUInt64LE(BigInt(known ? e.size : 0), at + 4);
    buf.writeBigUInt64LE(BigInt(known ? e.size : 0), at + 12);
  }
  return buf;
}

function dataDescriptor(e: Written, zip64: boolean): Uint8Array {
  const buf = Buffer.alloc(zip64 ? 24 : 16);
  buf.writeUInt32LE(0x08074b50, 0);
  buf.writeUInt32LE(e.crc, 4);
  if (zip64) {
    buf.writeBigUInt64LE(BigInt(e.size), 8);
    buf.writeBigUInt64LE(BigInt(e.size), 16);
  } else {
    buf.writeUInt32LE(e.size, 8);
    buf.writeUInt32LE(e.size, 12);
  }
  return buf;
}

function centralHeader(e: Written): Uint8Array {
  const bigSize = e.size >= U32_MAX;
  const bigOffset = e.offset >= U32_MAX;
  const extraLength = bigSize || bigOffset ? 4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0) : 0;
  const buf = Buffer.alloc(46 + e.name.length + extraLength);
  buf.writeUInt32LE(0x02014b50, 0);
  buf.writeUInt16LE(MADE_BY, 4);
  buf.writeUInt16LE(extraLength ? VERSION_ZIP64 : VERSION_DEFAULT, 6);
  buf.writeUInt16LE(e.flags, 8);
  buf.writeUInt16LE(0, 10);
  buf.writeUInt16LE(e.time, 12);
  buf.writeUInt16LE(e.date, 14);
  buf.writeUInt32LE(e.crc, 16);
  buf.writeUInt32LE(bigSize ? U32_MAX : e.size, 20);
  buf.writeUInt32LE(bigSize ? U32_MAX : e.size, 24);
  buf.writeUInt16LE(e.name.length, 28);
  buf.writeUInt16LE(extraLength, 30);
  buf.writeUInt16LE(0, 32); // comment
  buf.writeUInt16LE(0, 34); // disk
  buf.writeUInt16LE(0, 36); // internal attributes
  buf.writeUInt32LE((REGULAR_FILE_MODE << 16) >>> 0, 38);
  buf.writeUInt32LE(bigOffset ? U32_MAX : e.offset, 42);
  buf.set(e.name, 46);
  if (extraLength) {
    let at = 46 + e.name.length;
    buf.writeUInt16LE(0x0001, at);
    buf.writeUInt16LE(extraLength - 4, at + 2);
    at += 4;
    if (bigSize) {
      buf.writeBigUInt64LE(BigInt(e.size), at);
      buf.writeBigUInt64LE(BigInt(e.size), at + 8);
      at += 16;
    }
    if (bigOffset) buf.writeBigUInt64LE(BigInt(e.offset), at);
  }
  return buf;
}

function endRecords(count: number, cdOffset: number, cdSize: number): Uint8Array {
  const zip64 = count >= U16_MAX || cdOffset >= U32_MAX || cdSize >= U32_MAX;
  const parts: Buffer[] = [];
  if (zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(MADE_BY, 12);
    rec.writeUInt16LE(VERSION_ZIP64, 14);
    rec.writeUInt32LE(0, 16);
    rec.writeUInt32LE(0, 20);
    rec.writeBigUInt64LE(BigInt(count), 24);
    rec.writeBigUInt64LE(BigInt(count), 32);
    rec.writeBigUInt64LE(BigInt(cdSize), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeUInt32LE(0, 4);
    locator.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
    locator.writeUInt32LE(1, 16);
    parts.push(rec, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(0, 4);
  eocd.writeUInt16LE(0, 6);
  eocd.writeUInt16LE(Math.min(count, U16_MAX), 8);
  eocd.writeUInt16LE(Math.min(count, U16_MAX), 10);
  eocd.writeUInt32LE(Math.min(cdSize, U32_MAX), 12);
  eocd.writeUInt32LE(Math.min(cdOffset, U32_MAX), 16);
  eocd.writeUInt16LE(0, 20);
  parts.push(eocd);
  return Buffer.concat(parts);
}

/**
 * The archive as a stream of chunks. Entry content is pulled only when its turn comes;
 * `onEntry` is told after each entry is complete (for progress).
 */
export async function* zipStream(
  entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>,
  onEntry?: (entry: ZipEntry, bytesWritten: number) => void | Promise<void>,
): AsyncGenerator<Uint8Array> {
  const written: Written[] = [];
  let offset = 0;
  const encoder = new TextEncoder();
  for await (const entry of entries) {
    const { date, time } = dosDateTime(entry.modified);
    const known = entry.crc32 !== undefined;
    const e: Written = {
      name: encoder.encode(entry.name),
      flags: UTF8_FLAG | (known ? 0 : DESCRIPTOR_FLAG),
      crc: known ? entry.crc32! >>> 0 : 0,
      size: entry.size,
      offset,
      time,
      date,
    };
    if (e.name.length > U16_MAX) throw new RangeError(`entry name too long: ${entry.name.slice(0, 40)}...`);
    const zip64Sizes = entry.size >= U32_MAX;
    const header = localHeader(e, zip64Sizes);
    yield header;
    offset += header.length;

    let crc = 0;
    let count = 0;
    for await (const chunk of await entry.content()) {
      crc = crc32(chunk, crc);
      count += chunk.length;
      if (count > entry.size) throw new ZipContentMismatch(entry.name, `more than the expected ${entry.size} bytes`);
      yield chunk;
      offset += chunk.length;
    }
    crc >>>= 0;
    if (count !== entry.size) throw new ZipContentMismatch(entry.name, `${count} bytes, expected ${entry.size}`);
    if (known && crc !== e.crc) throw new ZipContentMismatch(entry.name, 'CRC-32 differs from the verified one');
    if (!known) {
      e.crc = crc;
      const descriptor = dataDescriptor(e, zip64Sizes);
      yield descriptor;
      offset += descriptor.length;
    }
    written.push(e);
    await onEntry?.(entry, offset);
  }
  const cdOffset = offset;
  let cdSize = 0;
  for (const e of written) {
    const h = centralHeader(e);
    cdSize += h.length;
    yield h;
  }
  yield endRecords(written.length, cdOffset, cdSize);
}

/** The record builders, for tests of the ZIP64 paths (which need archives over 4 GiB otherwise). */
export const zipInternals = { centralHeader, endRecords };
