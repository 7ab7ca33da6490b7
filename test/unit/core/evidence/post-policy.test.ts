import { describe, expect, it } from 'vitest';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { newId } from '#core/ids.ts';
import {
  buildUploadPolicy,
  DEFAULT_UPLOAD_EXPIRY_SECONDS,
  MAX_UPLOAD_EXPIRY_SECONDS,
  uploadExpiresAt,
  type PolicyCondition,
} from '#core/evidence/post-policy.ts';
import { evidenceKey, pendingKey } from '#core/evidence/object-keys.ts';
import { fileTypes } from '#core/evidence/file-types.ts';

const pathwayId = newId('pathway');
const evidenceId = newId('evidence');
const size = 1_234_567;
const input = { pathwayId, evidenceId, version: 2, contentType: 'application/pdf', size, fileName: 'Work-based learning plan.pdf' };

/**
 * S3's rules for a POST form against its policy, as documented: every condition holds,
 * and every form field (but the policy, the signature, the file and x-ignore-*) is
 * named by some condition.
 */
function s3Accepts(policy: { conditions: PolicyCondition[] }, form: Record<string, string>, contentLength: number): boolean {
  const value = (name: string) => Object.entries(form).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const named = new Set<string>();
  for (const c of policy.conditions) {
    if (Array.isArray(c)) {
      if (c[0] === 'content-length-range') {
        if (contentLength < c[1] || contentLength > c[2]) return false;
        continue;
      }
      const field = c[1].replace(/^\$/, '');
      named.add(field.toLowerCase());
      const v = value(field) ?? '';
      if (c[0] === 'eq' ? v !== c[2] : !v.startsWith(c[2])) return false;
    } else {
      for (const [field, expected] of Object.entries(c)) {
        named.add(field.toLowerCase());
        if (value(field) !== expected) return false;
      }
    }
  }
  const exempt = (k: string) => ['policy', 'x-amz-signature', 'file'].includes(k.toLowerCase()) || k.toLowerCase().startsWith('x-ignore-');
  return Object.keys(form).every((k) => exempt(k) || named.has(k.toLowerCase()));
}

async function signed(expiresInSeconds?: number) {
  const client = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoint: 'http://127.0.0.1:4569',
    forcePathStyle: true,
  });
  const built = buildUploadPolicy({ ...input, ...(expiresInSeconds ? { expiresInSeconds } : {}) });
  // Signing is local computation: no request leaves the process.
  const post = await createPresignedPost(client, { Bucket: 'evidence-bucket', ...built });
  const policy = JSON.parse(Buffer.from(post.fields.Policy!, 'base64').toString('utf8')) as {
    expiration: string;
    conditions: PolicyCondition[];
  };
  return { built, post, policy };
}

describe('buildUploadPolicy', () => {
  it('pins the exact server-generated key, the type, the exact size and the response', () => {
    const built = buildUploadPolicy(input);
    expect(built.Key).toBe(pendingKey(pathwayId, evidenceId, 2));
    expect(built.Expires).toBe(DEFAULT_UPLOAD_EXPIRY_SECONDS);
    expect(built.Conditions).toEqual(
      expect.arrayContaining([
        ['eq', '$key', built.Key],
        ['eq', '$Content-Type', 'application/pdf'],
        ['content-length-range', size, size],
        ['eq', '$success_action_status', '201'],
        ['eq', '$Content-Disposition', expect.stringMatching(/^attachment; filename="Work-based learning plan.pdf"/)],
      ]),
    );
    expect(built.Conditions.some((c) => Array.isArray(c) && c[0] === 'starts-with')).toBe(false);
    expect(built.Fields).toMatchObject({ 'Content-Type': 'application/pdf', success_action_status: '201' });
  });

  it('refuses values a checked declaration cannot have', () => {
    expect(() => buildUploadPolicy({ ...input, contentType: 'image/jpg' })).toThrow(TypeError);
    expect(() => buildUploadPolicy({ ...input, contentType: 'application/x-msdownload' })).toThrow(TypeError);
    expect(() => buildUploadPolicy({ ...input, size: 0 })).toThrow(RangeError);
    const pdfMax = fileTypes.find((t) => t.id === 'pdf')!.maxBytes;
    expect(() => buildUploadPolicy({ ...input, size: pdfMax + 1 })).toThrow(RangeError);
    expect(() => buildUploadPolicy({ ...input, expiresInSeconds: MAX_UPLOAD_EXPIRY_SECONDS + 1 })).toThrow(RangeError);
    expect(() => buildUploadPolicy({ ...input, expiresInSeconds: 10 })).toThrow(RangeError);
    expect(() => buildUploadPolicy({ ...input, pathwayId: `${pathwayId}/..` })).toThrow(TypeError);
    expect(uploadExpiresAt(new Date('2025-01-01T00:00:00Z'), 300).toISOString()).toBe('2025-01-01T00:05:00.000Z');
  });
});

describe('the signed policy document', () => {
  it('holds every condition, an exact key and no wildcard, and expires when asked', async () => {
    const { built, post, policy } = await signed(MAX_UPLOAD_EXPIRY_SECONDS);
    for (const condition of built.Conditions) expect(policy.conditions).toContainEqual(condition);
    expect(policy.conditions).toContainEqual({ key: built.Key });
    expect(policy.conditions).toContainEqual({ bucket: 'evidence-bucket' });
    expect(JSON.stringify(policy.conditions)).not.toContain('starts-with');
    expect(post.fields.key).toBe(built.Key);

    const date = post.fields['X-Amz-Date']!; // 20250101T000000Z, the signing time
    const signedAt = Date.parse(
      `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
    );
    expect(Date.parse(policy.expiration) - signedAt).toBe(MAX_UPLOAD_EXPIRY_SECONDS * 1000);
  });

  it('covers every field of the form the client gets (S3 refuses a form field the policy does not name)', async () => {
    const { post, policy } = await signed();
    expect(s3Accepts(policy, post.fields, size)).toBe(true);
  });

  it('would make S3 refuse another size, key, pathway, type or an extra field', async () => {
    const { post, policy } = await signed();
    expect(s3Accepts(policy, post.fields, size + 1)).toBe(false);
    expect(s3Accepts(policy, post.fields, size - 1)).toBe(false);
    const tampered: Record<string, string>[] = [
      { key: pendingKey(newId('pathway'), evidenceId, 2) },
      { key: evidenceKey(pathwayId, evidenceId, 2) },
      { key: pendingKey(pathwayId, evidenceId, 1) },
      { key: `pending/${pathwayId}/../../evidence/${pathwayId}/${evidenceId}/2` },
      { 'Content-Type': 'text/html' },
      { 'Content-Disposition': 'inline' },
      { 'x-amz-meta-owner': 'me' },
      { acl: 'public-read' },
    ];
    for (const change of tampered) expect(s3Accepts(policy, { ...post.fields, ...change }, size), JSON.stringify(change)).toBe(false);
  });
});
