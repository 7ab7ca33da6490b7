/**
 * Where a review round stands, as staff see it in their queue. The pipeline moves a round
 * along these; the route specs list them (so they live here, free of store code).
 *   assigning    - a seat waits for staff to assign a reviewer by hand (nobody qualified)
 *   reviewing    - every seat has a reviewer; reviews are being written
 *   adjudication - reviewers disagree; staff set final scores
 *   decision     - staff decide
 *   decided | withdrawn | failed - done, abandoned, or stopped with a recorded failure
 */
export const reviewStages = ['assigning', 'reviewing', 'adjudication', 'decision', 'decided', 'withdrawn', 'failed'] as const;
export type ReviewStage = (typeof reviewStages)[number];

/** Stages a round may still leave (for a failure or a withdrawal); a decided or withdrawn round stays as it is. */
export const FAILABLE_STAGES = ['assigning', 'reviewing', 'adjudication', 'decision', 'failed'] as const satisfies readonly ReviewStage[];

/** Stages of a round that is still running (not decided, withdrawn or failed). */
const RUNNING_STAGES = ['assigning', 'reviewing', 'adjudication', 'decision'] as const satisfies readonly ReviewStage[];

/** One stage move: the stage it leads to and the stages it may start from. */
export interface StageMove {
  readonly to: ReviewStage;
  readonly from: readonly ReviewStage[];
}

/**
 * Every move of a review round, by name: the only stage writes the pipeline makes (the
 * store's moveStage/stageUpdate take a name from here and condition the write on `from`).
 * A move to the stage the round is already at is listed where a task may repeat it after
 * a retry, so the repeat is a no-op rather than a lost race.
 */
export const stageMoves = {
  /** Every seat has a reviewer (assign.ts, await-review.ts). */
  seatsFilled: { to: 'reviewing', from: ['assigning'] },
  /** A seat lost its reviewer and no one qualified took it: staff must assign by hand (await-review.ts). */
  seatNeedsStaff: { to: 'assigning', from: ['reviewing', 'assigning'] },
  /** The reviewers disagree on some criterion (aggregate.ts). */
  reviewersDisagree: { to: 'adjudication', from: ['assigning', 'reviewing', 'adjudication'] },
  /** The scores are settled; staff decide (aggregate.ts, application not moved with it). */
  awaitDecision: { to: 'decision', from: ['assigning', 'reviewing', 'adjudication'] },
  /** The scores are settled and the application moves to decision_pending in the same write (aggregate.ts). */
  reviewsComplete: { to: 'decision', from: RUNNING_STAGES },
  /** Staff decided and the decision was applied (decide.ts). */
  decided: { to: 'decided', from: ['decision'] },
  /** A restart finds the decision already applied: the failed round ends as decided (prepare.ts). */
  decidedAfterFailure: { to: 'decided', from: ['failed'] },
  /** The application was withdrawn while its workflow ran (aggregate.ts, decide.ts). */
  withdrawnWhileRunning: { to: 'withdrawn', from: RUNNING_STAGES },
  /** The application was withdrawn, a failed round included (start.ts, prepare.ts). */
  withdrawn: { to: 'withdrawn', from: FAILABLE_STAGES },
  /** The workflow stopped with a recorded failure (record-failure.ts). */
  failed: { to: 'failed', from: FAILABLE_STAGES },
  /** Staff restarted a failed workflow: the round starts over from assignment (prepare.ts). */
  restarted: { to: 'assigning', from: ['failed'] },
} as const satisfies Record<string, StageMove>;

export type StageMoveName = keyof typeof stageMoves;

/** True when some move leads a round from `from` to `to`. */
export function canMoveStage(from: ReviewStage, to: ReviewStage): boolean {
  return Object.values(stageMoves).some((m: StageMove) => m.to === to && m.from.includes(from));
}
