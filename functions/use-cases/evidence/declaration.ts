/** The declared file of an upload (evidence or resource) against the file rules. */
import { checkDeclaration, type CheckedDeclaration } from '#core/evidence/file-types.ts';
import { UnprocessableError } from '#core/errors.ts';

export interface FileDeclaration {
  fileName: string;
  contentType: string;
  size: number;
  sha256?: string;
}

/** Every problem at once, as one refusal before any upload form is issued. */
export function checkedDeclaration(file: FileDeclaration): CheckedDeclaration {
  const checked = checkDeclaration({
    fileName: file.fileName,
    contentType: file.contentType,
    size: file.size,
    ...(file.sha256 !== undefined ? { sha256: file.sha256 } : {}),
  });
  if (checked.ok) return checked.declaration;
  throw new UnprocessableError(
    checked.problems.map((p) => p.message).join(' '),
    checked.problems.map((p) => ({ in: 'body', field: p.field, message: p.message, code: p.code })),
  );
}
