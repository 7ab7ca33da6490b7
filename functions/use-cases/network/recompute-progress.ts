/**
 * The schedule's and the certification events' recompute of the network's progress
 * (api/network/refresh-progress.ts): nobody to authorize, so this file stays free of the
 * access module and keeps that Lambda small.
 */
import { refreshNetworkProgress, type NetworkProgress } from '#store/outcomes-progress.ts';

export function recomputeNetworkProgress(): Promise<NetworkProgress> {
  return refreshNetworkProgress();
}
