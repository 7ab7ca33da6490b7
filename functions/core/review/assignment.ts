/**
 * Reviewer assignment: who reviews an application, decided by rules alone so the same
 * data always gives the same panel (a workflow retry or a second execution for the same
 * application must not reshuffle reviewers).
 *
 * Eligibility (any failure excludes the candidate, with every reason listed so staff see
 * why the pool ran dry):
 * - never a member of the pathway under review, never from the same district as the
 *   pathway, never someone who declared a conflict with that district or pathway;
 * - never a reviewer who recused or was reassigned away from this application before
 *   (bringing them back would undo a decision someone already made);
 * - available now, and below their own maximum of open assignments.
 *
 * Ranking among the eligible: fewer open assignments first (spread the work), then sector
 * expertise (a health-science reviewer reads a health-science pathway better), then a
 * stable hash of seed + application + reviewer. The hash rather than the id breaks ties so
 * that the alphabetically first reviewer is not always the one picked, while staying
 * reproducible and independent of the order candidates were listed in.
 */
import type { Level } from '../levels.ts';

/** A sanity bound on REVIEWERS_PER_LEVEL: more reviewers than this on one application is a typo, not a policy. */
export const MAX_REVIEWERS_PER_PANEL = 5;

export type ReviewRole = 'lead' | 'co-reviewer';

export interface AssignmentApplication {
  id: string;
  pathwayId: string;
  /** The district of the pathway's school. */
  districtId: string;
  sector: string;
  targetLevel: Level;
}

/** A date range a reviewer cannot review in. Date-only bounds cover the whole UTC day. */
export interface UnavailableRange {
  from: string;
  to: string;
}

export interface ReviewerCandidate {
  /** Person id (or the identity provider's sub): whatever the assignment records. */
  id: string;
  /** The district of the reviewer's home pathway or employer; absent for independent reviewers. */
  districtId?: string | undefined;
  /** Pathways the reviewer is a member of. */
  pathwayIds: readonly string[];
  conflicts?: { districtIds?: readonly string[]; pathwayIds?: readonly string[] } | undefined;
  sectors?: readonly string[] | undefined;
  /** A switch the reviewer (or staff) flips off for open-ended absence. Default true. */
  available?: boolean | undefined;
  unavailable?: readonly UnavailableRange[] | undefined;
  maxOpenAssignments: number;
  openAssignments: number;
  leadEligible: boolean;
}

export interface CurrentAssignment {
  reviewerId: string;
  role: ReviewRole;
}

export interface AssignmentConfig {
  /** Reviewers per application by target level; levels not listed use `defaultReviewers`. */
  reviewersPerLevel?: Partial<Record<Level, number>>;
  defaultReviewers?: number;
}

export const DEFAULT_REVIEWERS = 2;

export type ExclusionCode =
  | 'pathway-member'
  | 'same-district'
  | 'declared-district-conflict'
  | 'declared-pathway-conflict'
  | 'previously-recused'
  | 'already-assigned'
  | 'unavailable'
  | 'at-capacity';

/** Conflicts of interest and past recusals: no one, staff included, may override these. */
export const CONFLICT_CODES: ReadonlySet<ExclusionCode> = new Set<ExclusionCode>([
  'pathway-member',
  'same-district',
  'declared-district-conflict',
  'declared-pathway-conflict',
  'previously-recused',
]);

export interface ExclusionReason {
  code: ExclusionCode;
  message: string;
}

export interface CandidateExclusion {
  reviewerId: string;
  reasons: ExclusionReason[];
}

export interface AssignedReviewer {
  reviewerId: string;
  role: ReviewRole;
  /** false for a reviewer chosen by this call; true for one who was already on the panel. */
  kept: boolean;
  /** true when a kept co-reviewer was promoted to lead (the panel had lost its lead). */
  promoted?: boolean;
}

export interface AssignmentInput {
  application: AssignmentApplication;
  candidates: readonly ReviewerCandidate[];
  /** Reviewers on the panel now; they stay. */
  current?: readonly CurrentAssignment[];
  /** Reviewers who recused or were reassigned away from this application. */
  formerReviewerIds?: readonly string[];
  now: Date | string;
  config?: AssignmentConfig;
  /** Extra tiebreak salt (e.g. a round number) to draw a different, still reproducible, order. */
  seed?: string;
}

export type AssignmentResult =
  | {
      status: 'complete';
      panel: AssignedReviewer[];
      /** Reviewers chosen by this call (the ones to notify). */
      added: AssignedReviewer[];
      needed: number;
      excluded: CandidateExclusion[];
    }
  | {
      status: 'needs-manual-assignment';
      panel: AssignedReviewer[];
      added: AssignedReviewer[];
      needed: number;
      /** Seats still empty. */
      missing: number;
      /** true when nobody on the panel can lead. */
      missingLead: boolean;
      excluded: CandidateExclusion[];
    };

