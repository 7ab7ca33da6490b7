import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actorsFor,
  applicationStatuses,
  canTransition,
  checkTransition,
  editableStatuses,
  isApplicationStatus,
  isEditable,
  isOpen,
  isTerminal,
  nextStatuses,
  openStatuses,
  terminalStatuses,
  transitionActors,
  transitions,
  type ApplicationStatus,
} from '#core/application-status.ts';

// The expected table, written out independently of the module's.
const expected: Record<ApplicationStatus, ApplicationStatus[]> = {
  draft: ['submitted', 'withdrawn'],
  submitted: ['in_review', 'withdrawn'],
  in_review: ['decision_pending', 'withdrawn'],
  decision_pending: ['certified', 'revise_and_resubmit', 'not_yet', 'withdrawn'],
  revise_and_resubmit: ['submitted', 'withdrawn'],
  certified: [],
  not_yet: [],
  withdrawn: [],
};

const status = fc.constantFrom(...applicationStatuses);

describe('application status transitions', () => {
  it('allows exactly the moves of the table', () => {
    for (const from of applicationStatuses) {
      for (const to of applicationStatuses) {
        expect(canTransition(from, to), `${from} -> ${to}`).toBe(expected[from].includes(to));
      }
      expect([...nextStatuses(from)].sort()).toEqual([...expected[from]].sort());
    }
  });

  it('has no duplicate moves and every move names at least one actor', () => {
    const keys = transitions.map((t) => `${t.from}>${t.to}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of transitions) {
      expect(t.actors.length).toBeGreaterThan(0);
      for (const a of t.actors) expect(transitionActors).toContain(a);
    }
  });

  it('lets only the team lead submit and resubmit, only staff decide, and the pipeline or staff run review', () => {
    expect(actorsFor('draft', 'submitted')).toEqual(['team_lead']);
    expect(actorsFor('revise_and_resubmit', 'submitted')).toEqual(['team_lead']);
    for (const to of ['certified', 'revise_and_resubmit', 'not_yet'] as const) expect(actorsFor('decision_pending', to)).toEqual(['staff']);
    expect([...actorsFor('submitted', 'in_review')].sort()).toEqual(['staff', 'system']);
    expect([...actorsFor('in_review', 'decision_pending')].sort()).toEqual(['staff', 'system']);
    for (const from of openStatuses) expect([...actorsFor(from, 'withdrawn')].sort()).toEqual(['staff', 'team_lead']);
    expect(actorsFor('certified', 'draft')).toEqual([]);
  });

  it('explains refusals with a machine code', () => {
    expect(checkTransition('draft', 'submitted', 'team_lead')).toMatchObject({ ok: true, transition: { name: 'submit' } });
    expect(checkTransition('draft', 'certified', 'staff')).toMatchObject({ ok: false, code: 'invalid_transition' });
    expect(checkTransition('draft', 'submitted', 'staff')).toMatchObject({ ok: false, code: 'actor_not_allowed' });
    expect(checkTransition('decision_pending', 'certified', 'system')).toMatchObject({ ok: false, code: 'actor_not_allowed' });
  });

  it('partitions statuses into open and terminal; editable ones are open', () => {
    expect([...terminalStatuses].sort()).toEqual(['certified', 'not_yet', 'withdrawn']);
    expect([...openStatuses].sort()).toEqual(['decision_pending', 'draft', 'in_review', 'revise_and_resubmit', 'submitted']);
    expect([...editableStatuses].sort()).toEqual(['draft', 'revise_and_resubmit']);
    for (const s of applicationStatuses) {
      expect(isOpen(s)).toBe(!isTerminal(s));
      if (isEditable(s)) expect(isOpen(s)).toBe(true);
    }
    expect(isApplicationStatus('draft')).toBe(true);
    expect(isApplicationStatus('approved')).toBe(false);
  });

  it('reaches every status from draft, and a terminal status from every status', () => {
    const reachable = new Set<ApplicationStatus>(['draft']);
    const queue: ApplicationStatus[] = ['draft'];
    while (queue.length) {
      for (const n of nextStatuses(queue.shift()!)) {
        if (!reachable.has(n)) {
          reachable.add(n);
          queue.push(n);
        }
      }
    }
    expect([...reachable].sort()).toEqual([...applicationStatuses].sort());
    for (const s of applicationStatuses) {
      const seen = new Set<ApplicationStatus>([s]);
      const q = [s];
      while (q.length) {
        for (const n of nextStatuses(q.shift()!)) {
          if (!seen.has(n)) {
            seen.add(n);
            q.push(n);
          }
        }
      }
      expect([...seen].some(isTerminal), s).toBe(true);
    }
  });

  it('property: nothing leaves a terminal status, whatever is attempted', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(status, fc.constantFrom(...transitionActors)), { maxLength: 40 }), (attempts) => {
        let current: ApplicationStatus = 'draft';
        let terminalAt: ApplicationStatus | null = null;
        for (const [to, actor] of attempts) {
          if (checkTransition(current, to, actor).ok) current = to;
          if (terminalAt) expect(current).toBe(terminalAt);
          else if (isTerminal(current)) terminalAt = current;
        }
      }),
    );
  });

  it('property: responses can change only where the team may edit, and submission always comes from the lead', () => {
    fc.assert(
      fc.property(status, status, fc.constantFrom(...transitionActors), (from, to, actor) => {
        const r = checkTransition(from, to, actor);
        if (r.ok && to === 'submitted') {
          expect(actor).toBe('team_lead');
          expect(isEditable(from)).toBe(true);
        }
        if (r.ok && ['certified', 'not_yet', 'revise_and_resubmit'].includes(to)) expect(actor).toBe('staff');
      }),
    );
  });
});
