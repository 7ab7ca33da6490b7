/**
 * What a pathway's level unlocks: every benefit of the catalog at or below it, and for
 * capacity-limited ones the units used and left in the current window.
 */
import { capacityWindow, unlockedBy } from '#core/benefits.ts';
import { nowIso } from '#lib/clock.ts';
import type { Principal } from '#lib/principal.ts';
import { getEntitlement, usageOf, wholeCatalog } from '#store/benefits.ts';
import { pathwayFor } from '../targets.ts';

export async function getPathwayBenefits(principal: Principal, pathwayId: string) {
  const { pathway } = await pathwayFor(principal, pathwayId, 'benefit.pathway.read', true);
  const [entitlement, catalog] = await Promise.all([getEntitlement(pathway.id), wholeCatalog()]);
  // The pathway's level is the standing; the entitlement (written with it) says when and why it last changed.
  const level = pathway.certificationLevel;
  const ids = new Set(unlockedBy(level, catalog));
  const held = catalog.filter((b) => ids.has(b.id));
  const day = nowIso().slice(0, 10);
  const used = await usageOf(pathway.id, held, day);
  return {
    pathwayId: pathway.id,
    level,
    ...(entitlement ? { changedAt: entitlement.changedAt, cause: entitlement.cause } : {}),
    benefits: held.map((b) => ({
      id: b.id,
      title: b.title,
      kind: b.kind,
      minLevel: b.minLevel,
      ...(b.capacity
        ? {
            capacity: {
              ...b.capacity,
              window: capacityWindow(b.capacity.period, day),
              used: used[b.id] ?? 0,
              remaining: Math.max(0, b.capacity.perPathway - (used[b.id] ?? 0)),
            },
          }
        : {}),
    })),
  };
}
