/**
 * File names as uploaders give them. The name is never part of an object key (keys are
 * server-generated, see object-keys.ts); it is kept only to label the item and to name
 * the file on download. So the rules here guard the people who download, not the bucket:
 * no path parts, no invisible characters that disguise the real extension
 * (`invoice\u202Efdp.exe` displays as `invoiceexe.pdf`), nothing a desktop cannot save.
 */

export const MAX_FILE_NAME_LENGTH = 200;

export type FileNameProblemCode = 'required' | 'too_long' | 'path_separator' | 'control_characters' | 'invalid';

export interface FileNameProblem {
  code: FileNameProblemCode;
  message: string;
}

// C0 and C1 controls, DEL; zero-width and bidirectional formatting characters; BOM.
// eslint-disable-next-line no-control-regex -- these are the characters it removes
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/u;
const CONTROL_ALL = new RegExp(CONTROL.source, 'gu');
const LONE_SURROGATE = /\p{Surrogate}/u;
const SEPARATOR = /[/\\]/;
// Characters Windows refuses in file names (separators and controls handled above).
const WINDOWS_RESERVED_ALL = /[<>:"|?*]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;

/** Length in code points, so an emoji counts as one character, as people expect. */
export function fileNameLength(name: string): number {
  return [...name].length;
}

/** The extension, lowercased, without the dot; '' when the name has none. */
export function fileExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return '';
  return name.slice(dot + 1).toLowerCase();
}

/** Every rule the name breaks (empty when it is acceptable). */
export function checkFileName(raw: string): FileNameProblem[] {
  const problems: FileNameProblem[] = [];
  if (LONE_SURROGATE.test(raw)) {
    problems.push({ code: 'invalid', message: 'The file name is not valid Unicode text.' });
    return problems;
  }
  const name = raw.normalize('NFC');
  if (name.trim() === '') {
    problems.push({ code: 'required', message: 'A file name is required.' });
    return problems;
  }
  if (fileNameLength(name) > MAX_FILE_NAME_LENGTH) {
    problems.push({ code: 'too_long', message: `The file name is longer than ${MAX_FILE_NAME_LENGTH} characters.` });
  }
  if (SEPARATOR.test(name)) {
    problems.push({ code: 'path_separator', message: 'The file name must not contain / or \\ (give the name only, not a path).' });
  }
  if (CONTROL.test(name)) {
    problems.push({ code: 'control_characters', message: 'The file name contains control or invisible formatting characters.' });
  }
  if (name === '.' || name === '..') {
    problems.push({ code: 'invalid', message: 'The file name must name a file.' });
  }
  return problems;
}

/**
 * A name every common desktop can save, for Content-Disposition on download. Keeps
 * Unicode letters (the header carries them RFC 5987-encoded) and the extension; replaces
 * what a file system would refuse; never returns an empty name.
 */
export function safeDownloadName(raw: string, fallbackBase = 'file'): string {
  let name = raw.replace(new RegExp(LONE_SURROGATE.source, 'gu'), '_').normalize('NFC');
  name = name.replace(CONTROL_ALL, '').replace(/[/\\]/g, '_').replace(WINDOWS_RESERVED_ALL, '_');
  name = name.replace(/\s+/gu, ' ').trim();
  // Leading dots hide a file on Unix; trailing dots and spaces are dropped by Windows.
  name = name.replace(/^\.+/, '').replace(/[. ]+$/, '');
  let ext = fileExtension(name);
  let base = ext ? name.slice(0, name.length - ext.length - 1) : name;
  if (ext.length > 16) {
    base = name;
    ext = '';
  }
  base = base.replace(/[. ]+$/, '');
  if (base === '') base = fallbackBase;
  if (WINDOWS_DEVICE.test(base)) base = `_${base}`;
  const suffix = ext ? `.${ext}` : '';
  const room = MAX_FILE_NAME_LENGTH - fileNameLength(suffix);
  const chars = [...base];
  if (chars.length > room) base = chars.slice(0, room).join('').trimEnd();
  return base + suffix;
}

function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `Content-Disposition: attachment` naming the file. Always attachment: evidence is
 * downloaded, never rendered inline on our origin. The plain `filename` is an ASCII
 * fallback for old clients; `filename*` carries the real name.
 */
export function contentDisposition(raw: string): string {
  const name = safeDownloadName(raw);
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036F]/g, '')
    .replace(/[^\x20-\x7E]/g, '_')
    .replace(/[";\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(name)}`;
}
