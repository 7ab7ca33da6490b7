/**
 * Leading bytes of real file formats, built from their published layouts, for sniffing
 * and verification tests.
 */
const enc = new TextEncoder();

export function concat(...parts: (Uint8Array | string | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Padding that is neither text nor any signature. */
export function filler(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) % 251;
  return out;
}

export const pdf = () => concat('%PDF-1.7\n%', [0xe2, 0xe3, 0xcf, 0xd3], '\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', filler(200));

/** A ZIP local file header for one entry, followed by some (fake) compressed data. */
export function zipEntry(name: string, data: Uint8Array = filler(100)): Uint8Array {
  const nameBytes = enc.encode(name);
  const header = new Uint8Array(30);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x04034b50, true);
  view.setUint16(4, 20, true); // version needed
  view.setUint16(8, 8, true); // deflate
  view.setUint32(18, data.length, true);
  view.setUint32(22, data.length * 3, true);
  view.setUint16(26, nameBytes.length, true);
  view.setUint16(28, 0, true);
  return concat(header, nameBytes, data);
}

export const docx = () => concat(zipEntry('[Content_Types].xml'), zipEntry('_rels/.rels'), zipEntry('word/document.xml'));
export const xlsx = () => concat(zipEntry('[Content_Types].xml'), zipEntry('xl/workbook.xml'));
export const pptx = () => concat(zipEntry('[Content_Types].xml'), zipEntry('ppt/presentation.xml'));

/** An OLE compound file header (512 bytes; version 3, little-endian). */
export function cfb(): Uint8Array {
  const h = new Uint8Array(512);
  h.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 0);
  h.set([0x3e, 0x00, 0x03, 0x00, 0xfe, 0xff, 0x09, 0x00], 24);
  return concat(h, filler(512));
}

export const png = () => concat([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 13], 'IHDR', filler(64));
export const jpeg = () => concat([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF\0', filler(64));

/** An ISO BMFF file starting with an ftyp box of this major brand. */
export function mp4(brand = 'isom'): Uint8Array {
  const ftyp = concat([0, 0, 0, 0x20], 'ftyp', brand, [0, 0, 2, 0], 'isomiso2avc1mp41');
  return concat(ftyp, [0, 0, 0, 8], 'free', filler(64));
}

export const windowsExe = () => concat('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff], filler(100));
export const elf = () => concat([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], filler(100));
export const machO = () => concat([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1], filler(100));
