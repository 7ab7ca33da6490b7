/**
 * THE authorization policy. Every handler asks `decide(ctx, action, target)` and maps the
 * answer: 'allow' -> go on, 'deny' -> 403, 'hide' -> 404. No handler decides access on its
 * own, so the policy can be read, reviewed and tested as one matrix.
 *
 * Two questions make each decision:
 *  1. May the caller know the target exists (`canSee`)? If not, the answer is 'hide', so
 *     another pathway's application looks exactly like one that does not exist and ids
 *     cannot be probed.
 *  2. May the caller do this action? If not, but they can see the target, the answer is
 *     'deny': a member who cannot submit their own pathway's application deserves to know
 *     it is a permission matter, not a missing application.
 *
 * Only the `staff` group is taken from the token. Every scoped right (district, pathway,
 * reviewer) comes from membership and assignment records, which are the source of truth:
 * a token's groups can be an hour stale, but removing a membership takes effect at once.
 */

export const groups = ['staff', 'reviewer', 'district', 'pathway'] as const;
export type Group = (typeof groups)[number];

export type PathwayRole = 'lead' | 'member';
export type DistrictRole = 'lead' | 'data';

export type Membership =
  | {
      kind: 'pathway';
      pathwayId: string;
      role: PathwayRole;
      /** Where the pathway sits; lets the team read its own school and district records. */
      districtId?: string;
      schoolId?: string;
    }
  | { kind: 'district'; districtId: string; role: DistrictRole };

export interface Assignment {
  applicationId: string;
  /** Assignments end (review done, recusal, reassignment); only active ones grant access. */
  active: boolean;
}

export interface AccessContext {
  sub: string;
  groups: readonly Group[];
  memberships: readonly Membership[];
  assignments: readonly Assignment[];
}

/**
 * What an action is about. Handlers fill the ancestry (district, school, pathway) from the
 * stored record, never from the request, so a caller cannot claim a resource is in their
 * district. Creating actions target the parent (a school is created in a district).
 * Membership and audit are not kinds of their own: they are actions on the pathway,
 * application or network they belong to.
 */
export type Target =
  | { kind: 'network' }
  | { kind: 'district'; districtId: string }
  | { kind: 'school'; districtId: string; schoolId: string }
  | { kind: 'pathway'; districtId: string; schoolId?: string; pathwayId: string }
  | { kind: 'application'; districtId: string; schoolId?: string; pathwayId: string; applicationId: string }
  | { kind: 'framework'; frameworkId?: string; status: 'draft' | 'published' }
  /** Someone's person record (found by email): staff work, invisible to everyone else. */
  | { kind: 'person' };
export type TargetKind = Target['kind'];

export type Decision = 'allow' | 'deny' | 'hide';

