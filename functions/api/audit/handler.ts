/** Audit trails of pathways, districts and frameworks (functions/use-cases/audit). */
import { httpHandler, implement } from '#lib/http.ts';
import { districtAudit, frameworkAudit, pathwayAudit, type AuditPage } from '#use-cases/audit/read-audit.ts';
import * as r from './routes.ts';

const page = (q: { limit?: number; cursor?: string; order?: 'oldest' | 'newest' }): AuditPage => ({
  limit: q.limit,
  cursor: q.cursor,
  newestFirst: q.order === 'newest',
});

export const handler = httpHandler([
  implement(r.pathwayAudit, async (req) => ({ body: await pathwayAudit(req.principal, req.params.pathwayId, page(req.query)) })),
  implement(r.districtAudit, async (req) => ({ body: await districtAudit(req.principal, req.params.districtId, page(req.query)) })),
  implement(r.frameworkAudit, async (req) => ({ body: await frameworkAudit(req.principal, req.params.frameworkId, page(req.query)) })),
]);
