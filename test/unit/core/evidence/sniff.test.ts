import { describe, expect, it } from 'vitest';
import { sniffContent, sniffMatches, SNIFF_WINDOW } from '#core/evidence/sniff.ts';
import { fileTypes } from '#core/evidence/file-types.ts';
import * as b from './bytes.ts';

const T = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  txt: 'text/plain',
  csv: 'text/csv',
  png: 'image/png',
  jpeg: 'image/jpeg',
  mp4: 'video/mp4',
} as const;

const samples: Record<keyof typeof T, () => Uint8Array> = {
  pdf: b.pdf,
  docx: b.docx,
  xlsx: b.xlsx,
  pptx: b.pptx,
  doc: b.cfb,
  xls: b.cfb,
  ppt: b.cfb,
  txt: () => b.concat('Advisory board minutes\r\n\tAttendees: 12\n'),
  csv: () => b.concat('\uFEFFstudent,grade\n"Ana, M.",A\n'),
  png: b.png,
  jpeg: b.jpeg,
  mp4: () => b.mp4('mp42'),
};

describe('sniffMatches', () => {
  it('accepts each allowed type by its own leading bytes', () => {
    for (const [id, mime] of Object.entries(T) as [keyof typeof T, string][]) {
      expect(sniffContent(mime, samples[id](), { complete: true }), id).toEqual({ ok: true });
    }
    // Every type of the table is covered here.
    expect(new Set(Object.values(T))).toEqual(new Set(fileTypes.map((t) => t.contentType)));
  });

  it('refuses every other type of sample for each binary type (a renamed file is not a PDF)', () => {
    const binary = ['pdf', 'docx', 'xlsx', 'pptx', 'doc', 'png', 'jpeg', 'mp4'] as const;
    for (const declared of binary) {
      for (const actual of Object.keys(samples) as (keyof typeof T)[]) {
        const sameFamily =
          samples[actual] === samples[declared] || (['doc', 'xls', 'ppt'].includes(declared) && ['doc', 'xls', 'ppt'].includes(actual));
        if (sameFamily) continue;
        expect(sniffMatches(T[declared], samples[actual](), { complete: true }), `${actual} declared as ${declared}`).toBe(false);
      }
    }
  });

  it('refuses programs by name, whatever the declared type', () => {
    for (const [exe, label] of [
      [b.windowsExe(), 'Windows program'],
      [b.elf(), 'Linux program'],
      [b.machO(), 'macOS program'],
    ] as const) {
      for (const mime of Object.values(T)) {
        const result = sniffContent(mime, exe);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.reason).toBe('executable');
          expect(result.message).toContain(label);
        }
      }
    }
  });

  it('tells the uploader what the file looks like', () => {
    const result = sniffContent(T.pdf, b.docx());
    expect(result).toEqual({ ok: false, reason: 'signature_mismatch', message: expect.stringContaining('looks like a Word document') });
    const locked = sniffContent(T.docx, b.cfb());
    expect(!locked.ok && locked.message).toMatch(/password/);
  });

  describe('OOXML', () => {
    it('requires a package part as the first ZIP entry, of the declared application', () => {
      expect(sniffMatches(T.docx, b.zipEntry('_rels/.rels'))).toBe(true);
      expect(sniffMatches(T.docx, b.zipEntry('docProps/app.xml'))).toBe(true);
      expect(sniffMatches(T.docx, b.zipEntry('word/document.xml'))).toBe(true);
      expect(sniffMatches(T.xlsx, b.zipEntry('word/document.xml'))).toBe(false);
      expect(sniffMatches(T.pptx, b.zipEntry('xl/workbook.xml'))).toBe(false);
      expect(sniffMatches(T.docx, b.zipEntry('payload.exe'))).toBe(false);
      expect(sniffMatches(T.docx, b.zipEntry('mimetype'))).toBe(false); // OpenDocument
      expect(sniffContent(T.docx, b.zipEntry('mimetype'))).toMatchObject({ message: expect.stringContaining('OpenDocument') });
    });

    it("spots another application's package among the entries in the window (a workbook renamed .docx)", () => {
      expect(sniffMatches(T.docx, b.xlsx())).toBe(false);
      expect(sniffMatches(T.xlsx, b.xlsx())).toBe(true);
      expect(sniffMatches(T.pptx, b.docx())).toBe(false);
      // Entries whose sizes follow in a data descriptor end the walk: what comes after is not judged.
      const deferred = b.zipEntry('[Content_Types].xml');
      deferred[6] = 0x08;
      expect(sniffMatches(T.docx, b.concat(deferred, b.zipEntry('xl/workbook.xml')))).toBe(true);
    });

    it('gives a header cut off by the window the benefit of the doubt, but not a whole file', () => {
      const cut = b.zipEntry('[Content_Types].xml').subarray(0, 35);
      expect(sniffMatches(T.docx, cut, { complete: false })).toBe(true);
      expect(sniffMatches(T.docx, cut, { complete: true })).toBe(false);
    });
  });

  describe('MP4', () => {
    it('accepts video brands and refuses still-image brands in the same container', () => {
      for (const brand of ['isom', 'mp41', 'avc1', 'M4V ', 'qt  ']) expect(sniffMatches(T.mp4, b.mp4(brand)), brand).toBe(true);
      for (const brand of ['heic', 'mif1', 'avif']) expect(sniffMatches(T.mp4, b.mp4(brand)), brand).toBe(false);
      expect(sniffMatches(T.mp4, b.concat([0, 0, 0, 4], 'ftypisom'))).toBe(false);
    });
  });

  describe('text', () => {
    it('accepts UTF-8 with or without BOM, and shebang scripts (documented decision)', () => {
      expect(sniffMatches(T.txt, b.concat('Café, niño, 学生\n'), { complete: true })).toBe(true);
      expect(sniffMatches(T.txt, b.concat('#!/usr/bin/env python3\nprint("hi")\n'), { complete: true })).toBe(true);
    });

    it('refuses NUL and other binary control bytes, invalid UTF-8 and UTF-16', () => {
      expect(sniffContent(T.txt, b.concat('abc\u0000def'))).toMatchObject({ ok: false, reason: 'not_text' });
      expect(sniffContent(T.csv, b.concat('a,b\u0002\n'))).toMatchObject({ ok: false, reason: 'not_text' });
      expect(sniffContent(T.csv, b.concat('a,b', [0xc3, 0x28], '\n'))).toMatchObject({ ok: false, reason: 'not_text' });
      expect(sniffContent(T.txt, b.concat([0xff, 0xfe], 'h\u0000i\u0000'))).toMatchObject({
        ok: false,
        message: expect.stringContaining('UTF-16'),
      });
      // Encoded surrogates and overlong forms are not UTF-8 either.
      expect(sniffMatches(T.txt, Uint8Array.from([0x61, 0xed, 0xa0, 0x80]), { complete: true })).toBe(false);
      expect(sniffMatches(T.txt, Uint8Array.from([0xc0, 0xaf]), { complete: true })).toBe(false);
    });

    it('refuses text that starts with a binary signature', () => {
      expect(sniffContent(T.txt, b.concat('MZ is how this note starts'))).toMatchObject({ ok: false, reason: 'executable' });
      expect(sniffContent(T.csv, b.concat('%PDF-1.4 but as csv'))).toMatchObject({ ok: false, reason: 'not_text' });
      expect(sniffContent(T.txt, b.zipEntry('[Content_Types].xml'))).toMatchObject({ ok: false, reason: 'not_text' });
    });

    it('lets a character cut by the end of the window pass, but not at the end of the file', () => {
      const text = b.concat('x'.repeat(SNIFF_WINDOW - 1), 'é').subarray(0, SNIFF_WINDOW);
      expect(sniffMatches(T.txt, text, { complete: false })).toBe(true);
      expect(sniffMatches(T.txt, text, { complete: true })).toBe(false);
    });
  });

  it('refuses empty input and unknown types', () => {
    expect(sniffMatches(T.txt, new Uint8Array(0), { complete: true })).toBe(false);
    expect(sniffContent('application/x-msdownload', b.windowsExe())).toMatchObject({ ok: false, reason: 'unsupported_type' });
  });
});
