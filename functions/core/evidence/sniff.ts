/**
 * Does a file start the way its declared type starts? Run on the first bytes of every
 * upload (SNIFF_WINDOW of them, or the whole file when smaller), after the upload and in
 * every environment: the local S3 enforces no POST policy and even AWS's policy only
 * binds the Content-Type label, not the bytes. A renamed program is not a PDF.
 *
 * Decisions, and what leading bytes cannot tell:
 * - Programs are refused by name whatever the declared type (Windows MZ, ELF, Mach-O
 *   and universal binaries / Java classes, Android dex, WebAssembly), so the uploader
 *   is told "this is a program", not just "this is not a PDF".
 * - Shebang scripts (`#!`) are accepted as plain text. A script is readable text (a code
 *   sample is plausible evidence in a computer-science pathway); downloads carry no
 *   execute permission and are always served as attachments. What this check guards
 *   against is a binary passed off under a harmless name.
 * - Text (text/plain, text/csv) must be UTF-8 (BOM allowed, so ASCII too) with no NUL
 *   or other binary control bytes in the window, and must not start with a known binary
 *   signature (MZ, ELF, PK, %PDF-, ...). UTF-16 files are refused (they are full of NULs)
 *   with a message saying to save as UTF-8. Only the window is checked, not the rest.
 * - PDF must start with `%PDF-` at byte 0 (readers tolerate junk before it; we do not,
 *   because junk before the header is how polyglot files are made).
 * - OOXML (docx/xlsx/pptx) is a ZIP package: the first local file header must be there,
 *   and when its entry name fits in the window it must be a package part
 *   (`[Content_Types].xml`, `_rels/`, `docProps/`, `docMetadata/`, `customXml/`,
 *   `word/`, `xl/`, `ppt/`); entries under `word/`, `xl/` or `ppt/` among those whose headers lie in the
 *   window must match the declared application (Office writes `[Content_Types].xml` and
 *   `_rels/.rels` first, then the main part, usually within the first kilobytes). The
 *   format does not require an order, so a package whose visible entries name no
 *   application is accepted. What else it holds is in the central directory at the end
 *   of the file, out of reach of a leading-bytes check.
 * - Legacy Office (doc/xls/ppt) is an OLE compound file; Word, Excel and PowerPoint
 *   files (and other compound files, such as .msi installers) share the same header,
 *   and the stream names that tell them apart are usually far into the file. Any
 *   compound file is accepted for the three legacy types; it is served as a download
 *   with the declared Office type, so it opens in Office, not in an installer.
 * - MP4 needs an `ftyp` box first; HEIF/AVIF still images (same container, image
 *   brands) are refused. QuickTime-brand files are accepted: players treat them as MP4.
 */
import { resolveFileType, type FileType } from './file-types.ts';

/** How many leading bytes the verifier collects for sniffing. */
export const SNIFF_WINDOW = 4096;

export type SniffFailureReason = 'executable' | 'signature_mismatch' | 'not_text' | 'unsupported_type';

export type SniffResult = { ok: true } | { ok: false; reason: SniffFailureReason; message: string };

export interface SniffOptions {
  /**
   * True when `bytes` is the whole file. Then a multi-byte character cut at the end is an
   * error, and a file too short to hold its header fails; otherwise both are given the
   * benefit of the doubt (the rest of the file is not in the window).
   */
  complete?: boolean;
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  for (let i = 0; i < signature.length; i++) if (bytes[offset + i] !== signature[i]) return false;
  return true;
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

const SIG = {
  pdf: ascii('%PDF-'),
  zip: [0x50, 0x4b, 0x03, 0x04],
  zipEmpty: [0x50, 0x4b, 0x05, 0x06],
  zipSpanned: [0x50, 0x4b, 0x07, 0x08],
  cfb: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  jpeg: [0xff, 0xd8, 0xff],
  ftyp: ascii('ftyp'),
  gif: ascii('GIF8'),
  gzip: [0x1f, 0x8b],
  rar: ascii('Rar!'),
  sevenZip: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c],
  utf16le: [0xff, 0xfe],
  utf16be: [0xfe, 0xff],
} as const;

const EXECUTABLES: readonly { signature: readonly number[]; label: string }[] = [
  { signature: ascii('MZ'), label: 'a Windows program' },
  { signature: [0x7f, 0x45, 0x4c, 0x46], label: 'a Linux program (ELF)' },
  { signature: [0xfe, 0xed, 0xfa, 0xce], label: 'a macOS program (Mach-O)' },
  { signature: [0xfe, 0xed, 0xfa, 0xcf], label: 'a macOS program (Mach-O)' },
  { signature: [0xce, 0xfa, 0xed, 0xfe], label: 'a macOS program (Mach-O)' },
  { signature: [0xcf, 0xfa, 0xed, 0xfe], label: 'a macOS program (Mach-O)' },
  { signature: [0xca, 0xfe, 0xba, 0xbe], label: 'a macOS universal program or Java class file' },
  { signature: ascii('dex\n'), label: 'an Android program (dex)' },
  { signature: [0x00, 0x61, 0x73, 0x6d], label: 'a WebAssembly module' },
];