export function reviewersNeeded(level: Level, config: AssignmentConfig = {}): number {
  const n = config.reviewersPerLevel?.[level] ?? config.defaultReviewers ?? DEFAULT_REVIEWERS;
  // A panel always has a lead, so fewer than one reviewer is a configuration error.
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`reviewers needed for ${level} must be a positive integer, got ${n}`);
  return n;
}

/** 32-bit FNV-1a: tiny, stable across runtimes and releases, good enough to shuffle ties. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function toMs(value: Date | string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${String(value)}`);
  return ms;
}

/** Whether `now` falls in the range; a date-only `to` is inclusive of that whole day. */
export function inRange(range: UnavailableRange, now: Date | string): boolean {
  const t = toMs(now);
  const from = toMs(range.from);
  const to = DATE_ONLY.test(range.to) ? toMs(range.to) + DAY_MS : toMs(range.to) + 1;
  return t >= from && t < to;
}

interface Context {
  application: AssignmentApplication;
  now: Date | string;
  formerReviewerIds: ReadonlySet<string>;
  currentIds: ReadonlySet<string>;
}

/** What a person's memberships, home district and declared conflicts say about one application. */
export type ConflictSubject = Pick<ReviewerCandidate, 'districtId' | 'pathwayIds' | 'conflicts'>;

/**
 * The conflicts of interest between a person and an application's pathway, at assignment
 * and at every moment after: a seated reviewer who joins the team or the district, or
 * declares a conflict, is conflicted from then on (functions/pipeline/conflicts.ts).
 */
export function conflictReasons(c: ConflictSubject, app: Pick<AssignmentApplication, 'pathwayId' | 'districtId'>): ExclusionReason[] {
  const out: ExclusionReason[] = [];
  if (c.pathwayIds.includes(app.pathwayId)) {
    out.push({ code: 'pathway-member', message: 'Is a member of the pathway under review.' });
  }
  if (c.districtId !== undefined && c.districtId === app.districtId) {
    out.push({ code: 'same-district', message: "Comes from the pathway's own district." });
  }
  if (c.conflicts?.districtIds?.includes(app.districtId)) {
    out.push({ code: 'declared-district-conflict', message: "Declared a conflict of interest with the pathway's district." });
  }
  if (c.conflicts?.pathwayIds?.includes(app.pathwayId)) {
    out.push({ code: 'declared-pathway-conflict', message: 'Declared a conflict of interest with the pathway.' });
  }
  return out;
}

function reasonsFor(c: ReviewerCandidate, ctx: Context): ExclusionReason[] {
  const out = conflictReasons(c, ctx.application);
  if (ctx.formerReviewerIds.has(c.id)) {
    out.push({ code: 'previously-recused', message: 'Recused or was reassigned away from this application before.' });
  }
  if (ctx.currentIds.has(c.id)) {
    out.push({ code: 'already-assigned', message: 'Is already on the review panel.' });
  }
  if (c.available === false || (c.unavailable ?? []).some((r) => inRange(r, ctx.now))) {
    out.push({ code: 'unavailable', message: 'Is not available now.' });
  }
  if (c.openAssignments >= c.maxOpenAssignments) {
    out.push({
      code: 'at-capacity',
      message: `Already has ${c.openAssignments} open assignments (maximum ${c.maxOpenAssignments}).`,
    });
  }
  return out;
}

function rankKey(c: ReviewerCandidate, app: AssignmentApplication, seed: string): [number, number, number, string] {
  const expert = c.sectors?.includes(app.sector) ? 0 : 1;
  return [c.openAssignments, expert, stableHash(`${seed}\u0000${app.id}\u0000${c.id}`), c.id];
}

