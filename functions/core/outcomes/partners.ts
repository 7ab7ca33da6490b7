/** How a work-based learning partner engages students, from a single day to an ongoing relationship. */
export const engagementKinds = ['single_day', 'short_term', 'ongoing'] as const;
export type EngagementKind = (typeof engagementKinds)[number];
