/** A reviewer's own review with what they score it against: the pinned framework, the frozen submission, the sessions. */
import type { Principal } from '#lib/principal.ts';
import type { Application } from '#store/application-reads.ts';
import type { StoredFramework } from '#store/frameworks.ts';
import { listSessions, type ReviewSession } from '#store/messages.ts';
import { readRound, type Review, type SnapshotResponse } from '#store/reviews.ts';
import { pinnedFramework } from '../applications/editing.ts';
import { loadMyReview } from './my-review.ts';

export interface MyReview {
  application: Application;
  review: Review;
  framework: StoredFramework;
  /** The submission as frozen when the round opened. */
  snapshot: SnapshotResponse[];
  sessions: ReviewSession[];
}

export async function getMyReview(principal: Principal, applicationId: string): Promise<MyReview> {
  const { application, review } = await loadMyReview(principal, applicationId);
  const [framework, view, sessions] = await Promise.all([
    pinnedFramework(application),
    readRound(application.id, review.round),
    listSessions(application.id),
  ]);
  return { application, review, framework, snapshot: view?.snapshot ?? [], sessions };
}
