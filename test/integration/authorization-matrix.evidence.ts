/**
 * The authorization matrix rows of the evidence and resource routes (issue 4), merged into
 * matrixCases by authorization-matrix.cases.ts. Same roles and world: pathway A's team
 * builds its library, its district lead reads it, reviewers see only applicationA's
 * evidence (they are assigned to it) and may export it; resources are read by everyone
 * signed in and managed by staff.
 *
 * Fixtures (built once, lazily, in w.ext.evidence): an item of pathway A with a verified
 * file, referenced by a response of applicationA; a resource with a verified file; an
 * export of applicationA.
 */
import { criteriaFor } from '#core/framework.ts';
import { seedFramework } from '#core/seed-framework.ts';
import { pdfBytes, postForm, type Declared, type Upload } from '../support/evidence.ts';
import { expectStatus } from '../support/registry-world.ts';
import type { MatrixRows, World } from './authorization-matrix.cases.ts';
import { jwtRow as row } from './authorization-matrix.rows.ts';

/** The library of pathway A: its team and its district lead. */
const libraryReaders = row({
  staff: 'A',
  districtLeadOwn: 'A',
  districtLeadOther: 'H',
  pathwayLeadOwn: 'A',
  pathwayLeadOther: 'H',
  pathwayMemberOwn: 'A',
  pathwayMemberOther: 'H',
  reviewerAssigned: 'H',
  reviewerNotAssigned: 'H',
});

/** Uploading and editing: the team (the district lead sees the library but does not write it). */
const libraryWriters = row({ ...libraryReaders, districtLeadOwn: 'D' });

/** Deleting an item: the pathway's lead. */
const libraryDeleters = row({ ...libraryReaders, districtLeadOwn: 'D', pathwayMemberOwn: 'D' });

/** An application's evidence: whoever sees applicationA, its assigned reviewer included. */
const applicationReaders = row({ ...libraryReaders, reviewerAssigned: 'A' });

/** Bulk export: staff and the assigned reviewer; the team and district lead see the application but may not. */
const exporters = row({
  staff: 'A',
  districtLeadOwn: 'D',
  districtLeadOther: 'H',
  pathwayLeadOwn: 'D',
  pathwayLeadOther: 'H',
  pathwayMemberOwn: 'D',
  pathwayMemberOther: 'H',
  reviewerAssigned: 'A',
  reviewerNotAssigned: 'H',
});

const everyoneSignedIn = row({
  staff: 'A',
  districtLeadOwn: 'A',
  districtLeadOther: 'A',
  pathwayLeadOwn: 'A',
  pathwayLeadOther: 'A',
  pathwayMemberOwn: 'A',
  pathwayMemberOther: 'A',
  reviewerAssigned: 'A',
  reviewerNotAssigned: 'A',
});

const staffOnly = row({
  staff: 'A',
  districtLeadOwn: 'D',
  districtLeadOther: 'D',
  pathwayLeadOwn: 'D',
  pathwayLeadOther: 'D',
  pathwayMemberOwn: 'D',
  pathwayMemberOther: 'D',
  reviewerAssigned: 'D',
  reviewerNotAssigned: 'D',
});

interface EvidenceFixtures {
  evidenceId: string;
  resourceId: string;
  exportId: string;
}

const pdf = (name: string) => ({ fileName: name, contentType: 'application/pdf', size: 1500 });

async function uploaded(w: World, upload: Upload): Promise<void> {
  const posted = await postForm(upload, pdfBytes(1500), 'matrix.pdf', 'application/pdf');
  if (posted.status !== 201) throw new Error(`upload answered ${posted.status}: ${posted.text}`);
  await w.t.platform.s3Settled();
}

async function build(w: World): Promise<EvidenceFixtures> {
  const staff = w.people.staff.token;
  const declared = expectStatus(
    await w.t.api<Declared>('POST', `/pathways/${w.pathwayA}/evidence`, {
      token: staff,
      body: { ...pdf('matrix.pdf'), title: 'Matrix evidence' },
    }),
    201,
  ).json;
  await uploaded(w, declared.upload);
  const evidenceId = declared.item.evidenceId;

  // applicationA references it (a criterion the applications rows do not write).
  const criteria = criteriaFor(seedFramework, 'candidacy').map((c) => c.criterion.id);
  const criterionId = criteria.at(-1)!;
  const app = expectStatus(
    await w.t.api<{ responses: { criterionId: string; version: number }[] }>('GET', `/applications/${w.applicationA}`, { token: staff }),
    200,
  ).json;
  const current = app.responses.find((r) => r.criterionId === criterionId)?.version ?? 0;
  expectStatus(
    await w.t.api('PUT', `/applications/${w.applicationA}/responses/${criterionId}`, {
      token: staff,
      body: { narrative: 'Evidence for the matrix.', evidence: [{ evidenceId }], version: current },
    }),
    current === 0 ? 201 : 200,
  );

  const resource = expectStatus(
    await w.t.api<{ resource: { resourceId: string }; upload: Upload }>('POST', '/resources', {
      token: staff,
      body: { ...pdf('exemplar.pdf'), kind: 'exemplar', title: 'Matrix exemplar' },
    }),
    201,
  ).json;
  await uploaded(w, resource.upload);

  const exported = expectStatus(
    await w.t.api<{ exportId: string }>('POST', `/applications/${w.applicationA}/exports`, { token: staff }),
    202,
  ).json;
  await w.t.platform.s3Settled();
  return { evidenceId, resourceId: resource.resource.resourceId, exportId: exported.exportId };
}

