/**
 * The outcome, network and partner actions' cells of the access matrix in access.test.ts
 * (same personas and targets), written out by hand from issue 7: district leads and data
 * contacts submit and read their district's outcomes and its pathways'; a pathway team
 * reads its own pathway's; every signed-in person reads network progress and trends; export,
 * refresh and the network-wide partner list are staff work.
 */
const everyone = {
  allow: ['network.outcomes.read NET', 'network.progress.read NET'],
  deny: ['outcome.export NET', 'network.progress.refresh NET', 'partner.list NET'],
};

const ownPathways = ['P1', 'P3'];

export const outcomesExpected = {
  districtLead: {
    allow: [
      ...everyone.allow,
      'outcome.submit D1',
      'outcome.read D1',
      ...ownPathways.flatMap((p) => [`outcome.read ${p}`, `partner.read ${p}`, `partner.manage ${p}`]),
    ],
    deny: [...everyone.deny],
  },
  districtData: {
    allow: [
      ...everyone.allow,
      'outcome.submit D1',
      'outcome.read D1',
      ...ownPathways.flatMap((p) => [`outcome.read ${p}`, `partner.read ${p}`]),
    ],
    deny: [...everyone.deny, ...ownPathways.map((p) => `partner.manage ${p}`)],
  },
  pathwayLead: {
    allow: [...everyone.allow, 'outcome.read P1', 'partner.read P1', 'partner.manage P1'],
    deny: [...everyone.deny, 'outcome.submit D1', 'outcome.read D1'],
  },
  pathwayMember: {
    allow: [...everyone.allow, 'outcome.read P1', 'partner.read P1', 'partner.manage P1'],
    deny: [...everyone.deny, 'outcome.submit D1', 'outcome.read D1'],
  },
  reviewer: { allow: [...everyone.allow], deny: [...everyone.deny] },
  outsider: { allow: [...everyone.allow], deny: [...everyone.deny] },
};
