/**
 * Staff resources: what kinds there are. An exemplar shows what meeting a criterion looks
 * like (a strong integrated project, a model advisory-board charter); a template is a
 * form to fill in (a work-based learning agreement, a student support plan).
 */
export const resourceKinds = ['exemplar', 'template'] as const;
export type ResourceKind = (typeof resourceKinds)[number];
