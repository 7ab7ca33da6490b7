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
