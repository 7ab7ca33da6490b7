/**
 * Audit reads. Existence is checked the same way as for the entity itself (a district
 * or pathway the caller cannot see is 404), then the audit right decides (403).
 */
import { authorize, loadAccess } from '../../use-cases/access.ts';
import { httpHandler, implement } from '../../lib/http.ts';
import { problems } from '../../lib/problem.ts';
import { listAudit } from '../../store/audit-read.ts';
import { getItem } from '../../store/db.ts';
import { keys } from '../../store/keys.ts';
import { getDistrict, getPathway } from '../../store/registry.ts';
import { districtTarget, pathwayTarget } from '../../use-cases/targets.ts';
import * as r from './routes.ts';

const options = (q: { limit?: number; cursor?: string; order?: 'oldest' | 'newest' }) => ({
  limit: q.limit,
  cursor: q.cursor,
  newestFirst: q.order === 'newest',
});

export const handler = httpHandler([
  implement(r.pathwayAudit, async (req) => {
    const p = await getPathway(req.params.pathwayId);
    if (!p) throw problems.notFound('pathway');
    authorize(await loadAccess(req.principal), 'audit.read', pathwayTarget(p), 'pathway');
    return { body: await listAudit({ kind: 'pathway', id: p.id }, options(req.query)) };
  }),

  implement(r.districtAudit, async (req) => {
    const d = await getDistrict(req.params.districtId);
    if (!d) throw problems.notFound('district');
    const access = await loadAccess(req.principal);
    authorize(access, 'district.read', districtTarget(d), 'district');
    // A district's trail spans all its pathways' creation and its contacts: network-level history.
    authorize(access, 'audit.read', { kind: 'network' });
    return { body: await listAudit({ kind: 'district', id: d.id }, options(req.query)) };
  }),

  implement(r.frameworkAudit, async (req) => {
    const f = await getItem<{ status?: string }>(keys.framework(req.params.frameworkId));
    if (!f) throw problems.notFound('framework');
    const access = await loadAccess(req.principal);
    const status = f.status === 'published' ? 'published' : 'draft';
    authorize(access, 'framework.read', { kind: 'framework', frameworkId: req.params.frameworkId, status }, 'framework');
    authorize(access, 'audit.read', { kind: 'network' });
    return { body: await listAudit({ kind: 'framework', id: req.params.frameworkId }, options(req.query)) };
  }),
]);
