/**
 * The staff report: per catalog entry, the active pathways (and their students) its level
 * reaches and its requests by status; and how many pathways and students scholarships reach.
 */
import { unlockedBy } from '#core/benefits.ts';
import { nowIso } from '#lib/clock.ts';
import type { Principal } from '#lib/principal.ts';
import { allRequests, pathwayStandings, wholeCatalog, type Benefit, type BenefitRequest } from '#store/benefits.ts';
import { authorize, loadAccess } from '../access.ts';
import { NETWORK } from './load.ts';

export async function benefitReport(principal: Principal) {
  authorize(await loadAccess(principal), 'benefit.manage', NETWORK);
  const [catalog, pathways, requests] = await Promise.all([wholeCatalog(), pathwayStandings(), allRequests()]);
  const active = pathways.filter((p) => p.status === 'active');
  const reach = (b: Benefit) => active.filter((p) => unlockedBy(p.certificationLevel, [b]).length > 0);
  const scholarships = catalog.filter((b) => b.kind === 'scholarship' && b.active);
  const scholarshipPathways = active.filter((p) => unlockedBy(p.certificationLevel, scholarships).length > 0);
  return {
    computedAt: nowIso(),
    scholarshipPathways: scholarshipPathways.length,
    scholarshipStudents: scholarshipPathways.reduce((n, p) => n + (p.enrollment ?? 0), 0),
    benefits: catalog.map((b) => {
      const reached = reach(b);
      const mine = requests.filter((q) => q.benefitId === b.id);
      const count = (s: BenefitRequest['status']) => mine.filter((q) => q.status === s).length;
      return {
        id: b.id,
        title: b.title,
        kind: b.kind,
        minLevel: b.minLevel,
        active: b.active,
        pathways: reached.length,
        students: reached.reduce((n, p) => n + (p.enrollment ?? 0), 0),
        requests: {
          requested: count('requested'),
          approved: count('approved'),
          declined: count('declined'),
          withdrawn: count('withdrawn'),
        },
        unitsHeld: mine.filter((q) => q.status === 'requested' || q.status === 'approved').reduce((n, q) => n + q.units, 0),
      };
    }),
  };
}
