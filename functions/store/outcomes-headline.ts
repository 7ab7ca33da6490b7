/**
 * A pathway's latest outcome headline: what its public profile (the directory) and its
 * applications (for reviewers and staff) show. Each pathway view carries its headline,
 * computed when the school year was recomputed (store/outcomes.ts, core/outcomes/headline.ts),
 * raw and suppressed; reading it is one Query, newest year first, one item, and needs no
 * outcome code in the reading function's bundle.
 */
import type { OutcomeHeadline } from '#core/outcomes/headline.ts';
import { queryPage } from './db.ts';
import * as keys from './keys.ts';

export type { OutcomeHeadline };

/**
 * The headline of the newest school year reported for the pathway: suppressed, or every
 * count when `raw` (staff only). Null when nothing was reported.
 */
export async function latestHeadline(pathwayId: string, raw = false): Promise<OutcomeHeadline | null> {
  const page = await queryPage({
    partition: { value: keys.outcomeViewPartition({ kind: 'pathway', id: pathwayId }) },
    skBeginsWith: 'YEAR#',
    ascending: false,
    limit: 1,
  });
  const latest = page.items[0] as { headline?: { raw: OutcomeHeadline; public: OutcomeHeadline } } | undefined;
  return latest?.headline?.[raw ? 'raw' : 'public'] ?? null;
}
