/**
 * Which Cognito groups a person's memberships call for. A pathway membership (lead or
 * member) needs the `pathway` group, a district membership (lead or data contact) the
 * `district` group; each group is held while at least one membership needing it remains.
 *
 * `reviewer` follows the person's reviewer profile: held while the profile is active (an
 * accepted invitation to the reviewer pool creates or reactivates it; staff retire a
 * reviewer with `active: false`), removed when it is retired. `staff` is given by staff
 * (docs/security.md, "Accounts"), and no sync ever adds or removes it.
 *
 * The groups are a label in the token for a frontend (which menus to show); authorization
 * never rests on them for scoped rights: functions/core/access.ts reads the memberships
 * themselves, so a token that is up to an hour stale cannot widen anyone's access.
 */

/** The group an active reviewer profile calls for. */
export const reviewerGroup = 'reviewer' as const;

/** Whether a reviewer profile (or none) calls for the `reviewer` group. */
export function needsReviewerGroup(profile: { active: boolean } | undefined): boolean {
  return profile?.active === true;
}

/** The groups that memberships grant and take away. */
export const membershipGroups = ['pathway', 'district'] as const;
export type MembershipGroup = (typeof membershipGroups)[number];

/** The smallest view of a membership the rule needs. */
export interface MembershipKind {
  kind: 'pathway' | 'district';
}

/** The membership groups `memberships` call for (each at most once, in `membershipGroups` order). */
export function groupsForMemberships(memberships: readonly MembershipKind[]): MembershipGroup[] {
  const kinds = new Set(memberships.map((m) => m.kind));
  return membershipGroups.filter((group) => kinds.has(group));
}

/** The group a membership of this kind needs. */
export function groupForMembership(kind: MembershipKind['kind']): MembershipGroup {
  return kind;
}

/** Whether `memberships` still call for `group`. */
export function needsGroup(memberships: readonly MembershipKind[], group: MembershipGroup): boolean {
  return groupsForMemberships(memberships).includes(group);
}