function fx(w: World): Promise<EvidenceFixtures> {
  return ((w.ext.evidence as Promise<EvidenceFixtures> | undefined) ??= build(w) as never);
}

async function freshItem(w: World): Promise<string> {
  const res = await w.t.api<Declared>('POST', `/pathways/${w.pathwayA}/evidence`, {
    token: w.people.staff.token,
    body: { ...pdf('throwaway.pdf'), title: 'Throwaway' },
  });
  return expectStatus(res, 201).json.item.evidenceId;
}

async function freshResource(w: World): Promise<string> {
  const res = await w.t.api<{ resource: { resourceId: string } }>('POST', '/resources', {
    token: w.people.staff.token,
    body: { ...pdf('throwaway.pdf'), kind: 'template', title: 'Throwaway' },
  });
  return expectStatus(res, 201).json.resource.resourceId;
}

async function revisionOf(w: World, path: string, field: 'item' | 'resource'): Promise<number> {
  const res = await w.t.api<Record<string, { revision: number }>>('GET', path, { token: w.people.staff.token });
  return expectStatus(res, 200).json[field]!.revision;
}

export const evidenceCases: Record<string, MatrixRows> = {
  declareEvidence: {
    request: (w) => ({ path: `/pathways/${w.pathwayA}/evidence`, body: { ...pdf('new.pdf'), title: 'New' } }),
    expect: libraryWriters,
  },
  listEvidence: { request: (w) => ({ path: `/pathways/${w.pathwayA}/evidence` }), expect: libraryReaders },
  getEvidence: {
    request: async (w) => ({ path: `/pathways/${w.pathwayA}/evidence/${(await fx(w)).evidenceId}` }),
    expect: libraryReaders,
  },
  updateEvidence: {
    request: async (w) => {
      const path = `/pathways/${w.pathwayA}/evidence/${(await fx(w)).evidenceId}`;
      return { path, body: { criterionIds: ['RA-1.1'] }, headers: { 'if-match': `"${await revisionOf(w, path, 'item')}"` } };
    },
    expect: libraryWriters,
  },
  deleteEvidence: {
    request: async (w) => ({ path: `/pathways/${w.pathwayA}/evidence/${await freshItem(w)}` }),
    expect: libraryDeleters,
  },
  declareEvidenceVersion: {
    request: async (w) => ({ path: `/pathways/${w.pathwayA}/evidence/${(await fx(w)).evidenceId}/versions`, body: pdf('v2.pdf') }),
    expect: libraryWriters,
  },
  listApplicationEvidence: { request: (w) => ({ path: `/applications/${w.applicationA}/evidence` }), expect: applicationReaders },
  getApplicationEvidence: {
    request: async (w) => ({ path: `/applications/${w.applicationA}/evidence/${(await fx(w)).evidenceId}` }),
    expect: applicationReaders,
  },
  requestEvidenceExport: { request: (w) => ({ path: `/applications/${w.applicationA}/exports` }), expect: exporters },
  getEvidenceExport: {
    request: async (w) => ({ path: `/applications/${w.applicationA}/exports/${(await fx(w)).exportId}` }),
    expect: exporters,
  },
  declareResource: { request: () => ({ path: '/resources', body: { ...pdf('r.pdf'), kind: 'exemplar', title: 'R' } }), expect: staffOnly },
  listResources: { request: () => ({ path: '/resources' }), expect: everyoneSignedIn },
  getResource: { request: async (w) => ({ path: `/resources/${(await fx(w)).resourceId}` }), expect: everyoneSignedIn },
  updateResource: {
    request: async (w) => {
      const path = `/resources/${(await fx(w)).resourceId}`;
      return { path, body: { criterionIds: ['RA-1.1'] }, headers: { 'if-match': `"${await revisionOf(w, path, 'resource')}"` } };
    },
    expect: staffOnly,
  },
  deleteResource: { request: async (w) => ({ path: `/resources/${await freshResource(w)}` }), expect: staffOnly },
  declareResourceVersion: {
    request: async (w) => ({ path: `/resources/${(await fx(w)).resourceId}/versions`, body: pdf('r2.pdf') }),
    expect: staffOnly,
  },
};
