import { describe, expect, it } from 'vitest';
import { checkDeclaration, fileTypes, MAX_EVIDENCE_BYTES, resolveFileType, type DeclarationCheck } from '#core/evidence/file-types.ts';
import { checkFileName, contentDisposition, safeDownloadName } from '#core/evidence/file-name.ts';

const MiB = 1024 * 1024;
const SHA = 'a'.repeat(64);

function problems(check: DeclarationCheck) {
  if (check.ok) throw new Error('expected problems');
  return check.problems.map((p) => `${p.field}:${p.code}`);
}

describe('the allowed types table', () => {
  it('covers the formats of the issue, each with its own limit, video the largest', () => {
    const byType = new Map(fileTypes.map((t) => [t.contentType, t]));
    for (const mime of [
      'application/pdf',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      'application/vnd.ms-powerpoint',
      'text/plain',
      'text/csv',
      'image/png',
      'image/jpeg',
      'video/mp4',
    ]) {
      expect(byType.get(mime), mime).toBeDefined();
    }
    expect(byType.get('video/mp4')!.maxBytes).toBe(MAX_EVIDENCE_BYTES);
    expect(byType.get('video/mp4')!.maxBytes).toBeGreaterThan(Math.max(...fileTypes.filter((t) => t.id !== 'mp4').map((t) => t.maxBytes)));
    expect(byType.get('image/png')!.maxBytes).toBe(10 * MiB);
    // Canonical types are unique and never another type's alias (except the documented CSV case).
    expect(new Set(fileTypes.map((t) => t.contentType)).size).toBe(fileTypes.length);
  });

  it('resolves aliases to canonical types, using the extension when a MIME type is shared', () => {
    expect(resolveFileType('IMAGE/JPG')?.contentType).toBe('image/jpeg');
    expect(resolveFileType('text/plain; charset=utf-8')?.id).toBe('txt');
    expect(resolveFileType('application/vnd.ms-excel', 'scores.csv')?.id).toBe('csv');
    expect(resolveFileType('application/vnd.ms-excel', 'scores.xls')?.id).toBe('xls');
    expect(resolveFileType('application/vnd.ms-excel')?.id).toBe('xls');
    expect(resolveFileType('application/x-msdownload')).toBeUndefined();
  });
});

describe('checkDeclaration', () => {
  it('accepts a good declaration and normalizes it', () => {
    const check = checkDeclaration({
      fileName: 'Advisory Board Minutes.PDF',
      contentType: 'Application/PDF',
      size: 1234,
      sha256: SHA.toUpperCase(),
    });
    expect(check).toEqual({
      ok: true,
      declaration: expect.objectContaining({
        contentType: 'application/pdf',
        size: 1234,
        sha256: SHA,
        fileName: 'Advisory Board Minutes.PDF',
        downloadName: 'Advisory Board Minutes.pdf',
      }),
    });
  });

  it('treats a Windows CSV (application/vnd.ms-excel) as CSV by its extension', () => {
    const check = checkDeclaration({ fileName: 'data.csv', contentType: 'application/vnd.ms-excel', size: 10 });
    expect(check.ok && check.declaration.contentType).toBe('text/csv');
  });

  it('refuses unknown types before anything else happens', () => {
    expect(problems(checkDeclaration({ fileName: 'setup.exe', contentType: 'application/x-msdownload', size: 10 }))).toEqual([
      'contentType:unsupported_type',
    ]);
    expect(problems(checkDeclaration({ fileName: 'a.pdf', contentType: '', size: 10 }))).toEqual(['contentType:unsupported_type']);
  });

  it('refuses an extension that does not match the type, or none', () => {
    expect(problems(checkDeclaration({ fileName: 'report.exe', contentType: 'application/pdf', size: 10 }))).toEqual([
      'fileName:extension_mismatch',
    ]);
    expect(problems(checkDeclaration({ fileName: 'report', contentType: 'application/pdf', size: 10 }))).toEqual([
      'fileName:extension_mismatch',
    ]);
    expect(
      problems(
        checkDeclaration({
          fileName: 'slides.docx',
          contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
          size: 10,
        }),
      ),
    ).toEqual(['fileName:extension_mismatch']);
  });

  it('applies each type its own size limit, and refuses empty or non-integer sizes', () => {
    const limit = fileTypes.find((t) => t.id === 'png')!.maxBytes;
    expect(checkDeclaration({ fileName: 'a.png', contentType: 'image/png', size: limit }).ok).toBe(true);
    expect(problems(checkDeclaration({ fileName: 'a.png', contentType: 'image/png', size: limit + 1 }))).toEqual(['size:too_large']);
    expect(checkDeclaration({ fileName: 'a.mp4', contentType: 'video/mp4', size: limit + 1 }).ok).toBe(true);
    expect(problems(checkDeclaration({ fileName: 'a.png', contentType: 'image/png', size: 0 }))).toEqual(['size:empty']);
    expect(problems(checkDeclaration({ fileName: 'a.png', contentType: 'image/png', size: 1.5 }))).toEqual(['size:invalid']);
    expect(problems(checkDeclaration({ fileName: 'a.png', contentType: 'image/png', size: -1 }))).toEqual(['size:invalid']);
  });

  it('checks the SHA-256 format', () => {
    for (const bad of ['a'.repeat(63), 'g'.repeat(64), `${'a'.repeat(64)} `, '']) {
      expect(problems(checkDeclaration({ fileName: 'a.txt', contentType: 'text/plain', size: 1, sha256: bad }))).toEqual([
        'sha256:invalid_format',
      ]);
    }
  });

  it('reports every problem at once', () => {
    expect(
      problems(checkDeclaration({ fileName: 'dir/evil\u202Egnp.exe', contentType: 'image/png', size: 11 * MiB, sha256: 'nope' })).sort(),
    ).toEqual([
      'fileName:control_characters',
      'fileName:extension_mismatch',
      'fileName:path_separator',
      'sha256:invalid_format',
      'size:too_large',
    ]);
  });
});

