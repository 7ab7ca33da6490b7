/**
 * The review pipeline actions' cells of the access matrix in access.test.ts (same
 * personas and targets), written out by hand from issue 5's rules: staff run the review
 * (queue, reviewer pool, hand assignment, adjudication, workflow); the team and the
 * assigned reviewers share the application's thread; the decision letter is the team's
 * and their district lead's.
 */
const everyone = { allow: [] as string[], deny: ['review.queue NET', 'reviewer.manage NET'] };
const staffWork = (a: string) => [`application.assign ${a}`, `application.adjudicate ${a}`, `application.workflow ${a}`];

export const reviewExpected = {
  districtLead: {
    allow: [...everyone.allow, 'application.decision.read A1', 'application.decision.read A3'],
    deny: [
      ...everyone.deny,
      ...['A1', 'A3'].flatMap((a) => [...staffWork(a), `application.thread.read ${a}`, `application.thread.post ${a}`]),
    ],
  },
  districtData: { allow: [...everyone.allow], deny: [...everyone.deny] },
  pathwayLead: {
    allow: [...everyone.allow, 'application.thread.read A1', 'application.thread.post A1', 'application.decision.read A1'],
    deny: [...everyone.deny, ...staffWork('A1')],
  },
  pathwayMember: {
    allow: [...everyone.allow, 'application.thread.read A1', 'application.thread.post A1', 'application.decision.read A1'],
    deny: [...everyone.deny, ...staffWork('A1')],
  },
  reviewer: {
    allow: [...everyone.allow, 'application.thread.read A1', 'application.thread.post A1'],
    deny: [...everyone.deny, ...staffWork('A1'), 'application.decision.read A1'],
  },
  outsider: { allow: [...everyone.allow], deny: [...everyone.deny] },
} as const satisfies Record<string, { allow: readonly string[]; deny: readonly string[] }>;
