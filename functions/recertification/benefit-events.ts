/**
 * The BenefitsChanged event of a change store/benefits.ts computed (issue 19): one shape for
 * the three producers (decide.ts, the sweep's expiry, withdrawal).
 */
import type { DomainEventInput } from '#core/events.ts';
import type { BenefitsChange } from '#store/benefits.ts';

export function benefitsChangedEvent(c: BenefitsChange): DomainEventInput {
  return {
    detailType: 'BenefitsChanged',
    detail: {
      pathwayId: c.pathwayId,
      districtId: c.districtId,
      certificationId: c.certificationId,
      cause: c.cause,
      previousLevel: c.previousLevel,
      level: c.level,
      unlocked: c.unlocked,
      lost: c.lost,
    },
  };
}
