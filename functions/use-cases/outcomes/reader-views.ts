/**
 * Numbers leave only through `viewFor`: staff get the raw counts, everyone else the view
 * suppressed with the school year's single network-wide pattern (store/outcomes.ts); the
 * suppression rules themselves are core's (core/outcomes).
 */
import { hasRole } from '#lib/principal.ts';
import type { AccessContext } from '#core/access.ts';
import { revealAll, type CountView, type OutcomeCounts } from '#core/outcomes/model.ts';
import type { EntityViewItem } from '#store/outcomes.ts';
import { viewsForReader } from '#store/outcomes-readers.ts';

/** The one door numbers leave through (after `forReader`). */
export function viewFor(access: AccessContext, item: { counts: OutcomeCounts; public: CountView }): CountView {
  return hasRole(access, 'staff') ? revealAll(item.counts) : item.public;
}

/**
 * The views as this reader may see them: staff and readers the year's shared pattern covers
 * get them as stored; a person holding roles beyond it gets views computed for everything
 * they know (store/outcomes-readers.ts, docs/outcomes.md "Coalitions").
 */
export async function forReader<T extends EntityViewItem>(
  access: AccessContext,
  items: readonly (T | undefined)[],
): Promise<(T | undefined)[]> {
  const present = items.filter((i): i is T => i !== undefined);
  if (hasRole(access, 'staff') || present.length === 0) return [...items];
  const mine = await viewsForReader(access.memberships, present);
  return items.map((i) => (i === undefined ? undefined : mine[present.indexOf(i)]));
}