/** Each action and the target kinds it applies to. */
export const actionTargetKinds = {
  // Registry: districts and schools are the Alliance's records; staff create and edit them.
  'district.create': ['network'],
  'district.list': ['network'],
  'district.read': ['district'],
  'district.update': ['district'],
  'district.membership.read': ['district'],
  'district.membership.manage': ['district'],
  // People: staff find someone by email to profile and seat them as a reviewer.
  'person.find': ['person'],
  'school.create': ['district'],
  'school.list': ['district'],
  'school.read': ['school'],
  'school.update': ['school'],
  'pathway.create': ['school'],
  'pathway.list': ['district', 'school'],
  'pathway.read': ['pathway'],
  'pathway.update': ['pathway'],
  'membership.read': ['pathway'],
  'membership.manage': ['pathway'],
  // Applications.
  'application.queue': ['network'],
  'application.open': ['pathway'],
  'application.list': ['pathway'],
  'application.read': ['application'],
  'application.edit': ['application'],
  'application.submit': ['application'],
  'application.withdraw': ['application'],
  'application.review': ['application'],
  'application.decide': ['application'],
  // Standards.
  'framework.list': ['network'],
  'framework.read': ['framework'],
  'framework.create': ['network'],
  'framework.manage': ['framework'],
  // History.
  'audit.read': ['network', 'pathway', 'application'],
  // Evidence: a pathway's library; on an application, the versions it references.
  'evidence.list': ['pathway'],
  'evidence.read': ['pathway', 'application'],
  'evidence.upload': ['pathway'],
  'evidence.update': ['pathway'],
  'evidence.delete': ['pathway'],
  'export.request': ['application'],
  'export.read': ['application'],
  // Staff's library of exemplars and templates.
  'resource.read': ['network'],
  'resource.manage': ['network'],
  // Outcome data (issue 7). Non-staff readers get suppressed views; staff get raw counts.
  'outcome.submit': ['district'],
  'outcome.read': ['district', 'pathway'],
  'outcome.export': ['network'],
  'network.outcomes.read': ['network'],
  'network.progress.read': ['network'],
  'network.progress.refresh': ['network'],
  // Work-based learning partners of a pathway; staff see them network-wide.
  'partner.read': ['pathway'],
  'partner.manage': ['pathway'],
  'partner.list': ['network'],
  // Review pipeline (issue 5): staff run it; the team and the panel talk in the application's thread.
  'review.queue': ['network'],
  'reviewer.manage': ['network'],
  'application.assign': ['application'],
  'application.adjudicate': ['application'],
  'application.workflow': ['application'],
  'application.thread.read': ['application'],
  'application.thread.post': ['application'],
  'application.decision.read': ['application'],
  // Network benefits by level (issue 19) and staff withdrawal of a certification.
  'benefit.read': ['network'],
  'benefit.manage': ['network'],
  'benefit.pathway.read': ['pathway'],
  'benefit.request': ['pathway'],
  'benefit.decide': ['pathway'],
  'certification.withdraw': ['pathway'],
} as const satisfies Record<string, readonly TargetKind[]>;

export type Action = keyof typeof actionTargetKinds;
export const actions = Object.keys(actionTargetKinds) as Action[];

export function actionsFor(kind: TargetKind): Action[] {
  return actions.filter((a) => (actionTargetKinds[a] as readonly TargetKind[]).includes(kind));
}

/** How the caller relates to one target; the rules below read only this. */
export interface Relation {
  staff: boolean;
  districtLead: boolean;
  districtData: boolean;
  pathwayLead: boolean;
  pathwayMember: boolean;
  /** Belongs to some pathway of the target's district (or school, for a school target). */
  teamInside: boolean;
  /** Holds an active review assignment for the target application. */
  assignedReviewer: boolean;
  /** For framework targets: whether the version is published. */
  published: boolean;
}

export function relationTo(ctx: AccessContext, target: Target): Relation {
  const r: Relation = {
    staff: ctx.groups.includes('staff'),
    districtLead: false,
    districtData: false,
    pathwayLead: false,
    pathwayMember: false,
    teamInside: false,
    assignedReviewer: false,
    published: target.kind === 'framework' && target.status === 'published',
  };
  if (target.kind === 'network' || target.kind === 'framework' || target.kind === 'person') return r;
  for (const m of ctx.memberships) {
    if (m.kind === 'district') {
      if (m.districtId !== target.districtId) continue;
      if (m.role === 'lead') r.districtLead = true;
      else r.districtData = true;
    } else {
      if ((target.kind === 'pathway' || target.kind === 'application') && m.pathwayId === target.pathwayId) {
        if (m.role === 'lead') r.pathwayLead = true;
        else r.pathwayMember = true;
      }
      if (target.kind === 'district' && m.districtId === target.districtId) r.teamInside = true;
      if (target.kind === 'school' && m.districtId === target.districtId && m.schoolId === target.schoolId) r.teamInside = true;
    }
  }
  if (target.kind === 'application') {
    r.assignedReviewer = ctx.assignments.some((a) => a.active && a.applicationId === target.applicationId);
  }
  return r;
}

const team = (r: Relation) => r.pathwayLead || r.pathwayMember;
const district = (r: Relation) => r.districtLead || r.districtData;

