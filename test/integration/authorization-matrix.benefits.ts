/**
 * The authorization matrix rows of the benefit routes and certification withdrawal (issue
 * 19), merged into matrixCases by authorization-matrix.cases.ts. Same roles and world:
 * everyone signed in reads the catalog; staff keep it, see the queue and the report, decide
 * requests and withdraw certifications; pathway A's team and its district lead read its
 * benefits and request.
 *
 * Pathway A holds no certification, so a request by a role allowed to make one is refused
 * with 422 (below the level): the cell proves both the policy and the level rule without
 * changing pathway A. Requests to decide or withdraw are written straight to the table.
 * Withdrawal works on a pathway of district A that nobody in the matrix is on (its
 * district lead sees it and is denied), each call on a fresh active certification.
 */
import { newId } from '#core/ids.ts';
import { certificationItem, seedCertification } from '#store/certifications.ts';
import { put, transact } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { createPathway, expectStatus } from '../support/registry-world.ts';
import type { MatrixRows, World } from './authorization-matrix.cases.ts';
import { jwtRow as row } from './authorization-matrix.rows.ts';

interface BenefitFixtures {
  benefitId: string;
  /** A pathway of district A with nobody of the matrix on its team. */
  districtPathway: string;
}

async function build(w: World): Promise<BenefitFixtures> {
  const created = await w.t.api<{ id: string }>('POST', '/benefits', {
    token: w.people.staff.token,
    body: {
      title: 'Matrix scholarships',
      description: 'Nominations.',
      kind: 'scholarship',
      minLevel: 'silver',
      capacity: { perPathway: 1000, period: 'year' },
      active: true,
    },
  });
  const benefitId = expectStatus(created, 201).json.id;
  const districtPathway = (await createPathway(w.t, w.people.staff, w.schoolA, { name: 'Matrix Benefits Academy' })).id;
  return { benefitId, districtPathway };
}

const fixtures = (w: World): Promise<BenefitFixtures> => ((w.ext.benefits as Promise<BenefitFixtures> | undefined) ??= build(w) as never);

/** A waiting request of pathway A, written directly (pathway A may not request: it holds no level). */
async function freshRequest(w: World): Promise<string> {
  const { benefitId } = await fixtures(w);
  const id = newId('benefitRequest');
  const at = new Date().toISOString();
  await transact([
    put({
      ...keys.benefitRequest(w.pathwayA, id),
      ...keys.benefitRequestIndexes('requested', at, id),
      _type: 'benefitRequest',
      id,
      pathwayId: w.pathwayA,
      districtId: w.districtA,
      benefitId,
      benefitTitle: 'Matrix scholarships',
      units: 1,
      window: at.slice(0, 4),
      status: 'requested',
      createdAt: at,
      requestedBy: { sub: 'matrix' },
    }),
    put({ ...keys.benefitUsage(w.pathwayA, benefitId, at.slice(0, 4)), _type: 'benefitUsage', used: 1000 }),
  ]);
  return id;
}

/** A fresh active certification of the district pathway (a gold one valid for decades). */
async function freshCertification(w: World): Promise<{ pathwayId: string; certificationId: string }> {
  const { districtPathway } = await fixtures(w);
  const c = seedCertification({
    id: newId('certification'),
    pathwayId: districtPathway,
    districtId: w.districtA,
    applicationId: newId('application'),
    level: 'gold',
    issuedAt: new Date().toISOString(),
    expiresOn: '2090-01-01',
    lapsed: false,
  });
  await transact([put(certificationItem(c))]);
  return { pathwayId: districtPathway, certificationId: c.id };
}

const signedInAll = row({
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

const staffOnNetwork = row({
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

/** Pathway A's benefits and requests: its team and its district lead. */
const pathwayAReaders = row({
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

/** Requesting for pathway A: allowed to the same people, then refused as pathway A is below the level. */
const belowLevel = row({ ...pathwayAReaders, staff: 422, districtLeadOwn: 422, pathwayLeadOwn: 422, pathwayMemberOwn: 422 });

/** Deciding pathway A's requests: staff; the readers see them but may not. */
const staffDecides = row({ ...pathwayAReaders, districtLeadOwn: 'D', pathwayLeadOwn: 'D', pathwayMemberOwn: 'D' });

/** Withdrawing a certification of a district A pathway: staff; its district lead sees it and is denied. */
const staffWithdraws = row({
  staff: 'A',
  districtLeadOwn: 'D',
  districtLeadOther: 'H',
  pathwayLeadOwn: 'H',
  pathwayLeadOther: 'H',
  pathwayMemberOwn: 'H',
  pathwayMemberOther: 'H',
  reviewerAssigned: 'H',
  reviewerNotAssigned: 'H',
});

const benefitBody = { title: 'Matrix coaching', description: 'Coaching visits.', kind: 'coaching', minLevel: 'candidacy', active: true };

export const benefitCases: Record<string, MatrixRows> = {
  listBenefits: { request: () => ({ path: '/benefits' }), expect: signedInAll },
  getBenefit: { request: async (w) => ({ path: `/benefits/${(await fixtures(w)).benefitId}` }), expect: signedInAll },
  createBenefit: { request: () => ({ path: '/benefits', body: benefitBody }), expect: staffOnNetwork },
  replaceBenefit: {
    request: async (w) => {
      const { benefitId } = await fixtures(w);
      const now = expectStatus(
        await w.t.api<{ revision: number }>('GET', `/benefits/${benefitId}`, { token: w.people.staff.token }),
        200,
      ).json;
      return {
        path: `/benefits/${benefitId}`,
        headers: { 'if-match': `"${now.revision}"` },
        body: {
          title: 'Matrix scholarships',
          description: 'Nominations.',
          kind: 'scholarship',
          minLevel: 'silver',
          capacity: { perPathway: 1000, period: 'year' },
          active: true,
        },
      };
    },
    expect: staffOnNetwork,
  },
  listBenefitAudit: { request: async (w) => ({ path: `/benefits/${(await fixtures(w)).benefitId}/audit` }), expect: staffOnNetwork },
  getBenefitReport: { request: () => ({ path: '/reports/benefits' }), expect: staffOnNetwork },
  listBenefitRequests: { request: () => ({ path: '/benefit-requests?status=requested' }), expect: staffOnNetwork },
  getPathwayBenefits: { request: (w) => ({ path: `/pathways/${w.pathwayA}/benefits` }), expect: pathwayAReaders },
  listPathwayBenefitRequests: { request: (w) => ({ path: `/pathways/${w.pathwayA}/benefit-requests` }), expect: pathwayAReaders },
  requestBenefit: {
    request: async (w) => ({
      path: `/pathways/${w.pathwayA}/benefit-requests`,
      body: { benefitId: (await fixtures(w)).benefitId, units: 1 },
    }),
    expect: belowLevel,
  },
  decideBenefitRequest: {
    request: async (w) => ({
      path: `/pathways/${w.pathwayA}/benefit-requests/${await freshRequest(w)}/decision`,
      body: { decision: 'approved' },
    }),
    expect: staffDecides,
  },
  withdrawBenefitRequest: {
    request: async (w) => ({ path: `/pathways/${w.pathwayA}/benefit-requests/${await freshRequest(w)}/withdraw` }),
    expect: pathwayAReaders,
  },
  withdrawCertification: {
    request: async (w) => {
      const c = await freshCertification(w);
      return {
        path: `/pathways/${c.pathwayId}/certifications/${c.certificationId}/withdraw`,
        body: { reason: 'Matrix: the program closed.' },
      };
    },
    expect: staffWithdraws,
  },
};
