/**
 * The network's progress toward the goal: read (one Query of precomputed items) and
 * recomputed. Recomputing reads the whole registry, so it runs off the request path
 * (recompute-progress.ts, on certification events and daily); staff may still force it.
 */
import type { AccessContext } from '#core/access.ts';
import { nowIso } from '#lib/clock.ts';
import type { Principal } from '#lib/principal.ts';
import { readNetworkProgress, type NetworkProgress } from '#store/outcomes-progress.ts';
import { authorize, loadAccess, withAccess } from '../access.ts';
import { recomputeNetworkProgress } from './recompute-progress.ts';

const NETWORK = { kind: 'network' } as const;

/** The progress report and the reader's access (the edge's CSV export checks it again). */
export async function getNetworkProgress(principal: Principal): Promise<{
  reader: AccessContext;
  progress: { current: NetworkProgress | null; byYear: Omit<NetworkProgress, 'byDistrict'>[]; stale: boolean };
}> {
  const [{ current, byYear }, reader] = await withAccess(principal, readNetworkProgress());
  authorize(reader, 'network.progress.read', NETWORK);
  const today = nowIso().slice(0, 10);
  // From nextExpiry on, the totals may still count a certification that has lapsed.
  const stale = current ? current.nextExpiry !== null && current.nextExpiry <= today : true;
  return { reader, progress: { current: current ?? null, byYear, stale } };
}

/** Staff force a recompute. */
export async function refreshNetworkProgress(principal: Principal): Promise<NetworkProgress> {
  authorize(await loadAccess(principal), 'network.progress.refresh', NETWORK);
  return recomputeNetworkProgress();
}
