/**
 * Standards framework versions through the local HTTP API: who sees drafts, the whole tree
 * in one read, drafts edited with If-Match, publishing freezing a version, and the bounds
 * (schema, stored size) of a framework document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameworkContent } from '#core/framework.ts';
import { allCriteria } from '#core/framework.ts';
import { SEED_FRAMEWORK_ID, seedFramework } from '#core/seed-framework.ts';
import { queryAll } from '#store/db.ts';
import { FRAMEWORK_MAX_BYTES, putPublishedFramework } from '#store/frameworks.ts';
import * as keys from '#store/keys.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

type Summary = {
  id: string;
  version: string;
  status: string;
  revision: number;
  criteriaCount: number;
  criteriaByLevel: Record<string, number>;
};
type Page<T> = { items: T[]; nextCursor?: string };
type FrameworkBody = FrameworkContent & { id: string; status: string; revision: number; publishedAt?: string };
type ProblemBody = { status: number; type: string; errors?: { field: string; code?: string }[]; currentVersion?: number };

const rubric = (n: string) =>
  ['beginning', 'developing', 'meeting', 'excelling'].map((level) => ({ level, descriptor: `${level} descriptor for ${n}` }));

function doc(version: string, criteria = 1, descriptorLength = 40): FrameworkContent {
  return {
    version,
    title: `Test standards ${version}`,
    components: [
      {
        id: 'RA',
        title: 'Rigorous academics',
        description: 'Academic core courses aligned to the pathway theme.',
        standards: Array.from({ length: Math.ceil(criteria / 30) }, (_, s) => ({
          id: `RA-${s + 1}`,
          title: `Standard ${s + 1}`,
          criteria: Array.from({ length: Math.min(30, criteria - s * 30) }, (_, c) => ({
            id: `RA-${s + 1}.${c + 1}`,
            text: `Criterion ${s + 1}.${c + 1}`.padEnd(Math.min(descriptorLength, 1000), '.'),
            levels: ['candidacy' as const, 'silver' as const],
            evidence: [{ kind: 'course_sequence' as const, description: 'Four-year course sequence', required: true }],
            rubric: rubric(`${s}.${c}`).map((r) => ({ ...r, descriptor: r.descriptor.padEnd(Math.min(descriptorLength, 1000), 'x') })),
          })),
        })),
      },
    ],
  };
}

describe('frameworks', () => {
  let t: TestPlatform;
  let staff: string;
  let lead: string;
  let reviewer: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    await putPublishedFramework(seedFramework);
    staff = await t.token('staff', { email: 'fw-staff@example.org' });
    lead = await t.token('pathway', { email: 'fw-lead@example.org' });
    reviewer = await t.token('reviewer', { email: 'fw-reviewer@example.org' });
  });
  afterAll(() => t?.stop());

  it('putPublishedFramework is idempotent and never overwrites', async () => {
    const again = await putPublishedFramework(seedFramework);
    expect(again.created).toBe(false);
    expect(again.framework.revision).toBe(1);
  });

  it('the seed framework is read whole in one answer, with an ETag', async () => {
    const res = await t.api<FrameworkBody>('GET', `/frameworks/${SEED_FRAMEWORK_ID}`, { token: reviewer });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.json.status).toBe('published');
    expect(allCriteria(res.json)).toHaveLength(allCriteria(seedFramework).length);
    expect(res.json.components).toEqual(seedFramework.components);
    expect(res.json).not.toHaveProperty('PK');
    // The seed is far below the stored-size bound.
    expect(Buffer.byteLength(JSON.stringify(seedFramework))).toBeLessThan(FRAMEWORK_MAX_BYTES / 4);
  });

  it('staff create drafts (idempotently); others may not', async () => {
    const headers = { 'idempotency-key': 'fw-create-0001' };
    const first = await t.api<FrameworkBody>('POST', '/frameworks', { token: staff, body: doc('2027.1'), headers });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ status: 'draft', revision: 1, version: '2027.1' });
    expect(first.headers.get('location')).toBe(`/frameworks/${first.json.id}`);
    expect(first.headers.get('etag')).toBe('"1"');
    const replay = await t.api<FrameworkBody>('POST', '/frameworks', { token: staff, body: doc('2027.1'), headers });
    expect(replay.status).toBe(201);
    expect(replay.json.id).toBe(first.json.id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    const denied = await t.api<ProblemBody>('POST', '/frameworks', { token: lead, body: doc('2027.2') });
    expect(denied.status).toBe(403);
  });

  it('a draft is invisible to non-staff; lists show published versions to everyone and drafts to staff', async () => {
    const draft = await t.api<FrameworkBody>('POST', '/frameworks', { token: staff, body: doc('2028.1') });
    expect(draft.status).toBe(201);
    expect((await t.api('GET', `/frameworks/${draft.json.id}`, { token: lead })).status).toBe(404);
    expect((await t.api('GET', `/frameworks/${draft.json.id}`, { token: staff })).status).toBe(200);

    const forLead = await t.api<Page<Summary>>('GET', '/frameworks', { token: lead });
    expect(forLead.status).toBe(200);
    expect(forLead.json.items.every((f) => f.status === 'published')).toBe(true);
    expect(forLead.json.items.map((f) => f.id)).toContain(SEED_FRAMEWORK_ID);
    expect(forLead.json.items.map((f) => f.id)).not.toContain(draft.json.id);
    const askDrafts = await t.api<Page<Summary>>('GET', '/frameworks?status=draft', { token: lead });
    expect(askDrafts.json.items).toEqual([]);

    const forStaff = await t.api<Page<Summary>>('GET', '/frameworks', { token: staff });
    const ids = forStaff.json.items.map((f) => f.id);
    expect(ids).toContain(draft.json.id);
    expect(ids).toContain(SEED_FRAMEWORK_ID);
    // Newest first: the draft created last comes before the seed (created 2026-01-01).
    expect(ids.indexOf(draft.json.id)).toBeLessThan(ids.indexOf(SEED_FRAMEWORK_ID));
    const seed = forStaff.json.items.find((f) => f.id === SEED_FRAMEWORK_ID)!;
    expect(seed.criteriaCount).toBe(allCriteria(seedFramework).length);
    expect(seed).not.toHaveProperty('components');

    const onlyDrafts = await t.api<Page<Summary>>('GET', '/frameworks?status=draft', { token: staff });
    expect(onlyDrafts.json.items.length).toBeGreaterThan(0);
    expect(onlyDrafts.json.items.every((f) => f.status === 'draft')).toBe(true);

    const paged = await t.api<Page<Summary>>('GET', '/frameworks?limit=1', { token: staff });
    expect(paged.json.items).toHaveLength(1);
    expect(paged.json.nextCursor).toBeTruthy();
    const next = await t.api<Page<Summary>>('GET', `/frameworks?limit=1&cursor=${paged.json.nextCursor}`, { token: staff });
    expect(next.status).toBe(200);
    expect(next.json.items[0]?.id).not.toBe(paged.json.items[0]?.id);
  });

  it('drafts are replaced with If-Match; publishing freezes a version (PUT → 409)', async () => {
    const created = await t.api<FrameworkBody>('POST', '/frameworks', { token: staff, body: doc('2029.1') });
    const id = created.json.id;
    expect((await t.api<ProblemBody>('PUT', `/frameworks/${id}`, { token: staff, body: doc('2029.1', 2) })).status).toBe(428);
    const stale = await t.api<ProblemBody>('PUT', `/frameworks/${id}`, {
      token: staff,
      body: doc('2029.1', 2),
      headers: { 'if-match': '"7"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.json.currentVersion).toBe(1);
    const replaced = await t.api<FrameworkBody>('PUT', `/frameworks/${id}`, {
      token: staff,
      body: doc('2029.1', 2),
      headers: { 'if-match': '"1"' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json.revision).toBe(2);
    expect(allCriteria(replaced.json)).toHaveLength(2);

    const notStaff = await t.api('POST', `/frameworks/${id}/publish`, { token: lead, headers: { 'if-match': '"2"' } });
    expect(notStaff.status).toBe(404); // a draft is not even visible to non-staff
    const stalePublish = await t.api<ProblemBody>('POST', `/frameworks/${id}/publish`, { token: staff, headers: { 'if-match': '"1"' } });
    expect(stalePublish.status).toBe(412);
    const published = await t.api<FrameworkBody>('POST', `/frameworks/${id}/publish`, { token: staff, headers: { 'if-match': '"2"' } });
    expect(published.status).toBe(200);
    expect(published.json.status).toBe('published');
    expect(published.json.publishedAt).toBeTruthy();
    expect(published.headers.get('etag')).toBe('"3"');

    const edit = await t.api<ProblemBody>('PUT', `/frameworks/${id}`, {
      token: staff,
      body: doc('2029.1', 3),
      headers: { 'if-match': '"3"' },
    });
    expect(edit.status).toBe(409);
    const again = await t.api<ProblemBody>('POST', `/frameworks/${id}/publish`, { token: staff, headers: { 'if-match': '"3"' } });
    expect(again.status).toBe(409);
    const byLead = await t.api<ProblemBody>('PUT', `/frameworks/${id}`, {
      token: lead,
      body: doc('2029.1', 3),
      headers: { 'if-match': '"3"' },
    });
    expect(byLead.status).toBe(403); // published: visible, but only staff manage frameworks

    const now = await t.api<FrameworkBody>('GET', `/frameworks/${id}`, { token: lead });
    expect(allCriteria(now.json)).toHaveLength(2);
    // Every change is in the framework's audit trail.
    const trail = await queryAll(keys.auditPartition({ kind: 'framework', id }));
    expect(trail.map((e) => e.action)).toEqual(['framework.created', 'framework.updated', 'framework.published']);
    expect(trail[1]?.changes).toContainEqual({ field: 'components', from: { criteria: 1 }, to: { criteria: 2 } });
    // The highest published version number comes first for everyone.
    const list = await t.api<Page<Summary>>('GET', '/frameworks', { token: lead });
    expect(list.json.items[0]?.id).toBe(id);
  });

  it('refuses invalid documents: unknown fields, bad ids, structure errors', async () => {
    const unknown = await t.api<ProblemBody>('POST', '/frameworks', { token: staff, body: { ...doc('2030.1'), extra: true } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors?.some((e) => e.field === 'extra' && e.code === 'unknown_field')).toBe(true);

    const bad = doc('2030.1', 2);
    bad.components[0]!.standards[0]!.criteria[1]!.id = 'RA-1.1'; // duplicate
    const dup = await t.api<ProblemBody>('POST', '/frameworks', { token: staff, body: bad });
    expect(dup.status).toBe(400);
    expect(dup.json.errors?.some((e) => e.field.startsWith('components.0.standards.0.criteria.1'))).toBe(true);

    const wrongType = await t.api<ProblemBody>('POST', '/frameworks', { token: staff, body: { ...doc('2030.1'), version: 2030 } });
    expect(wrongType.status).toBe(400);
    const malformed = await t.api<ProblemBody>('POST', '/frameworks', {
      token: staff,
      body: '{"version":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect((await t.api('GET', '/frameworks/not-an-id', { token: staff })).status).toBe(400);
    expect((await t.api('GET', '/frameworks/fw_01KDVDNA0000000000000000ZZ', { token: staff })).status).toBe(404);
  });

  it('refuses a document too large to store as one item (413)', async () => {
    // 45 criteria with 1,000-character text and descriptors: about 230 KB, under the body limit.
    const big = doc('2031.1', 45, 1000);
    const bytes = Buffer.byteLength(JSON.stringify(big));
    expect(bytes).toBeGreaterThan(FRAMEWORK_MAX_BYTES);
    expect(bytes).toBeLessThan(262_144);
    const res = await t.api<ProblemBody>('POST', '/frameworks', { token: staff, body: big });
    expect(res.status).toBe(413);
    expect(res.json.type).toBe('urn:pathcert:problem:payload-too-large');
  });
});
