/**
 * Audit trails in time order: a pathway's (its changes, memberships and applications),
 * a district's (its record, schools, contacts and new pathways) and a framework's.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { route } from '#lib/route.ts';
import { idSchema, pageOf, pageQuery } from '#lib/schemas.ts';
import { auditEventSchema } from './schemas.ts';

const FN = 'audit' as const;
const TAGS = ['Audit'];

const auditQuery = /* @__PURE__ */ lazy(() => z.strictObject({ ...pageQuery(), order: z.optional(z.enum(['oldest', 'newest'])) }));

export const pathwayAudit = route({
  id: 'listPathwayAudit',
  method: 'GET',
  path: '/pathways/{pathwayId}/audit',
  fn: FN,
  auth: 'jwt',
  summary: "A pathway's audit trail (its lead, staff)",
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ pathwayId: idSchema('pathway') }),
    query: auditQuery(),
    response: pageOf(auditEventSchema()),
  }),
});

export const districtAudit = route({
  id: 'listDistrictAudit',
  method: 'GET',
  path: '/districts/{districtId}/audit',
  fn: FN,
  auth: 'jwt',
  summary: "A district's audit trail (staff)",
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ districtId: idSchema('district') }),
    query: auditQuery(),
    response: pageOf(auditEventSchema()),
  }),
});

export const frameworkAudit = route({
  id: 'listFrameworkAudit',
  method: 'GET',
  path: '/frameworks/{frameworkId}/audit',
  fn: FN,
  auth: 'jwt',
  summary: "A framework's audit trail (staff)",
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ frameworkId: idSchema('framework') }),
    query: auditQuery(),
    response: pageOf(auditEventSchema()),
  }),
});

export const auditRoutes = [pathwayAudit, districtAudit, frameworkAudit];
