/**
 * The certification view the threads and benefits routes share, without bundling each other's
 * routes.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { named } from '#lib/schemas.ts';

export const certificationView = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      level: z.string(),
      issuedOn: z.string(),
      validFrom: z.string(),
      /** The first day no longer valid. */
      expiresOn: z.string(),
      status: z.string(),
      /** Whether it continues an earlier certification without a gap. */
      continuous: z.boolean(),
      applicationId: z.optional(z.string()),
      previousCertificationId: z.optional(z.string()),
      /** Staff withdrew it (status `revoked`): when and why. */
      withdrawal: z.optional(z.object({ at: z.string(), reason: z.string() })),
    }),
    'Certification',
    {
      id: 'cert_01JD0000000000000000000000',
      level: 'silver',
      issuedOn: '2026-12-06',
      validFrom: '2026-12-06',
      expiresOn: '2028-12-06',
      status: 'active',
      continuous: true,
      applicationId: 'app_01JD0000000000000000000000',
      previousCertificationId: 'cert_01JC0000000000000000000000',
    },
  ),
);
