/**
 * A ZIP reader for tests, written from APPNOTE independently of functions/uploads/zip.ts:
 * finds the end records (ZIP64 too), walks the central directory, checks each local
 * header against it and each stored entry's CRC-32.
 */
import { crc32 } from 'node:zlib';

export interface ReadEntry {
  name: string;
  data: Buffer;
  crc: number;
  flags: number;
  method: number;
  localHeaderOffset: number;
  /** Whether the local header carried the CRC and sizes (no data descriptor). */
  localHeaderComplete: boolean;
  externalAttributes: number;
}

export function readZip(zip: Buffer): { entries: ReadEntry[]; zip64: boolean } {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory record');
  let count = zip.readUInt16LE(eocd + 10);
  let cdSize = zip.readUInt32LE(eocd + 12);
  let cdOffset = zip.readUInt32LE(eocd + 16);
  let zip64 = false;
  if (eocd >= 20 && zip.readUInt32LE(eocd - 20) === 0x07064b50) {
    zip64 = true;
    const recordAt = Number(zip.readBigUInt64LE(eocd - 20 + 8));
    if (zip.readUInt32LE(recordAt) !== 0x06064b50) throw new Error('bad zip64 end record');
    count = Number(zip.readBigUInt64LE(recordAt + 32));
    cdSize = Number(zip.readBigUInt64LE(recordAt + 40));
    cdOffset = Number(zip.readBigUInt64LE(recordAt + 48));
  }
  if (cdOffset + cdSize > zip.length) throw new Error('central directory out of range');
  const entries: ReadEntry[] = [];
  let at = cdOffset;
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central header ${n}`);
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    let size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const externalAttributes = zip.readUInt32LE(at + 38);
    let offset = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString(flags & 0x800 ? 'utf8' : 'latin1');
    let e = at + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e < extraEnd) {
      const id = zip.readUInt16LE(e);
      const len = zip.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let p = e + 4;
        if (size === 0xffffffff) {
          size = Number(zip.readBigUInt64LE(p + 8));
          p += 16;
        }
        if (offset === 0xffffffff) offset = Number(zip.readBigUInt64LE(p));
      }
      e += 4 + len;
    }
    if (zip.readUInt32LE(offset) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const localNameLength = zip.readUInt16LE(offset + 26);
    const localExtra = zip.readUInt16LE(offset + 28);
    const localName = zip.subarray(offset + 30, offset + 30 + localNameLength).toString('utf8');
    if (localName !== name) throw new Error(`local name ${localName} differs from ${name}`);
    const localCrc = zip.readUInt32LE(offset + 14);
    const dataStart = offset + 30 + localNameLength + localExtra;
    const data = zip.subarray(dataStart, dataStart + size);
    if (method !== 0) throw new Error(`method ${method} not supported by this reader`);
    if (crc32(data) >>> 0 !== crc) throw new Error(`CRC mismatch in ${name}`);
    const localHeaderComplete = !(flags & 0x08);
    if (localHeaderComplete && localCrc !== crc) throw new Error(`local CRC of ${name} differs`);
    if (!localHeaderComplete && zip.readUInt32LE(dataStart + size) !== 0x08074b50) throw new Error(`no data descriptor after ${name}`);
    entries.push({ name, data: Buffer.from(data), crc, flags, method, localHeaderOffset: offset, localHeaderComplete, externalAttributes });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { entries, zip64 };
}