/** What a known executable signature says the file is; undefined when none matches. */
export function detectExecutable(bytes: Uint8Array): string | undefined {
  return EXECUTABLES.find((e) => startsWith(bytes, e.signature))?.label;
}

/** A human description of what the bytes look like, for the message the uploader gets. */
export function describeContent(bytes: Uint8Array): string | undefined {
  const exe = detectExecutable(bytes);
  if (exe) return exe;
  if (startsWith(bytes, SIG.pdf)) return 'a PDF';
  if (startsWith(bytes, SIG.zip)) {
    const name = firstZipEntryName(bytes);
    if (name === 'mimetype') return 'an OpenDocument (LibreOffice) file';
    if (name !== undefined && isOpcPartName(name)) {
      const folders = applicationFolders(zipEntryNames(bytes));
      if (folders.size === 1 && folders.has('word')) return 'a Word document';
      if (folders.size === 1 && folders.has('xl')) return 'an Excel workbook';
      if (folders.size === 1 && folders.has('ppt')) return 'a PowerPoint presentation';
      return 'an Office document';
    }
    return 'a ZIP archive';
  }
  if (startsWith(bytes, SIG.zipEmpty) || startsWith(bytes, SIG.zipSpanned)) return 'a ZIP archive';
  if (startsWith(bytes, SIG.cfb)) return 'a legacy (97-2003) or password-protected Office file';
  if (startsWith(bytes, SIG.png)) return 'a PNG image';
  if (startsWith(bytes, SIG.jpeg)) return 'a JPEG image';
  if (startsWith(bytes, SIG.ftyp, 4)) return isImageBrand(bytes) ? 'a HEIF/AVIF image' : 'an MP4/QuickTime video';
  if (startsWith(bytes, SIG.gif)) return 'a GIF image';
  if (startsWith(bytes, SIG.gzip)) return 'a gzip archive';
  if (startsWith(bytes, SIG.rar)) return 'a RAR archive';
  if (startsWith(bytes, SIG.sevenZip)) return 'a 7-Zip archive';
  if (startsWith(bytes, SIG.utf16le) || startsWith(bytes, SIG.utf16be)) return 'UTF-16 text';
  return undefined;
}

// ---------------------------------------------------------------------------- OOXML

/**
 * Names of the ZIP entries whose local headers lie wholly in `bytes`, in file order. The
 * walk stops at an entry whose sizes are deferred to a data descriptor (flag bit 3): where
 * the next header starts is then unknown without inflating the data.
 */
function zipEntryNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at + 30 <= bytes.length && view.getUint32(at, true) === 0x04034b50) {
    const flags = view.getUint16(at + 6, true);
    const compressedSize = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true);
    const extraLength = view.getUint16(at + 28, true);
    if (nameLength === 0 || at + 30 + nameLength > bytes.length) break;
    names.push(new TextDecoder('utf-8').decode(bytes.subarray(at + 30, at + 30 + nameLength)));
    if (flags & 0x08) break;
    at += 30 + nameLength + extraLength + compressedSize;
  }
  return names;
}

function firstZipEntryName(bytes: Uint8Array): string | undefined {
  return startsWith(bytes, SIG.zip) ? zipEntryNames(bytes)[0] : undefined;
}

const OPC_PREFIXES = ['_rels/', 'docProps/', 'docMetadata/', 'customXml/', 'word/', 'xl/', 'ppt/'];
const APPLICATION_FOLDERS = new Set(['word', 'xl', 'ppt']);

function isOpcPartName(name: string): boolean {
  return name === '[Content_Types].xml' || OPC_PREFIXES.some((p) => name.startsWith(p));
}

/** The application folder (word, xl, ppt) the visible entries reveal, if any. */
function applicationFolders(names: readonly string[]): Set<string> {
  const folders = new Set<string>();
  for (const name of names) {
    const top = name.split('/')[0] ?? '';
    if (name.includes('/') && APPLICATION_FOLDERS.has(top)) folders.add(top);
  }
  return folders;
}

function sniffOoxml(type: FileType, bytes: Uint8Array, complete: boolean): boolean {
  if (!startsWith(bytes, SIG.zip)) return false;
  if (bytes.length >= 28 && (bytes[26]! | (bytes[27]! << 8)) === 0) return false;
  const names = zipEntryNames(bytes);
  // The first header did not fit in the window: with more file to come, give it the benefit of the doubt.
  if (names.length === 0) return !complete;
  if (!isOpcPartName(names[0]!)) return false;
  // Entries of another Office application (a workbook renamed .docx) give it away.
  for (const folder of applicationFolders(names)) if (folder !== type.ooxmlFolder) return false;
  return true;
}

// ---------------------------------------------------------------------------- CFB

function sniffCfb(bytes: Uint8Array, complete: boolean): boolean {
  if (!startsWith(bytes, SIG.cfb)) return false;
  // Byte order mark of the compound file header, always little-endian (FE FF).
  if (bytes.length >= 30) return bytes[28] === 0xfe && bytes[29] === 0xff;
  return !complete;
}

// ---------------------------------------------------------------------------- MP4

