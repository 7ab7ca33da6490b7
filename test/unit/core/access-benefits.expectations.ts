/**
 * The benefit and withdrawal actions' cells of the access matrix in access.test.ts (same
 * personas and targets), written out by hand from issue 19: everyone signed in reads the
 * catalog; a pathway's team and its district's contacts read its benefits; the team and the
 * district lead request; staff manage the catalog, decide requests and withdraw certifications.
 */
const everyone = { allow: ['benefit.read NET'], deny: ['benefit.manage NET'] };
const staffOnlyOn = (p: string) => [`benefit.decide ${p}`, `certification.withdraw ${p}`];

export const benefitsExpected = {
  districtLead: {
    allow: [...everyone.allow, ...['P1', 'P3'].flatMap((p) => [`benefit.pathway.read ${p}`, `benefit.request ${p}`])],
    deny: [...everyone.deny, ...['P1', 'P3'].flatMap(staffOnlyOn)],
  },
  districtData: {
    allow: [...everyone.allow, 'benefit.pathway.read P1', 'benefit.pathway.read P3'],
    deny: [...everyone.deny, ...['P1', 'P3'].flatMap((p) => [`benefit.request ${p}`, ...staffOnlyOn(p)])],
  },
  pathwayLead: {
    allow: [...everyone.allow, 'benefit.pathway.read P1', 'benefit.request P1'],
    deny: [...everyone.deny, ...staffOnlyOn('P1')],
  },
  pathwayMember: {
    allow: [...everyone.allow, 'benefit.pathway.read P1', 'benefit.request P1'],
    deny: [...everyone.deny, ...staffOnlyOn('P1')],
  },
  reviewer: { allow: [...everyone.allow], deny: [...everyone.deny] },
  outsider: { allow: [...everyone.allow], deny: [...everyone.deny] },
};
