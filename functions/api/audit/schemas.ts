/**
 * The audit event as the API answers it: the audit routes and the benefits routes (a
 * certification's history) share it, without bundling each other's routes.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { actorView, named } from '#lib/schemas.ts';

export const auditEventSchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      at: z.string(),
      actor: actorView(),
      action: z.string(),
      entity: z.object({ kind: z.string(), id: z.string() }),
      changes: z.array(z.object({ field: z.string(), from: z.optional(z.unknown()), to: z.optional(z.unknown()) })),
      scope: z.object({ kind: z.string(), id: z.string() }),
    }),
    'AuditEvent',
  ),
);
