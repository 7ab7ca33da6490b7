/**
 * The generated TypeScript client (clients/typescript) against the running local API: a
 * frontend's calls, typed by the OpenAPI document, from registry to a response written
 * with If-Match, a cursor walk and a problem+json error. Nothing here casts a body: if the
 * document and the API disagree on a field this test reads, it fails to compile
 * (npx tsc --noEmit) or to run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPathcertClient,
  ifMatch,
  isProblem,
  type PathcertClient,
  type Pathway,
  type Problem,
  type RequestBodyOf,
  type ResponseOf,
} from '../../clients/typescript/src/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { unique } from '../support/registry-world.ts';

let t: TestPlatform;
let staff: PathcertClient;
let lead: PathcertClient;
let leadEmail: string;

const rubric = ['beginning', 'developing', 'meeting', 'excelling'].map((level) => ({
  level,
  descriptor: `${level} work on this criterion`,
}));

/** A two-criterion framework for candidacy, so the test owns the criteria it answers. */
const framework = (version: string): RequestBodyOf<'createFramework'> => ({
  version,
  title: `Client test standards ${version}`,
  components: [
    {
      id: 'RA',
      title: 'Rigorous academics',
      description: 'Academic core courses aligned to the pathway theme.',
      standards: [
        {
          id: 'RA-1',
          title: 'Course sequence',
          criteria: ['RA-1.1', 'RA-1.2'].map((id) => ({
            id,
            text: `Criterion ${id}: the pathway documents its four-year course sequence.`,
            levels: ['candidacy' as const],
            evidence: [{ kind: 'course_sequence' as const, description: 'Four-year course sequence', required: true }],
            rubric,
          })),
        },
      ],
    },
  ],
});

beforeAll(async () => {
  t = await startTestPlatform();
  // Tokens come from the local dev issuer; a frontend gets them from its identity provider.
  const staffToken = await t.token('staff');
  leadEmail = `lead-${Date.now().toString(36)}@example.org`;
  const leadToken = await t.platform.issuer.issueToken({ email: leadEmail, groups: [], expiresIn: '1h' });
  staff = createPathcertClient({ baseUrl: t.platform.apiUrl, token: staffToken });
  lead = createPathcertClient({ baseUrl: `${t.platform.apiUrl}/`, token: () => leadToken });
});

afterAll(() => t?.stop());

describe('@pathcert/client against the local API', () => {
  let pathway: Pathway;
  let application: ResponseOf<'openApplication'>;

  it('staff publish a framework and build the registry: district, school, two pathways', async () => {
    const created = await staff.POST('/frameworks', { body: framework(`2099.${Date.now() % 1000}`) });
    expect(created.error, JSON.stringify(created.error)).toBeUndefined();
    expect(created.response.status).toBe(201);
    const published = await staff.POST('/frameworks/{frameworkId}/publish', {
      params: { path: { frameworkId: created.data!.id }, header: { 'If-Match': ifMatch(created.data!.revision) } },
    });
    expect(published.data?.status).toBe('published');

    const district = await staff.POST('/districts', { body: { name: unique('Client District'), state: 'CA' } });
    expect(district.response.status).toBe(201);
    const school = await staff.POST('/districts/{districtId}/schools', {
      params: { path: { districtId: district.data!.id } },
      body: { name: unique('Client High') },
    });
    expect(school.response.status).toBe(201);
    for (const name of ['A Client Academy', 'B Client Academy']) {
      const made = await staff.POST('/schools/{schoolId}/pathways', {
        params: { path: { schoolId: school.data!.id } },
        body: {
          name: unique(name),
          sector: 'engineering_architecture',
          gradesServed: [9, 10, 11, 12],
          model: 'wall_to_wall_academy',
          enrollment: 200,
        },
      });
      expect(made.response.status, JSON.stringify(made.error)).toBe(201);
      pathway ??= made.data!;
    }
    expect(pathway.districtId).toBe(district.data!.id);

    // A cursor walk, at most one pathway per page, until nextCursor is absent (as with
    // DynamoDB, a full last page may still carry a cursor to an empty one).
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await staff.GET('/districts/{districtId}/pathways', {
        params: { path: { districtId: district.data!.id }, query: { limit: 1, ...(cursor ? { cursor } : {}) } },
      });
      expect(page.data!.items.length).toBeLessThanOrEqual(1);
      names.push(...page.data!.items.map((p) => p.name));
      cursor = page.data!.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 5);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(names).toHaveLength(2);
    expect(names[0]!.localeCompare(names[1]!)).toBeLessThan(0);
  });

  it('staff invite a lead, who accepts and opens a candidacy application', async () => {
    const invitation = await staff.POST('/pathways/{pathwayId}/invitations', {
      params: { path: { pathwayId: pathway.id } },
      body: { email: leadEmail, role: 'lead' },
    });
    expect(invitation.response.status, JSON.stringify(invitation.error)).toBe(201);
    const mine = await lead.GET('/me/invitations');
    expect(mine.data?.items.map((i) => i.id)).toContain(invitation.data!.id);
    const accepted = await lead.POST('/me/invitations/{invitationId}/accept', { params: { path: { invitationId: invitation.data!.id } } });
    expect(accepted.response.status).toBe(200);

    const opened = await lead.POST('/pathways/{pathwayId}/applications', {
      params: { path: { pathwayId: pathway.id } },
      body: { target: 'candidacy' },
    });
    expect(opened.response.status, JSON.stringify(opened.error)).toBe(201);
    application = opened.data!;
    expect(application.status).toBe('draft');
  });

  it('writes a response: the first write sends If-Match "0", the next the version it read', async () => {
    const path = { applicationId: application.id, criterionId: 'RA-1.1' };
    const first = await lead.PUT('/applications/{applicationId}/responses/{criterionId}', {
      params: { path, header: { 'If-Match': ifMatch(0) } },
      body: { narrative: 'Our four-year sequence is attached.' },
    });
    expect(first.response.status, JSON.stringify(first.error)).toBe(201);
    expect(first.data?.version).toBe(1);

    const second = await lead.PUT('/applications/{applicationId}/responses/{criterionId}', {
      params: { path, header: { 'If-Match': ifMatch(first.data!.version) } },
      body: { narrative: 'Our four-year sequence, revised.' },
    });
    expect(second.response.status).toBe(200);

    const read = await lead.GET('/applications/{applicationId}', { params: { path: { applicationId: application.id } } });
    expect(read.data?.responses.find((r) => r.criterionId === 'RA-1.1')?.narrative).toBe('Our four-year sequence, revised.');
  });

  it('errors arrive as typed problem+json: a stale If-Match is 412, a bad body 400 naming the field', async () => {
    const stale = await lead.PUT('/applications/{applicationId}/responses/{criterionId}', {
      params: { path: { applicationId: application.id, criterionId: 'RA-1.1' }, header: { 'If-Match': ifMatch(1) } },
      body: { narrative: 'Written from an old copy.' },
    });
    expect(stale.data).toBeUndefined();
    expect(stale.response.status).toBe(412);
    expect(stale.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem: Problem | undefined = stale.error;
    expect(isProblem(problem)).toBe(true);
    expect(problem?.status).toBe(412);

    const invalid = await staff.POST('/districts', { body: { name: '', state: 'CA' } });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error?.errors?.map((e) => `${e.in}:${e.field}`)).toContain('body:name');

    const denied = await lead.POST('/districts', { body: { name: unique('Not mine'), state: 'CA' } });
    expect(denied.response.status).toBe(403);
    expect(isProblem(denied.error)).toBe(true);
  });
});
