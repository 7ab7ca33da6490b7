/** Staff (and whoever may assign reviewers) decide whether the team sees reviewers' names. */
import { PreconditionFailedError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { getThreadSettings, putThreadSettings, type ThreadSettings } from '#store/messages.ts';
import type { Deferred } from '../deferred.ts';
import { loadThread } from './thread-access.ts';

export interface ThreadSettingsInput {
  applicationId: string;
  revealReviewerNames: boolean;
  /** The version the caller edited (0: never set); read once the caller is authorized. */
  expectedVersion: Deferred<number>;
}

export async function updateThreadSettings(principal: Principal, input: ThreadSettingsInput): Promise<ThreadSettings> {
  const { application } = await loadThread(principal, input.applicationId, 'application.assign');
  const version = input.expectedVersion();
  const out = await putThreadSettings({ applicationId: application.id, revealReviewerNames: input.revealReviewerNames }, version);
  if (out === 'stale') throw new PreconditionFailedError((await getThreadSettings(application.id)).version);
  return out;
}