/**
 * Whether the caller may know the target exists.
 * - A district and a school are visible to their district's contacts and to teams inside.
 * - A pathway is visible to its district's contacts (lead and data) and its own team;
 *   never to reviewers, who see only what an assigned application shows them.
 * - An application is visible to its team, its district lead and its active reviewers;
 *   district data contacts work on outcome data, not on applications.
 * - A published framework is public to every signed-in caller; drafts are staff work.
 * - A person record (the staff lookup by email) is visible to staff only.
 */
export function canSee(ctx: AccessContext, target: Target): boolean {
  const r = relationTo(ctx, target);
  if (r.staff) return true;
  switch (target.kind) {
    case 'network':
      return true;
    case 'district':
    case 'school':
      return district(r) || r.teamInside;
    case 'pathway':
      return district(r) || team(r);
    case 'application':
      return r.districtLead || team(r) || r.assignedReviewer;
    case 'framework':
      return r.published;
    case 'person':
      // Hidden, not denied: a non-staff caller must not learn whether an address has an account.
      return false;
  }
}

type Rule = (r: Relation, target: Target) => boolean;
const staffOnly: Rule = () => false;

/**
 * Who besides staff may do each action (staff may do everything). Each rule is only asked
 * once `canSee` holds, so it never has to repeat the visibility conditions.
 */
const rules: Record<Action, Rule> = {
  // The registry's districts and schools are kept by staff so names and counties stay clean
  // across the network; a district lead asks staff for a new school.
  'district.create': staffOnly,
  'district.list': staffOnly,
  'district.read': () => true,
  'district.update': staffOnly,
  'district.membership.read': (r) => r.districtLead,
  // Adding a district lead grants every pathway of a district; staff vouch for that.
  'district.membership.manage': staffOnly,
  'person.find': staffOnly,
  'school.create': staffOnly,
  'school.list': (r) => district(r),
  'school.read': () => true,
  'school.update': staffOnly,
  // Districts decide which pathways they run; data contacts only read.
  'pathway.create': (r) => r.districtLead,
  'pathway.list': (r) => district(r),
  'pathway.read': () => true,
  'pathway.update': (r) => r.districtLead || r.pathwayLead,
  // Teammates may see who is on their team; the lead (and the district lead, who creates a
  // pathway and must be able to name its first lead) manages it.
  'membership.read': (r) => r.districtLead || team(r),
  'membership.manage': (r) => r.districtLead || r.pathwayLead,
  'application.queue': staffOnly,
  // Opening, submitting and withdrawing commit the whole team, so only its lead does them.
  'application.open': (r) => r.pathwayLead,
  'application.list': (r) => r.districtLead || team(r),
  'application.read': () => true,
  // Members write drafts with the lead. Whether the status still allows edits is the state
  // machine's question (application-status.ts, answered with 409), not an access question.
  'application.edit': (r) => team(r),
  'application.submit': (r) => r.pathwayLead,
  'application.withdraw': (r) => r.pathwayLead,
  // Scoring is for assigned reviewers; a team can never score itself.
  'application.review': (r) => r.assignedReviewer,
  'application.decide': staffOnly,
  'framework.list': () => true,
  'framework.read': () => true,
  'framework.create': staffOnly,
  'framework.manage': staffOnly,
  // A pathway's history is the lead's to inspect; members and district contacts ask the lead.
  'audit.read': (r, t) => t.kind !== 'network' && r.pathwayLead,
  // The team builds its library; the district lead, who oversees the pathway's
  // applications, reads it. Data contacts work on outcome data, not on evidence.
  'evidence.list': (r) => r.districtLead || team(r),
  // Reviewers never see a library, only the evidence of an application assigned to them
  // (and there, only the versions it references: the handler checks the reference).
  'evidence.read': (r, t) => r.districtLead || team(r) || (t.kind === 'application' && r.assignedReviewer),
  'evidence.upload': (r) => team(r),
  'evidence.update': (r) => team(r),
  // Removing an item takes it from the whole team's library (and from draft links): the lead's call.
  'evidence.delete': (r) => r.pathwayLead,
  // A bulk download of an application's evidence is reading for a review; teams have their library.
  'export.request': (r) => r.assignedReviewer,
  'export.read': (r) => r.assignedReviewer,
  // Exemplars and templates are for every signed-in person; staff curate them.
  'resource.read': () => true,
  'resource.manage': staffOnly,
  // District leads and data contacts report their district's counts (and its pathways').
  'outcome.submit': (r) => district(r),
  // A team reads its own pathway's (suppressed) outcomes; a district's whole report is for
  // its contacts, not for a team inside it (the pathway comparison shows the district's rates).
  'outcome.read': (r, t) => district(r) || (t.kind === 'pathway' && team(r)),
  'outcome.export': staffOnly,
  // Network-wide suppressed trends and progress toward the goal: every signed-in person.
  'network.outcomes.read': () => true,
  'network.progress.read': () => true,
  'network.progress.refresh': staffOnly,
  'partner.read': (r) => district(r) || team(r),
  'partner.manage': (r) => r.districtLead || team(r),
  'partner.list': staffOnly,
  // The review queue, the reviewer pool, calibration and the workflow itself are staff work.
  'review.queue': staffOnly,
  'reviewer.manage': staffOnly,
  'application.assign': staffOnly,
  'application.adjudicate': staffOnly,
  'application.workflow': staffOnly,
  // The thread is between the team, the panel and staff; a district lead follows outcomes,
  // not the conversation.
  'application.thread.read': (r) => team(r) || r.assignedReviewer,
  'application.thread.post': (r) => team(r) || r.assignedReviewer,
  // The decision letter is the team's (and their district lead's); reviewers' work ends with the decision.
  'application.decision.read': (r) => team(r) || r.districtLead,
  // The catalog of active benefits is for every signed-in person; staff keep it, see the
  // inactive entries, the request queue and the report, and decide requests.
  'benefit.read': () => true,
  'benefit.manage': staffOnly,
  // A pathway's benefits and requests: its team and its district's contacts read them; the
  // team and the district lead (who nominates students with the school) request.
  'benefit.pathway.read': (r) => district(r) || team(r),
  'benefit.request': (r) => team(r) || r.districtLead,
  'benefit.decide': staffOnly,
  // Withdrawing a certification is a certification decision: staff only.
  'certification.withdraw': staffOnly,
};