function compareKeys(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

function assertUniqueIds(candidates: readonly ReviewerCandidate[]): void {
  const seen = new Set<string>();
  for (const c of candidates) {
    // Two different records for one person would make the answer depend on input order.
    if (seen.has(c.id)) throw new Error(`duplicate reviewer candidate ${c.id}`);
    seen.add(c.id);
  }
}

export function assignReviewers(input: AssignmentInput): AssignmentResult {
  const { application, candidates } = input;
  assertUniqueIds(candidates);
  const seed = input.seed ?? '';
  const needed = reviewersNeeded(application.targetLevel, input.config);
  const formerReviewerIds = new Set(input.formerReviewerIds ?? []);
  // A former reviewer cannot also be a current one; trust the recusal over a stale panel row.
  const current = (input.current ?? []).filter((a) => !formerReviewerIds.has(a.reviewerId));
  const currentIds = new Set(current.map((a) => a.reviewerId));
  const ctx: Context = { application, now: input.now, formerReviewerIds, currentIds };

  const eligible: ReviewerCandidate[] = [];
  const excluded: CandidateExclusion[] = [];
  for (const c of candidates) {
    if (currentIds.has(c.id)) continue; // on the panel already: neither a pick nor an exclusion
    const reasons = reasonsFor(c, ctx);
    if (reasons.length === 0) eligible.push(c);
    else excluded.push({ reviewerId: c.id, reasons });
  }
  const keys = new Map(eligible.map((c) => [c.id, rankKey(c, application, seed)]));
  eligible.sort((a, b) => compareKeys(keys.get(a.id)!, keys.get(b.id)!));
  excluded.sort((a, b) => (a.reviewerId < b.reviewerId ? -1 : a.reviewerId > b.reviewerId ? 1 : 0));

  // Kept reviewers keep their seat and role, in a stable order (lead first, then by id).
  const panel: AssignedReviewer[] = [...current]
    .sort((a, b) => compareKeys([a.role === 'lead' ? 0 : 1, a.reviewerId], [b.role === 'lead' ? 0 : 1, b.reviewerId]))
    .map((a) => ({ reviewerId: a.reviewerId, role: a.role, kept: true }));
  const added: AssignedReviewer[] = [];
  let seats = Math.max(0, needed - panel.length);
  let hasLead = panel.some((p) => p.role === 'lead');

  if (!hasLead && seats > 0) {
    // The new lead is the best-ranked lead-eligible candidate, not necessarily the best-ranked one.
    const lead = eligible.find((c) => c.leadEligible);
    if (lead) {
      added.push({ reviewerId: lead.id, role: 'lead', kept: false });
      seats--;
      hasLead = true;
    }
  }
  for (const c of eligible) {
    if (seats === 0) break;
    if (added.some((a) => a.reviewerId === c.id)) continue;
    added.push({ reviewerId: c.id, role: 'co-reviewer', kept: false });
    seats--;
  }
  if (!hasLead) {
    // No newcomer can lead: promote a kept, lead-eligible co-reviewer, who already knows the file.
    const byId = new Map(candidates.map((c) => [c.id, c]));
    const promotable = panel
      .filter((p) => byId.get(p.reviewerId)?.leadEligible === true)
      .sort((a, b) =>
        compareKeys(rankKey(byId.get(a.reviewerId)!, application, seed), rankKey(byId.get(b.reviewerId)!, application, seed)),
      )[0];
    if (promotable) {
      promotable.role = 'lead';
      promotable.promoted = true;
      hasLead = true;
    }
  }

  const fullPanel = [...panel, ...added].sort((a, b) => (a.role === b.role ? 0 : a.role === 'lead' ? -1 : 1));
  const missing = Math.max(0, needed - fullPanel.length);
  if (missing === 0 && hasLead) return { status: 'complete', panel: fullPanel, added, needed, excluded };
  return { status: 'needs-manual-assignment', panel: fullPanel, added, needed, missing, missingLead: !hasLead, excluded };
}

export interface ManualAssignmentInput {
  application: AssignmentApplication;
  reviewer: ReviewerCandidate;
  role: ReviewRole;
  current?: readonly CurrentAssignment[];
  formerReviewerIds?: readonly string[];
  now: Date | string;
  /**
   * Staff may knowingly go past a reviewer's load limit or a recorded absence (the reviewer
   * agreed to it); each needs its own explicit flag so neither happens by accident.
   */
  override?: { load?: boolean; availability?: boolean };
}

export type ManualAssignmentCode = ExclusionCode | 'not-lead-eligible' | 'lead-already-assigned';

export interface ManualAssignmentCheck {
  ok: boolean;
  /** Reasons that block the assignment. */
  reasons: { code: ManualAssignmentCode; message: string }[];
  /** Reasons that would block it but were overridden by the flags given (for the audit trail). */
  overridden: ExclusionReason[];
}

/** Checks a staff hand-assignment against the same rules the automatic assignment uses. */
export function validateManualAssignment(input: ManualAssignmentInput): ManualAssignmentCheck {
  const formerReviewerIds = new Set(input.formerReviewerIds ?? []);
  const current = (input.current ?? []).filter((a) => !formerReviewerIds.has(a.reviewerId));
  const ctx: Context = {
    application: input.application,
    now: input.now,
    formerReviewerIds,
    currentIds: new Set(current.map((a) => a.reviewerId)),
  };
  const reasons: ManualAssignmentCheck['reasons'] = [];
  const overridden: ExclusionReason[] = [];
  for (const r of reasonsFor(input.reviewer, ctx)) {
    const allowed =
      (r.code === 'at-capacity' && input.override?.load === true) || (r.code === 'unavailable' && input.override?.availability === true);
    (allowed ? overridden : reasons).push(r);
  }
  if (input.role === 'lead') {
    if (!input.reviewer.leadEligible) {
      reasons.push({ code: 'not-lead-eligible', message: 'Is not eligible to lead a review.' });
    }
    // One lead per panel: the current lead must step down (or be reassigned) first.
    if (current.some((a) => a.role === 'lead' && a.reviewerId !== input.reviewer.id)) {
      reasons.push({ code: 'lead-already-assigned', message: 'The panel already has a lead.' });
    }
  }
  return { ok: reasons.length === 0, reasons, overridden };
}
