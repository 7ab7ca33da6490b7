/**
 * Reviewer profiles (`PERSON#<sub>` / `REVIEWER`): what the assignment rules need to know
 * about a practitioner reviewer, and their open-assignment counter.
 *
 * Decisions:
 * - The profile sits in the person's partition but under its own sort key, so the access
 *   load (MEMBER#/ASSIGN# items) never reads it, and one GetItem answers "is this person a
 *   reviewer".
 * - `openAssignments` is a counter owned by the pipeline: it moves by +1/-1 in the same
 *   transaction as an assignment opens or closes, with the condition
 *   `openAssignments < maxOpenAssignments`, so concurrent assignments can never exceed a
 *   reviewer's maximum. It does not bump `version`: editing one's conflicts must not fail
 *   because an assignment arrived meanwhile, and vice versa.
 * - Staff set everything; reviewers edit their own conflicts, sectors and availability
 *   (never their load limit or lead eligibility).
 * - Conflicts also come from memberships: a reviewer who belongs to the pathway or to
 *   anything in its district is excluded whatever the profile says (candidateWithMemberships).
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReviewerCandidate, UnavailableRange } from '#core/review/assignment.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { NotFoundError, PreconditionFailedError } from '#core/errors.ts';
import { addSets, getItem, queryAll, queryPage, queryPartition, stripKeys, type Item, type Page, type TransactItem } from './db.ts';
import type { Membership, Sector } from './entities.ts';
import { partitions } from './keys.ts';
import * as keys from './keys.ts';

export interface ReviewerProfile {
  sub: string;
  name?: string;
  email?: string;
  /** Home district (employer); absent for independent reviewers. */
  districtId?: string;
  sectors: Sector[];
  conflicts: { districtIds: string[]; pathwayIds: string[] };
  /** Open-ended absence switch. */
  available: boolean;
  unavailable: UnavailableRange[];
  maxOpenAssignments: number;
  /** Kept by assignment transactions only. */
  openAssignments: number;
  leadEligible: boolean;
  /** Staff retire a reviewer by setting this false; nothing new is assigned to them. */
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Fields staff set (all of them but the counter). */
export type StaffReviewerFields = Pick<
  ReviewerProfile,
  'sectors' | 'conflicts' | 'available' | 'unavailable' | 'maxOpenAssignments' | 'leadEligible' | 'active'
> &
  Partial<Pick<ReviewerProfile, 'name' | 'email' | 'districtId'>>;

/** Fields a reviewer edits on their own profile. */
export type OwnReviewerFields = Partial<Pick<ReviewerProfile, 'sectors' | 'conflicts' | 'available' | 'unavailable'>>;

export const DEFAULT_MAX_OPEN_ASSIGNMENTS = 3;

const asProfile = (item: Item) => stripKeys(item) as unknown as ReviewerProfile;

export async function getReviewer(sub: string, consistent = false): Promise<ReviewerProfile | undefined> {
  const item = await getItem(keys.reviewer(sub), consistent);
  return item ? asProfile(item) : undefined;
}

