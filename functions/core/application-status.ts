/**
 * The life of an application as a state machine. The table below is the single statement
 * of which moves exist and who may make them; handlers, the review pipeline and the staff
 * decision all check here before writing a status.
 */
export const applicationStatuses = [
  'draft',
  'submitted',
  'in_review',
  'decision_pending',
  'certified',
  'revise_and_resubmit',
  'not_yet',
  'withdrawn',
] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];

/**
 * Who triggers a move. `team_lead` is the pathway lead (members edit but never move an
 * application, because submitting commits the whole team); `system` is the review pipeline;
 * `staff` are certification staff.
 */
export const transitionActors = ['team_lead', 'system', 'staff'] as const;
export type TransitionActor = (typeof transitionActors)[number];

export interface Transition {
  from: ApplicationStatus;
  to: ApplicationStatus;
  /** A name for the move, used in audit events and notifications. */
  name: string;
  actors: readonly TransitionActor[];
}

// Staff may withdraw on a team's behalf (e.g. a pathway that closed) and may push review
// forward when the pipeline cannot (e.g. a reviewer left); they never submit for a team.
const withdrawers: readonly TransitionActor[] = ['team_lead', 'staff'];

export const transitions: readonly Transition[] = Object.freeze([
  { from: 'draft', to: 'submitted', name: 'submit', actors: ['team_lead'] },
  { from: 'draft', to: 'withdrawn', name: 'withdraw', actors: withdrawers },
  { from: 'submitted', to: 'in_review', name: 'start_review', actors: ['system', 'staff'] },
  { from: 'submitted', to: 'withdrawn', name: 'withdraw', actors: withdrawers },
  { from: 'in_review', to: 'decision_pending', name: 'reviews_complete', actors: ['system', 'staff'] },
  { from: 'in_review', to: 'withdrawn', name: 'withdraw', actors: withdrawers },
  { from: 'decision_pending', to: 'certified', name: 'certify', actors: ['staff'] },
  { from: 'decision_pending', to: 'revise_and_resubmit', name: 'request_revision', actors: ['staff'] },
  { from: 'decision_pending', to: 'not_yet', name: 'not_yet', actors: ['staff'] },
  { from: 'decision_pending', to: 'withdrawn', name: 'withdraw', actors: withdrawers },
  { from: 'revise_and_resubmit', to: 'submitted', name: 'resubmit', actors: ['team_lead'] },
  { from: 'revise_and_resubmit', to: 'withdrawn', name: 'withdraw', actors: withdrawers },
] satisfies Transition[]);

/** Decided or abandoned: nothing moves out of these, and they no longer block a new application. */
export const terminalStatuses: readonly ApplicationStatus[] = ['certified', 'not_yet', 'withdrawn'];

/** Statuses that count toward "one open application per pathway". */
export const openStatuses: readonly ApplicationStatus[] = applicationStatuses.filter((s) => !terminalStatuses.includes(s));

/**
 * The team may change responses only before submission and when staff asked for revision;
 * from submission to decision the reviewers must see exactly what was submitted.
 */
export const editableStatuses: readonly ApplicationStatus[] = ['draft', 'revise_and_resubmit'];

export function isApplicationStatus(value: unknown): value is ApplicationStatus {
  return typeof value === 'string' && (applicationStatuses as readonly string[]).includes(value);
}

export const isOpen = (s: ApplicationStatus): boolean => openStatuses.includes(s);
export const isEditable = (s: ApplicationStatus): boolean => editableStatuses.includes(s);
export const isTerminal = (s: ApplicationStatus): boolean => terminalStatuses.includes(s);

export function findTransition(from: ApplicationStatus, to: ApplicationStatus): Transition | undefined {
  return transitions.find((t) => t.from === from && t.to === to);
}

export function canTransition(from: ApplicationStatus, to: ApplicationStatus): boolean {
  return findTransition(from, to) !== undefined;
}

export function nextStatuses(from: ApplicationStatus): ApplicationStatus[] {
  return transitions.filter((t) => t.from === from).map((t) => t.to);
}

export function actorsFor(from: ApplicationStatus, to: ApplicationStatus): readonly TransitionActor[] {
  return findTransition(from, to)?.actors ?? [];
}

export type TransitionCheck =
  { ok: true; transition: Transition } | { ok: false; code: 'invalid_transition' | 'actor_not_allowed'; message: string };

/**
 * A move checked for both shape and actor. `invalid_transition` maps to 409 (the
 * application is not in a state that allows it); `actor_not_allowed` to 403.
 */
export function checkTransition(from: ApplicationStatus, to: ApplicationStatus, actor: TransitionActor): TransitionCheck {
  const transition = findTransition(from, to);
  if (!transition) {
    return { ok: false, code: 'invalid_transition', message: `An application cannot move from ${from} to ${to}.` };
  }
  if (!transition.actors.includes(actor)) {
    return {
      ok: false,
      code: 'actor_not_allowed',
      message: `Only ${transition.actors.join(' or ')} may ${transition.name.replace(/_/g, ' ')}.`,
    };
  }
  return { ok: true, transition };
}
