/**
 * The file types evidence may have, and the check of an upload declaration against them.
 *
 * This table is the single source for: what POST /pathways/{id}/evidence accepts (anything
 * else is a 422 before any URL is issued), the size bound signed into the POST policy, and
 * which leading-bytes signature the post-upload verification expects (see sniff.ts).
 *
 * Limits are generous for the evidence people actually have: scanned PDFs and slide decks
 * with photos run large, spreadsheets and text stay small, recorded interviews and
 * student presentations are video and the largest.
 */
import { checkFileName, fileExtension, safeDownloadName } from './file-name.ts';

const MiB = 1024 * 1024;

/** How the leading bytes of a file of this type look; each is checked in sniff.ts. */
export type SignatureFamily = 'pdf' | 'ooxml' | 'cfb' | 'png' | 'jpeg' | 'mp4' | 'text';

export type FileTypeId = 'pdf' | 'docx' | 'doc' | 'xlsx' | 'xls' | 'pptx' | 'ppt' | 'txt' | 'csv' | 'png' | 'jpeg' | 'mp4';

export interface FileType {
  id: FileTypeId;
  /** What people call it, for messages. */
  label: string;
  /** The MIME type stored on the object and signed into the POST policy. */
  contentType: string;
  /** Other MIME types browsers send for the same files; they are normalized to contentType. */
  aliases: readonly string[];
  /** Allowed file name extensions, lowercase, without the dot. */
  extensions: readonly string[];
  maxBytes: number;
  signature: SignatureFamily;
  /** OOXML only: the package folder holding the main part (word/, xl/, ppt/). */
  ooxmlFolder?: 'word' | 'xl' | 'ppt';
}

export const fileTypes: readonly FileType[] = [
  {
    id: 'pdf',
    label: 'PDF',
    contentType: 'application/pdf',
    aliases: ['application/x-pdf'],
    extensions: ['pdf'],
    maxBytes: 50 * MiB,
    signature: 'pdf',
  },
  {
    id: 'docx',
    label: 'Word document',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    aliases: [],
    extensions: ['docx'],
    maxBytes: 25 * MiB,
    signature: 'ooxml',
    ooxmlFolder: 'word',
  },
  {
    id: 'doc',
    label: 'Word 97-2003 document',
    contentType: 'application/msword',
    aliases: [],
    extensions: ['doc'],
    maxBytes: 25 * MiB,
    signature: 'cfb',
  },
  {
    id: 'xlsx',
    label: 'Excel workbook',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    aliases: [],
    extensions: ['xlsx'],
    maxBytes: 25 * MiB,
    signature: 'ooxml',
    ooxmlFolder: 'xl',
  },
  {
    id: 'xls',
    label: 'Excel 97-2003 workbook',
    contentType: 'application/vnd.ms-excel',
    aliases: [],
    extensions: ['xls'],
    maxBytes: 25 * MiB,
    signature: 'cfb',
  },
  {
    id: 'pptx',
    label: 'PowerPoint presentation',
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    aliases: [],
    extensions: ['pptx'],
    maxBytes: 100 * MiB,
    signature: 'ooxml',
    ooxmlFolder: 'ppt',
  },
  {
    id: 'ppt',
    label: 'PowerPoint 97-2003 presentation',
    contentType: 'application/vnd.ms-powerpoint',
    aliases: [],
    extensions: ['ppt'],
    maxBytes: 100 * MiB,
    signature: 'cfb',
  },
  {
    id: 'txt',
    label: 'plain text',
    contentType: 'text/plain',
    aliases: [],
    extensions: ['txt', 'text'],
    maxBytes: 10 * MiB,
    signature: 'text',
  },
  {
    id: 'csv',
    label: 'CSV',
    contentType: 'text/csv',
    // Windows reports .csv as application/vnd.ms-excel when Excel is installed; the
    // extension decides between CSV and a legacy workbook (see resolveFileType).
    aliases: ['application/csv', 'text/x-csv', 'text/comma-separated-values', 'application/vnd.ms-excel'],
    extensions: ['csv'],
    maxBytes: 10 * MiB,
    signature: 'text',
  },
  {
    id: 'png',
    label: 'PNG image',
    contentType: 'image/png',
    aliases: ['image/x-png'],
    extensions: ['png'],
    maxBytes: 10 * MiB,
    signature: 'png',
  },
  {
    id: 'jpeg',
    label: 'JPEG image',
    contentType: 'image/jpeg',
    aliases: ['image/jpg', 'image/pjpeg'],
    extensions: ['jpg', 'jpeg'],
    maxBytes: 10 * MiB,
    signature: 'jpeg',
  },
  { id: 'mp4', label: 'MP4 video', contentType: 'video/mp4', aliases: [], extensions: ['mp4'], maxBytes: 500 * MiB, signature: 'mp4' },
];