export async function listReviewers(limit?: number, cursor?: string): Promise<Page<ReviewerProfile>> {
  const page = await queryPage({ partition: partitions.reviewers, limit, cursor });
  return { items: page.items.map(asProfile), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** The whole pool (a few hundred at most): what automatic assignment chooses from. */
export async function reviewerPool(): Promise<ReviewerProfile[]> {
  return (await queryPartition({ partition: partitions.reviewers })).map(asProfile);
}

async function conditionalUpdate(
  sub: string,
  fields: Record<string, unknown>,
  condition: string,
  extraNames: Record<string, string>,
  extraValues: Record<string, unknown>,
): Promise<ReviewerProfile> {
  const { names, values, sets } = addSets({ names: {}, values: {}, sets: [] }, fields, { skipUndefined: true });
  try {
    const out = await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.reviewer(sub),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...names, ...extraNames },
        ExpressionAttributeValues: { ...values, ...extraValues },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return asProfile(out.Attributes as Item);
  } catch (error) {
    const e = error as { name?: string; Item?: Item };
    if (e.name === 'ConditionalCheckFailedException') {
      if (!e.Item) throw new NotFoundError('reviewer profile');
      throw new PreconditionFailedError(Number(e.Item.version));
    }
    throw error;
  }
}

/**
 * Staff create (expectedVersion 0) or update a profile. An update touches only the listed
 * fields, so the open-assignment counter is never overwritten.
 */
export async function putReviewerByStaff(sub: string, fields: StaffReviewerFields, expectedVersion: number): Promise<ReviewerProfile> {
  const at = nowIso();
  const indexes = keys.reviewerIndexes({ sub, name: fields.name ?? fields.email });
  if (expectedVersion === 0) {
    const profile: ReviewerProfile = { sub, ...fields, openAssignments: 0, version: 1, createdAt: at, updatedAt: at };
    try {
      await dynamoClient().send(
        new PutCommand({
          TableName: config.tableName,
          Item: { ...keys.reviewer(sub), ...indexes, _type: 'reviewer', ...profile },
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      const e = error as { name?: string; Item?: Item };
      if (e.name === 'ConditionalCheckFailedException') throw new PreconditionFailedError(Number(e.Item?.version ?? 0));
      throw error;
    }
    return profile;
  }
  return conditionalUpdate(
    sub,
    { ...fields, ...indexes, updatedAt: at, version: expectedVersion + 1 },
    'attribute_exists(PK) AND #version = :expected',
    { '#version': 'version' },
    { ':expected': expectedVersion },
  );
}

/** A reviewer edits their own conflicts, sectors and availability. */
export async function updateOwnProfile(sub: string, fields: OwnReviewerFields, expectedVersion: number): Promise<ReviewerProfile> {
  return conditionalUpdate(
    sub,
    { ...fields, updatedAt: nowIso(), version: expectedVersion + 1 },
    'attribute_exists(PK) AND #version = :expected',
    { '#version': 'version' },
    { ':expected': expectedVersion },
  );
}

/**
 * +1 open assignment, in the assignment's transaction. Without an override the reviewer
 * must be active and below their maximum; staff may knowingly go past the maximum.
 */
export function openAssignmentCount(sub: string, overrideLoad = false, profileVersion?: number): TransactItem {
  const checked = profileVersion !== undefined;
  const base = overrideLoad ? 'attribute_exists(PK) AND #active = :true' : 'attribute_exists(PK) AND #active = :true AND #open < #max';
  return {
    Update: {
      TableName: config.tableName,
      Key: keys.reviewer(sub),
      UpdateExpression: 'SET #open = #open + :one',
      // With profileVersion: the profile the conflict check read (a declared conflict changes it).
      ConditionExpression: checked ? `${base} AND #version = :pv` : base,
      ExpressionAttributeNames: {
        '#open': 'openAssignments',
        '#active': 'active',
        ...(overrideLoad ? {} : { '#max': 'maxOpenAssignments' }),
        ...(checked ? { '#version': 'version' } : {}),
      },
      ExpressionAttributeValues: { ':one': 1, ':true': true, ...(checked ? { ':pv': profileVersion } : {}) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * -1 open assignment when a review is submitted, recused or reassigned (never below zero).
 * With `profileVersion`, also conditional on the profile not having changed since the
 * submission's conflict check read it (a transaction may touch the item only once).
 */
export function closeAssignmentCount(sub: string, profileVersion?: number): TransactItem {
  const checked = profileVersion !== undefined;
  return {
    Update: {
      TableName: config.tableName,
      Key: keys.reviewer(sub),
      UpdateExpression: 'SET #open = #open - :one',
      ConditionExpression: `attribute_exists(PK) AND #open > :zero${checked ? ' AND #version = :pv' : ''}`,
      ExpressionAttributeNames: { '#open': 'openAssignments', ...(checked ? { '#version': 'version' } : {}) },
      ExpressionAttributeValues: { ':one': 1, ':zero': 0, ...(checked ? { ':pv': profileVersion } : {}) },
      // A cancelled transaction reports the profile as it was (its version: did it change?).
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** +1 on the person's affiliation stamp: in every transaction that creates (or widens) a membership. */
export function affiliationBump(sub: string): TransactItem {
  return {
    Update: {
      TableName: config.tableName,
      Key: keys.affiliations(sub),
      UpdateExpression: 'SET #n = if_not_exists(#n, :zero) + :one, #type = :type',
      ExpressionAttributeNames: { '#n': 'stamp', '#type': '_type' },
      ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':type': 'affiliations' },
    },
  };
}

/** The stamp is still what the conflict check read (0: never bumped). */
export function affiliationUnchanged(sub: string, stamp: number): TransactItem {
  return {
    ConditionCheck: {
      TableName: config.tableName,
      Key: keys.affiliations(sub),
      ConditionExpression: stamp === 0 ? 'attribute_not_exists(#n) OR #n = :zero' : '#n = :stamp',
      ExpressionAttributeNames: { '#n': 'stamp' },
      ExpressionAttributeValues: stamp === 0 ? { ':zero': 0 } : { ':stamp': stamp },
    },
  };
}

/** What a conflict check read: a write holds only if neither the stamp nor the profile changed since. */
export interface AffiliationGuard {
  stamp: number;
  profileVersion: number;
}

/** What decides a person's conflicts now: the stamp, then (after it) their profile and memberships. */
export interface Affiliations {
  stamp: number;
  profile: ReviewerProfile | undefined;
  memberships: Membership[];
}

/**
 * Consistent reads, the stamp first: a membership written after the stamp was read bumps
 * the stamp, so a write conditional on the stamp (and on the profile's version) cannot
 * succeed on an outdated picture.
 */
export async function readAffiliations(sub: string): Promise<Affiliations> {
  const stampItem = await getItem(keys.affiliations(sub), true);
  const [profile, items] = await Promise.all([getReviewer(sub, true), queryAll(keys.personPartition(sub), keys.membershipPrefix, true)]);
  return {
    stamp: typeof stampItem?.stamp === 'number' ? stampItem.stamp : 0,
    profile,
    memberships: items.map((i) => stripKeys(i) as unknown as Membership),
  };
}

/** The profile as the pure assignment rules see it. */
export function candidateOf(p: ReviewerProfile): ReviewerCandidate {
  return {
    id: p.sub,
    districtId: p.districtId,
    pathwayIds: [],
    conflicts: { districtIds: p.conflicts.districtIds, pathwayIds: p.conflicts.pathwayIds },
    sectors: p.sectors,
    available: p.available && p.active,
    unavailable: p.unavailable,
    maxOpenAssignments: p.maxOpenAssignments,
    openAssignments: p.openAssignments,
    leadEligible: p.leadEligible,
  };
}

/**
 * The candidate with what their memberships say: a member of the pathway is a pathway
 * member; anyone holding a membership in the application's district counts as from that
 * district, whatever home district the profile names.
 */
export function candidateWithMemberships(
  candidate: ReviewerCandidate,
  memberships: readonly Membership[],
  application: { districtId: string },
): ReviewerCandidate {
  const pathwayIds = new Set(candidate.pathwayIds);
  let districtId = candidate.districtId;
  for (const m of memberships) {
    if (m.kind === 'pathway') pathwayIds.add(m.pathwayId);
    if (m.districtId === application.districtId) districtId = application.districtId;
  }
  return { ...candidate, pathwayIds: [...pathwayIds], districtId };
}

/**
 * The candidate as the person's own consistent reads show them: the declared conflicts and
 * home district of the profile just read, then what their memberships say. `seen` is what an
 * earlier (eventually consistent) read of the pool knew of them; its other facts (load,
 * availability, lead eligibility, memberships seen through the pathway's and district's
 * partitions) stay. Without `seen`, the profile is the base; without a profile either, a
 * person with no reviewer facts at all (conflict rules only).
 */
export function candidateFrom(
  a: Affiliations,
  sub: string,
  application: { districtId: string },
  seen?: ReviewerCandidate,
): ReviewerCandidate {
  const base: ReviewerCandidate =
    seen ??
    (a.profile
      ? candidateOf(a.profile)
      : {
          id: sub,
          pathwayIds: [],
          districtId: undefined,
          conflicts: undefined,
          maxOpenAssignments: 0,
          openAssignments: 0,
          leadEligible: false,
        });
  const fresh = a.profile ? { ...base, conflicts: a.profile.conflicts, districtId: a.profile.districtId ?? base.districtId } : base;
  return candidateWithMemberships(fresh, a.memberships, application);
}

/** The condition a seat's or a submission's write puts on what the conflict check read. */
export function affiliationGuard(a: Affiliations): AffiliationGuard {
  return { stamp: a.stamp, profileVersion: a.profile?.version ?? 0 };
}
