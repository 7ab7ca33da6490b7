/**
 * The evidence actions' cells of the access matrix in access.test.ts (same personas and
 * targets), written out by hand from issue 4's rules: the team builds its library and the
 * district lead reads it; reviewers read only an assigned application's evidence and may
 * export it; everyone signed in reads staff resources, which only staff manage.
 */
const everyone = { allow: ['resource.read NET'], deny: ['resource.manage NET'] };

export const evidenceExpected = {
  districtLead: {
    allow: [
      ...everyone.allow,
      ...['P1', 'P3'].flatMap((p) => [`evidence.list ${p}`, `evidence.read ${p}`]),
      'evidence.read A1',
      'evidence.read A3',
    ],
    deny: [
      ...everyone.deny,
      ...['P1', 'P3'].flatMap((p) => [`evidence.upload ${p}`, `evidence.update ${p}`, `evidence.delete ${p}`]),
      ...['A1', 'A3'].flatMap((a) => [`export.request ${a}`, `export.read ${a}`]),
    ],
  },
  districtData: {
    allow: [...everyone.allow],
    deny: [
      ...everyone.deny,
      ...['P1', 'P3'].flatMap((p) => [
        `evidence.list ${p}`,
        `evidence.read ${p}`,
        `evidence.upload ${p}`,
        `evidence.update ${p}`,
        `evidence.delete ${p}`,
      ]),
    ],
  },
  pathwayLead: {
    allow: [
      ...everyone.allow,
      'evidence.list P1',
      'evidence.read P1',
      'evidence.upload P1',
      'evidence.update P1',
      'evidence.delete P1',
      'evidence.read A1',
    ],
    deny: [...everyone.deny, 'export.request A1', 'export.read A1'],
  },
  pathwayMember: {
    allow: [...everyone.allow, 'evidence.list P1', 'evidence.read P1', 'evidence.upload P1', 'evidence.update P1', 'evidence.read A1'],
    deny: [...everyone.deny, 'evidence.delete P1', 'export.request A1', 'export.read A1'],
  },
  reviewer: {
    allow: [...everyone.allow, 'evidence.read A1', 'export.request A1', 'export.read A1'],
    deny: [...everyone.deny],
  },
  outsider: { allow: [...everyone.allow], deny: [...everyone.deny] },
} as const satisfies Record<string, { allow: readonly string[]; deny: readonly string[] }>;