/** The largest size any type allows (the bound when the type itself is not known). */
export const MAX_EVIDENCE_BYTES = Math.max(...fileTypes.map((t) => t.maxBytes));

/** Lowercase, parameters (`; charset=...`) dropped: the policy signs the bare canonical type. */
export function normalizeContentType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * The type a declared content type stands for. When a MIME type is shared (Windows'
 * application/vnd.ms-excel for .csv), the file name's extension picks among candidates;
 * the type whose canonical MIME type it is wins otherwise.
 */
export function resolveFileType(contentType: string, fileName?: string): FileType | undefined {
  const mime = normalizeContentType(contentType);
  const candidates = fileTypes.filter((t) => t.contentType === mime || t.aliases.includes(mime));
  if (candidates.length <= 1) return candidates[0];
  const ext = fileName === undefined ? '' : fileExtension(fileName);
  return candidates.find((t) => t.extensions.includes(ext)) ?? candidates.find((t) => t.contentType === mime);
}

/** The type whose canonical content type this is (what is stored on objects). */
export function fileTypeByContentType(contentType: string): FileType | undefined {
  const mime = normalizeContentType(contentType);
  return fileTypes.find((t) => t.contentType === mime);
}

export interface UploadDeclaration {
  fileName: string;
  contentType: string;
  size: number;
  /** SHA-256 of the file, hex; optional (browsers can compute it with SubtleCrypto). */
  sha256?: string;
}

export type DeclarationField = 'fileName' | 'contentType' | 'size' | 'sha256';

export interface DeclarationProblem {
  field: DeclarationField;
  code: string;
  message: string;
}

export interface CheckedDeclaration {
  fileType: FileType;
  /** Canonical MIME type: store it, sign it, verify against it. */
  contentType: string;
  size: number;
  /** Lowercase hex, when declared. */
  sha256?: string;
  /** NFC-normalized as given. */
  fileName: string;
  /** Safe to put in Content-Disposition. */
  downloadName: string;
}

export type DeclarationCheck = { ok: true; declaration: CheckedDeclaration } | { ok: false; problems: DeclarationProblem[] };

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

function formatBytes(n: number): string {
  return n % MiB === 0 ? `${n / MiB} MB` : `${n} bytes`;
}

function allowedTypesList(): string {
  return fileTypes.map((t) => `${t.label} (.${t.extensions.join(', .')})`).join('; ');
}

/** Checks a declaration against the table; on failure lists every problem, not just the first. */
export function checkDeclaration(input: UploadDeclaration): DeclarationCheck {
  const problems: DeclarationProblem[] = [];
  const fileName = typeof input.fileName === 'string' ? input.fileName : '';

  for (const p of checkFileName(fileName)) problems.push({ field: 'fileName', code: p.code, message: p.message });

  const fileType = resolveFileType(input.contentType, fileName);
  if (!fileType) {
    const given = normalizeContentType(input.contentType);
    problems.push({
      field: 'contentType',
      code: 'unsupported_type',
      message: `${given ? `Files of type ${given}` : 'Files of unknown type'} cannot be uploaded. Allowed: ${allowedTypesList()}.`,
    });
  } else {
    const ext = fileExtension(fileName.normalize('NFC'));
    if (fileName.trim() !== '' && !fileType.extensions.includes(ext)) {
      problems.push({
        field: 'fileName',
        code: 'extension_mismatch',
        message: `A ${fileType.label} file name must end in .${fileType.extensions.join(' or .')}${ext ? `, not .${ext}` : ''}.`,
      });
    }
  }

  const size = input.size;
  const limit = fileType?.maxBytes ?? MAX_EVIDENCE_BYTES;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    problems.push({ field: 'size', code: 'invalid', message: 'The size must be a whole number of bytes.' });
  } else if (size === 0) {
    problems.push({ field: 'size', code: 'empty', message: 'The file is empty.' });
  } else if (size > limit) {
    problems.push({
      field: 'size',
      code: 'too_large',
      message: `${fileType ? `A ${fileType.label}` : 'A file'} can be at most ${formatBytes(limit)}; this one is ${size} bytes.`,
    });
  }

  if (input.sha256 !== undefined && !SHA256_HEX.test(input.sha256)) {
    problems.push({ field: 'sha256', code: 'invalid_format', message: 'The SHA-256 must be 64 hexadecimal characters.' });
  }

  if (problems.length > 0 || !fileType) return { ok: false, problems };
  const normalizedName = fileName.normalize('NFC');
  return {
    ok: true,
    declaration: {
      fileType,
      contentType: fileType.contentType,
      size,
      ...(input.sha256 !== undefined ? { sha256: input.sha256.toLowerCase() } : {}),
      fileName: normalizedName,
      downloadName: safeDownloadName(normalizedName),
    },
  };
}