const IMAGE_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis', 'crx ']);

function majorBrand(bytes: Uint8Array): string | undefined {
  if (bytes.length < 12) return undefined;
  return String.fromCharCode(...bytes.subarray(8, 12));
}

function isImageBrand(bytes: Uint8Array): boolean {
  const brand = majorBrand(bytes);
  return brand !== undefined && IMAGE_BRANDS.has(brand);
}

function sniffMp4(bytes: Uint8Array, complete: boolean): boolean {
  if (!startsWith(bytes, SIG.ftyp, 4)) return false;
  const boxSize = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  // 0 = "to end of file", 1 = 64-bit size follows; otherwise the box holds at least its header.
  if (boxSize !== 0 && boxSize !== 1 && boxSize < 8) return false;
  const brand = majorBrand(bytes);
  if (brand === undefined) return !complete;
  if (!/^[\x20-\x7e]{4}$/.test(brand)) return false;
  return !IMAGE_BRANDS.has(brand);
}

// ---------------------------------------------------------------------------- text

const TEXT_FORBIDDEN_STARTS: readonly (readonly number[])[] = [
  SIG.zip,
  SIG.zipEmpty,
  SIG.zipSpanned,
  SIG.pdf,
  SIG.cfb,
  SIG.png,
  SIG.jpeg,
  SIG.gif,
  SIG.gzip,
  SIG.rar,
  SIG.sevenZip,
];

/**
 * Control bytes that do not occur in text: everything below 0x20 except tab, line feed,
 * vertical tab, form feed, carriage return, SUB (old DOS end-of-file) and ESC.
 */
function isBinaryControl(b: number): boolean {
  return b < 0x20 && !(b >= 0x09 && b <= 0x0d) && b !== 0x1a && b !== 0x1b;
}

type TextCheck = { ok: true } | { ok: false; message: string };

function checkText(bytes: Uint8Array, complete: boolean, label: string): TextCheck {
  if (startsWith(bytes, SIG.utf16le) || startsWith(bytes, SIG.utf16be)) {
    return { ok: false, message: `The file is UTF-16 text; save it as UTF-8 to upload it as ${label}.` };
  }
  if (TEXT_FORBIDDEN_STARTS.some((s) => startsWith(bytes, s))) {
    return { ok: false, message: `The file is ${describeContent(bytes) ?? 'a binary file'}, not ${label}.` };
  }
  for (const b of bytes) {
    if (isBinaryControl(b)) return { ok: false, message: `The file contains binary data, so it is not ${label}.` };
  }
  try {
    // stream: true keeps a character cut off by the end of the window pending instead of failing it.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
  } catch {
    return { ok: false, message: `The file is not UTF-8 text; save it as UTF-8 to upload it as ${label}.` };
  }
  return { ok: true };
}

// ---------------------------------------------------------------------------- entry points

function mismatch(type: FileType, bytes: Uint8Array): SniffResult {
  const seen = describeContent(bytes);
  const extra =
    type.signature === 'ooxml' && startsWith(bytes, SIG.cfb) ? ` Remove any password and save it as .${type.extensions[0]}.` : '';
  return {
    ok: false,
    reason: 'signature_mismatch',
    message: `The file's contents are not those of a ${type.label}${seen ? `; it looks like ${seen}` : ''}.${extra}`,
  };
}

/** Checks the leading bytes of a file against its declared content type, with the reason. */
export function sniffContent(contentType: string, bytes: Uint8Array, options: SniffOptions = {}): SniffResult {
  const complete = options.complete ?? false;
  const type = resolveFileType(contentType);
  if (!type) return { ok: false, reason: 'unsupported_type', message: `Files of type ${contentType} are not accepted.` };
  if (bytes.length === 0) return { ok: false, reason: 'signature_mismatch', message: 'The file is empty.' };

  const exe = detectExecutable(bytes);
  if (exe) return { ok: false, reason: 'executable', message: `The file is ${exe}, not a ${type.label}. Programs cannot be uploaded.` };

  switch (type.signature) {
    case 'text': {
      const text = checkText(bytes, complete, type.label);
      return text.ok ? { ok: true } : { ok: false, reason: 'not_text', message: text.message };
    }
    case 'pdf':
      return startsWith(bytes, SIG.pdf) ? { ok: true } : mismatch(type, bytes);
    case 'png':
      return startsWith(bytes, SIG.png) ? { ok: true } : mismatch(type, bytes);
    case 'jpeg':
      return startsWith(bytes, SIG.jpeg) ? { ok: true } : mismatch(type, bytes);
    case 'ooxml':
      return sniffOoxml(type, bytes, complete) ? { ok: true } : mismatch(type, bytes);
    case 'cfb':
      return sniffCfb(bytes, complete) ? { ok: true } : mismatch(type, bytes);
    case 'mp4':
      return sniffMp4(bytes, complete) ? { ok: true } : mismatch(type, bytes);
  }
}

/** True when the leading bytes fit the declared content type. */
export function sniffMatches(contentType: string, firstBytes: Uint8Array, options?: SniffOptions): boolean {
  return sniffContent(contentType, firstBytes, options).ok;
}