describe('file names', () => {
  const codes = (name: string) => checkFileName(name).map((p) => p.code);

  it('accept ordinary names, Unicode included', () => {
    expect(codes('Plan de estudios 2024–25 (versión final).docx')).toEqual([]);
    expect(codes('報告.pdf')).toEqual([]);
  });

  it('refuse paths, control and bidi characters, empty and oversized names', () => {
    expect(codes('../../etc/passwd.txt')).toContain('path_separator');
    expect(codes('C:\\Users\\a.txt')).toContain('path_separator');
    expect(codes('a\nb.txt')).toEqual(['control_characters']);
    expect(codes('a\u0000.txt')).toEqual(['control_characters']);
    expect(codes('invoice\u202Efdp.exe')).toEqual(['control_characters']);
    expect(codes('zero\u200Bwidth.txt')).toEqual(['control_characters']);
    expect(codes('   ')).toEqual(['required']);
    expect(codes('..')).toEqual(['invalid']);
    expect(codes('\uD800.txt')).toEqual(['invalid']);
    expect(codes(`${'x'.repeat(196)}.txt`)).toEqual([]);
    expect(codes(`${'x'.repeat(197)}.txt`)).toEqual(['too_long']);
    // Length is counted in characters, not UTF-16 units.
    expect(codes(`${'😀'.repeat(196)}.txt`)).toEqual([]);
  });

  it('become safe download names that keep the extension', () => {
    expect(safeDownloadName('..hidden.txt')).toBe('hidden.txt');
    expect(safeDownloadName('a/b\\c:d*?.pdf')).toBe('a_b_c_d__.pdf');
    expect(safeDownloadName('CON.txt')).toBe('_CON.txt');
    expect(safeDownloadName('trailing. . ')).toBe('trailing');
    expect(safeDownloadName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(safeDownloadName('.pdf')).toBe('pdf');
    expect(safeDownloadName('   ')).toBe('file');
    const long = safeDownloadName(`${'y'.repeat(300)}.pptx`);
    expect(long.endsWith('.pptx')).toBe(true);
    expect([...long].length).toBe(200);
  });

  it('become an attachment Content-Disposition with an ASCII fallback and the UTF-8 name', () => {
    const header = contentDisposition('Évaluation "finale" 100%.pdf');
    expect(header).toBe(`attachment; filename="Evaluation _finale_ 100_.pdf"; filename*=UTF-8''%C3%89valuation%20_finale_%20100%25.pdf`);
    expect(contentDisposition("it's (1).txt")).toContain("filename*=UTF-8''it%27s%20%281%29.txt");
    expect(contentDisposition('報告.pdf')).toMatch(/^[\x20-\x7e]+$/);
  });
});