export interface Explained {
  decision: Decision;
  /** Why, for logs and audit: which relation allowed it, or which check failed. */
  reason: 'staff' | 'permitted' | 'not_visible' | 'not_permitted';
}

/** The decision and why. Throws on an action used with a target kind it does not take: that is a bug in the caller. */
export function explain(ctx: AccessContext, action: Action, target: Target): Explained {
  const kinds = actionTargetKinds[action] as readonly TargetKind[] | undefined;
  if (!kinds) throw new TypeError(`unknown action ${String(action)}`);
  if (!kinds.includes(target.kind)) throw new TypeError(`${action} does not apply to a ${target.kind}`);
  if (ctx.groups.includes('staff')) return { decision: 'allow', reason: 'staff' };
  if (!canSee(ctx, target)) return { decision: 'hide', reason: 'not_visible' };
  if (rules[action](relationTo(ctx, target), target)) return { decision: 'allow', reason: 'permitted' };
  return { decision: 'deny', reason: 'not_permitted' };
}

export function decide(ctx: AccessContext, action: Action, target: Target): Decision {
  return explain(ctx, action, target).decision;
}

/** The HTTP status a refusal maps to; undefined for 'allow'. */
export function refusalStatus(decision: Decision): 403 | 404 | undefined {
  return decision === 'deny' ? 403 : decision === 'hide' ? 404 : undefined;
}

/** The pathway roles a caller holds, for handlers that need the actor of a status move. */
export function pathwayRole(ctx: AccessContext, pathwayId: string): PathwayRole | null {
  let role: PathwayRole | null = null;
  for (const m of ctx.memberships) {
    if (m.kind === 'pathway' && m.pathwayId === pathwayId) {
      if (m.role === 'lead') return 'lead';
      role = 'member';
    }
  }
  return role;
}
