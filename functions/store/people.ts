/**
 * People: profiles (from token claims), memberships of pathways and districts, and the
 * invitations that create them. An invitation to the reviewer pool (scope `reviewer`, staff's)
 * works the same way, but its acceptance creates or reactivates a reviewer profile
 * (reviewers.ts) instead of a membership.
 *
 * A membership is born only from an accepted invitation (or the seed): the invited
 * person signs in, and the acceptance marks the invitation accepted, writes the
 * membership and its audit event in one transaction. A pathway's `leadCount` moves in the
 * same transactions as its lead memberships, guarded by `leadCount > 1` on the way down,
 * so concurrent removals can never leave a pathway without a lead. Every transaction that
 * gives a person a membership also bumps their affiliation stamp (reviewers.ts), on which
 * review submissions are conditional: a team never scores itself, even by a race.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { INVITATION_VALIDITY_DAYS, invitationReminderAt, invitationStatusAt } from '#core/invitations.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { nowIso, nowMs } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { actorOf, type Actor, type Principal } from '#lib/principal.ts';
import { BusyError, ConflictError, NotFoundError } from '#core/errors.ts';
import { auditItem, type AuditScope } from './audit.ts';
import {
  conditionCheck,
  deleteItem,
  getItem,
  itemsThrough,
  putNew,
  queryAll,
  queryPage,
  stripKeys,
  throwIfVersionFailed,
  transactRetrying,
  TransactionCancelled,
  type Item,
  type Page,
  type TransactItem,
} from './db.ts';
import type { Assignment, DistrictRole, Membership, PathwayRole, Person, Sector } from './entities.ts';
import { partitions, type Key } from './keys.ts';
import * as keys from './keys.ts';
import { versionedUpdate } from './registry.ts';
import { affiliationBump, DEFAULT_MAX_OPEN_ASSIGNMENTS, getReviewer, type ReviewerProfile } from './reviewers.ts';

/** How long an invitation can be accepted. */
export const INVITATION_DAYS = INVITATION_VALIDITY_DAYS;
/** Expired and accepted invitations stay readable this long before TTL removes them. */
const INVITATION_RETENTION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export type StoredMembership = Membership & { version: number; updatedAt: string };
export type PathwayMembership = Extract<StoredMembership, { kind: 'pathway' }>;
export type DistrictMembership = Extract<StoredMembership, { kind: 'district' }>;

export type InvitationScope =
  | { kind: 'pathway'; pathwayId: string; pathwayName: string; schoolId: string; districtId: string; districtName: string }
  | { kind: 'district'; districtId: string; districtName: string }
  /** The reviewer pool (staff invite): accepting it makes the person a reviewer. */
  | { kind: 'reviewer' };

/**
 * What a reviewer invitation sets on the profile it creates on acceptance (the rest of a
 * profile starts empty: no declared conflicts, available, no absences, active). Staff
 * complete or change it later with PUT /reviewers/{sub}.
 */
export interface ReviewerInvitationProfile {
  districtId?: string;
  sectors?: Sector[];
  leadEligible?: boolean;
  maxOpenAssignments?: number;
}

export interface Invitation {
  id: string;
  scope: InvitationScope;
  email: string;
  role: PathwayRole | DistrictRole | 'reviewer';
  /** Reviewer invitations only: the profile's first facts. */
  profile?: ReviewerInvitationProfile;
  /** Stored status; a pending invitation past `expiresAt` reads as `expired`. */
  status: 'pending' | 'accepted' | 'expired';
  invitedBy: Actor;
  createdAt: string;
  expiresAt: string;
  acceptedAt?: string;
  acceptedBy?: string;
}

// ---------------------------------------------------------------------------------------
// Profiles

const emailOwner = (email: string, sub: string): TransactItem => ({
  Put: {
    TableName: config.tableName,
    Item: { ...keys.email(email), _type: 'email', email, sub },
    ConditionExpression: 'attribute_not_exists(PK) OR #sub = :sub',
    ExpressionAttributeNames: { '#sub': 'sub' },
    ExpressionAttributeValues: { ':sub': sub },
  },
});

/**
 * The caller's profile, created from the token on first use and kept in step with the
 * token's name and email. The email item records who holds an address, so an invitation
 * can tell that the invitee already belongs to the team.
 */
export async function ensureProfile(principal: Principal): Promise<Person> {
  const existing = await getItem<Item>(keys.person(principal.sub));
  const at = nowIso();
  if (!existing) {
    const person: Person = {
      sub: principal.sub,
      createdAt: at,
      ...(principal.email ? { email: principal.email } : {}),
      ...(principal.name ? { name: principal.name } : {}),
    };
    const profile = putNew({ ...keys.person(principal.sub), _type: 'person', ...person, updatedAt: at });
    try {
      await transactRetrying(principal.email ? [profile, emailOwner(principal.email, principal.sub)] : [profile]);
    } catch (error) {
      if (!(error instanceof TransactionCancelled)) throw error;
      // Another request created the profile first, or the address belongs to another subject: keep the profile.
      if (!error.failedCondition(0)) await safePut(profile);
    }
    return person;
  }
  const person = stripKeys(existing) as unknown as Person;
  const emailChanged = principal.email !== undefined && principal.email !== person.email;
  const nameChanged = principal.name !== undefined && principal.name !== person.name;
  if (emailChanged || nameChanged) {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.person(principal.sub),
        UpdateExpression: 'SET #email = :email, #name = :name, #updatedAt = :at',
        ExpressionAttributeNames: { '#email': 'email', '#name': 'name', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: {
          ':email': principal.email ?? person.email ?? null,
          ':name': principal.name ?? person.name ?? null,
          ':at': at,
        },
      }),
    );
    if (emailChanged) {
      try {
        await transactRetrying([emailOwner(principal.email!, principal.sub)]);
      } catch (error) {
        if (!(error instanceof TransactionCancelled)) throw error;
      }
    }
    return { ...person, email: principal.email ?? person.email, name: principal.name ?? person.name };
  }
  return person;
}

async function safePut(item: TransactItem): Promise<void> {
  const p = item.Put!;
  try {
    await dynamoClient().send(new PutCommand({ TableName: p.TableName, Item: p.Item, ConditionExpression: p.ConditionExpression }));
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/** The subject holding an email address, if anyone has signed in with it. */
export async function subjectForEmailAddress(email: string, consistent = false): Promise<string | undefined> {
  const item = await getItem<{ sub?: string }>(keys.email(email), consistent);
  return item?.sub;
}

export interface PersonPartition {
  profile?: Person;
  memberships: StoredMembership[];
  assignments: Assignment[];
  /** Whether the person has a reviewer profile (its item is in the same partition). */
  reviewerProfile: boolean;
}

/** Everything in a person's partition: profile, memberships, assignments, reviewer profile (one Query). */
export async function readPerson(sub: string, options: { consistent?: boolean } = {}): Promise<PersonPartition> {
  const items = await queryAll<Item & { SK: string }>(keys.personPartition(sub), undefined, options.consistent ?? false);
  let profile: Person | undefined;
  const memberships: StoredMembership[] = [];
  const assignments: Assignment[] = [];
  let reviewerProfile = false;
  for (const item of items) {
    if (item.SK === keys.person(sub).SK) profile = stripKeys(item) as unknown as Person;
    else if (item.SK.startsWith(keys.membershipPrefix)) memberships.push(stripKeys(item) as unknown as StoredMembership);
    else if (item.SK.startsWith(keys.assignmentPrefix)) assignments.push(stripKeys(item) as unknown as Assignment);
    else if (item.SK === keys.reviewer(sub).SK) reviewerProfile = true;
  }
  return { profile, memberships, assignments, reviewerProfile };
}

/**
 * Staff find a person by email (GET /people?email=): the email guard item (pattern 24)
 * names the subject, and one Query of the person's partition (pattern 10) returns the
 * profile, the memberships and the reviewer profile together. Two requests: the email
 * item carries only the subject, and the partition is keyed by subject. Both reads are
 * consistent. `email` is already normalized (schemas.ts `email()`: trimmed, lower case).
 */
export async function findPersonByEmail(
  email: string,
): Promise<{ profile: Person; memberships: StoredMembership[]; reviewerProfile: boolean } | undefined> {
  const sub = await subjectForEmailAddress(email, true);
  if (!sub) return undefined;
  const { profile, memberships, reviewerProfile } = await readPerson(sub, { consistent: true });
  // The email item outlives an address change (it is never moved): trust only a profile that still has this address.
  if (!profile || profile.email?.toLowerCase() !== email) return undefined;
  return { profile, memberships, reviewerProfile };
}

// ---------------------------------------------------------------------------------------
// Memberships

/** Where a membership is: a pathway's team or a district (a pathway or district invitation's scope fits). */
export type MembershipPlace = { kind: 'pathway'; pathwayId: string } | { kind: 'district'; districtId: string };

/** Where an invitation is: a pathway, a district, or the reviewer pool. */
export type InvitationPlace = MembershipPlace | { kind: 'reviewer' };

/** A person's membership key at a place (a stored membership is its own place). */
export const membershipKey = (sub: string, place: MembershipPlace): Key =>
  place.kind === 'pathway' ? keys.pathwayMembership(sub, place.pathwayId) : keys.districtMembership(sub, place.districtId);

export function membershipItem(m: StoredMembership): Item {
  const indexes =
    m.kind === 'pathway'
      ? keys.pathwayMembershipIndexes(m.pathwayId, m.role, m.sub)
      : keys.districtMembershipIndexes(m.districtId, m.role, m.sub);
  return { ...membershipKey(m.sub, m), ...indexes, _type: 'membership', ...m };
}

const membershipScope = (m: { kind: 'pathway' | 'district'; pathwayId?: string; districtId: string }): AuditScope =>
  m.kind === 'pathway' ? { kind: 'pathway', id: m.pathwayId! } : { kind: 'district', id: m.districtId };

/** +1 / -1 on a pathway's lead count; going down is refused when it would reach zero. */
export function leadCountChange(pathwayId: string, delta: 1 | -1): TransactItem {
  return {
    Update: {
      TableName: config.tableName,
      Key: keys.pathway(pathwayId),
      UpdateExpression: 'SET #leads = if_not_exists(#leads, :zero) + :delta',
      ConditionExpression: delta > 0 ? 'attribute_exists(PK)' : 'attribute_exists(PK) AND #leads > :one',
      ExpressionAttributeNames: { '#leads': 'leadCount' },
      ExpressionAttributeValues: { ':zero': 0, ':delta': delta, ...(delta < 0 ? { ':one': 1 } : {}) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

const lastLead = () => new ConflictError('A pathway must keep at least one lead: make someone else lead first.', { code: 'last_lead' });

/** A person's membership of a pathway or district, if any. */
export async function getMembership(sub: string, place: MembershipPlace, consistent = false): Promise<StoredMembership | undefined> {
  const item = await getItem(membershipKey(sub, place), consistent);
  return item ? (stripKeys(item) as unknown as StoredMembership) : undefined;
}

/** The transaction items that add a membership directly (the seed; acceptance builds its own). */
export function newMembershipWrite(m: StoredMembership, actor: Actor, action = 'membership.added'): TransactItem[] {
  return [
    putNew(membershipItem(m)),
    ...(m.kind === 'pathway' && m.role === 'lead' ? [leadCountChange(m.pathwayId, 1)] : []),
    auditItem(membershipScope(m), {
      at: m.since,
      actor,
      action,
      entity: { kind: 'membership', id: m.sub },
      changes: [{ field: 'role', to: m.role }],
    }),
    affiliationBump(m.sub),
  ];
}

export async function removeMembership(m: StoredMembership, actor: Actor): Promise<void> {
  const dropsLead = m.kind === 'pathway' && m.role === 'lead';
  const items: TransactItem[] = [
    deleteItem(membershipKey(m.sub, m), { expression: 'attribute_exists(PK)' }),
    ...(dropsLead ? [leadCountChange(m.pathwayId, -1)] : []),
    auditItem(membershipScope(m), {
      at: nowIso(),
      actor,
      action: 'membership.removed',
      entity: { kind: 'membership', id: m.sub },
      changes: [{ field: 'role', from: m.role }],
    }),
  ];
  try {
    await transactRetrying(items);
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      if (error.failedCondition(0)) throw new NotFoundError('member');
      if (dropsLead && error.failedCondition(1)) throw lastLead();
    }
    throw error;
  }
}

export async function changePathwayRole(
  m: PathwayMembership,
  expectedVersion: number,
  role: PathwayRole,
  actor: Actor,
): Promise<PathwayMembership> {
  const at = nowIso();
  const after: PathwayMembership = { ...m, role, version: expectedVersion + 1, updatedAt: at };
  const delta = m.role === role ? 0 : role === 'lead' ? 1 : -1;
  const items: TransactItem[] = [
    versionedUpdate(membershipKey(m.sub, m), expectedVersion, { role, ...keys.pathwayMembershipIndexes(m.pathwayId, role, m.sub) }, at),
    ...(delta !== 0 ? [leadCountChange(m.pathwayId, delta)] : []),
    auditItem(membershipScope(m), {
      at,
      actor,
      action: 'membership.role_changed',
      entity: { kind: 'membership', id: m.sub },
      changes: [{ field: 'role', from: m.role, to: role }],
    }),
  ];
  try {
    await transactRetrying(items);
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      throwIfVersionFailed(error, 'member');
      if (delta < 0 && error.failedCondition(1)) throw lastLead();
    }
    throw error;
  }
  return after;
}

export interface MemberView {
  sub: string;
  role: string;
  email?: string;
  name?: string;
  since: string;
  version: number;
}

export const memberView = (m: StoredMembership): MemberView => ({
  sub: m.sub,
  role: m.role,
  ...(m.email ? { email: m.email } : {}),
  ...(m.name ? { name: m.name } : {}),
  since: m.since,
  version: m.version,
});

export async function listPathwayMembers(pathwayId: string, limit?: number, cursor?: string): Promise<Page<MemberView>> {
  const page = await queryPage({ partition: partitions.pathwayMembers(pathwayId), limit, cursor });
  return { items: page.items.map((i) => memberView(stripKeys(i) as unknown as StoredMembership)), nextCursor: page.nextCursor };
}

export async function listDistrictMembers(districtId: string, limit?: number, cursor?: string): Promise<Page<MemberView>> {
  const page = await queryPage({ partition: partitions.districtMembers(districtId), limit, cursor });
  return { items: page.items.map((i) => memberView(stripKeys(i) as unknown as StoredMembership)), nextCursor: page.nextCursor };
}

// ---------------------------------------------------------------------------------------
// Invitations

export function invitationKey(inv: { id: string; scope: InvitationPlace }): Key {
  switch (inv.scope.kind) {
    case 'pathway':
      return keys.invitation(inv.scope.pathwayId, inv.id);
    case 'district':
      return keys.districtInvitation(inv.scope.districtId, inv.id);
    case 'reviewer':
      return keys.reviewerInvitation(inv.id);
  }
}

/** The audit trail an invitation's changes go to; none for the reviewer pool (reviewer profiles have no audit scope). */
const invitationAuditScope = (scope: InvitationScope): AuditScope | undefined =>
  scope.kind === 'reviewer' ? undefined : membershipScope(scope);

function invitationItem(inv: Invitation): Item {
  const expiresMs = Date.parse(inv.expiresAt);
  return {
    ...invitationKey(inv),
    ...keys.invitationIndexes(inv.email, inv.createdAt, inv.id),
    // Its email is due now: the sweep finds it here until the API (or the sweep) records it announced.
    ...keys.invitationNoticeIndexes(inv.createdAt, inv.id),
    _type: 'invitation',
    ...inv,
    ttl: Math.floor((expiresMs + INVITATION_RETENTION_DAYS * DAY_MS) / 1000),
  };
}

/** The invitation as the API shows it: a pending one past its date reads as expired. */
export function invitationView(item: Item): Invitation {
  // The notice bookkeeping (announcedAt, remindedAt) is the sweep's, not the API's.
  const { announcedAt: _a, remindedAt: _r, ...inv } = stripKeys(item) as unknown as Invitation & InvitationNotices;
  return { ...inv, status: invitationStatusAt(inv, nowMs()) };
}

export function newInvitation(
  scope: InvitationScope,
  email: string,
  role: Invitation['role'],
  id: string,
  invitedBy: Actor,
  profile?: ReviewerInvitationProfile,
): Invitation {
  const at = nowMs();
  return {
    id,
    scope,
    email: email.toLowerCase(),
    role,
    ...(profile ? { profile } : {}),
    status: 'pending',
    invitedBy,
    createdAt: new Date(at).toISOString(),
    expiresAt: new Date(at + INVITATION_DAYS * DAY_MS).toISOString(),
  };
}

type ScopeRef = { kind: 'pathway'; pathwayId: string } | { kind: 'district'; districtId: string } | { kind: 'reviewer' };
const scopePartition = (scope: ScopeRef) =>
  scope.kind === 'pathway'
    ? keys.pathway(scope.pathwayId).PK
    : scope.kind === 'district'
      ? keys.district(scope.districtId).PK
      : keys.reviewerPoolPartition;

/** A pending, unexpired invitation of the same address to the same pathway, district or to the reviewer pool. */
export async function findPendingInvitation(scope: InvitationScope, email: string): Promise<Invitation | undefined> {
  const items = await queryAll(scopePartition(scope), keys.invitationPrefix, true);
  return items.map(invitationView).find((i) => i.status === 'pending' && i.email === email.toLowerCase());
}

export function newInvitationWrite(inv: Invitation): TransactItem[] {
  const audit = invitationAuditScope(inv.scope);
  if (!audit) return [putNew(invitationItem(inv))];
  return [
    putNew(invitationItem(inv)),
    auditItem(audit, {
      at: inv.createdAt,
      actor: inv.invitedBy,
      action: 'invitation.created',
      entity: { kind: 'invitation', id: inv.id },
      changes: [
        { field: 'email', to: inv.email },
        { field: 'role', to: inv.role },
      ],
    }),
  ];
}

const pendingGuardKey = (scope: ScopeRef, email: string): Key =>
  scope.kind === 'pathway'
    ? keys.pathwayPendingInvitation(scope.pathwayId, email)
    : scope.kind === 'district'
      ? keys.districtPendingInvitation(scope.districtId, email)
      : keys.reviewerPendingInvitation(email);

/**
 * The guard that makes `inv` the address's one pending invitation to its team (pattern 36).
 * It may be written where none is, over an expired one, or over `stale`: the id of an
 * invitation read as no longer pending (accepted, revoked or gone).
 */
function pendingGuard(inv: Invitation, stale: string | undefined): TransactItem {
  return {
    Put: {
      TableName: config.tableName,
      Item: {
        ...pendingGuardKey(inv.scope, inv.email),
        _type: 'pendingInvitation',
        invitationId: inv.id,
        role: inv.role,
        expiresAt: inv.expiresAt,
        ttl: invitationItem(inv).ttl,
      },
      ConditionExpression: `attribute_not_exists(PK) OR #expiresAt <= :now${stale ? ' OR #invitationId = :stale' : ''}`,
      ExpressionAttributeNames: { '#expiresAt': 'expiresAt', ...(stale ? { '#invitationId': 'invitationId' } : {}) },
      ExpressionAttributeValues: { ':now': nowIso(), ...(stale ? { ':stale': stale } : {}) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Guard writes that find a stale guard replace it; more rounds than that mean a storm of creations. */
const GUARD_ATTEMPTS = 3;

/**
 * Creates the invitation with its pending guard, in one transaction with `extra` (the
 * idempotency record). When the address already has a pending invitation to the team,
 * nothing is written and that invitation is returned: concurrent creations of one address
 * leave exactly one pending invitation.
 */
export async function createInvitation(inv: Invitation, extra: TransactItem[] = []): Promise<Invitation | undefined> {
  let stale: string | undefined;
  for (let attempt = 1; attempt <= GUARD_ATTEMPTS; attempt++) {
    try {
      await transactRetrying([pendingGuard(inv, stale), ...newInvitationWrite(inv), ...extra]);
      return undefined;
    } catch (error) {
      // Another failed condition (the idempotency record) is the caller's to answer.
      if (
        !(error instanceof TransactionCancelled) ||
        !error.failedCondition(0) ||
        error.reasons.some((r, i) => i > 0 && r.code === 'ConditionalCheckFailed')
      ) {
        throw error;
      }
      const holder = String(error.reasons[0]?.item?.invitationId ?? '');
      const held = holder ? await getInvitation(invitationKey({ id: holder, scope: inv.scope })) : undefined;
      if (held?.status === 'pending') return held;
      stale = holder;
    }
  }
  throw new BusyError(1);
}

/** Frees the guard of a revoked invitation (when it still names it; a stale guard is replaced on the next creation anyway). */
async function releasePendingGuard(inv: Invitation): Promise<void> {
  await dynamoClient()
    .send(
      new DeleteCommand({
        TableName: config.tableName,
        Key: pendingGuardKey(inv.scope, inv.email),
        ConditionExpression: '#invitationId = :id',
        ExpressionAttributeNames: { '#invitationId': 'invitationId' },
        ExpressionAttributeValues: { ':id': inv.id },
      }),
    )
    .catch((error: Error) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    });
}

export async function listInvitations(scope: ScopeRef, limit?: number, cursor?: string): Promise<Page<Invitation>> {
  const page = await queryPage({ partition: { value: scopePartition(scope) }, skBeginsWith: keys.invitationPrefix, limit, cursor });
  return { items: page.items.map(invitationView), nextCursor: page.nextCursor };
}

export async function getInvitation(key: Key, consistent = true): Promise<Invitation | undefined> {
  const item = await getItem(key, consistent);
  return item ? invitationView(item) : undefined;
}

export async function revokeInvitation(inv: Invitation, actor: Actor): Promise<void> {
  if (inv.status === 'accepted')
    throw new ConflictError('The invitation was already accepted; remove the member instead.', { code: 'invitation_accepted' });
  const audit = invitationAuditScope(inv.scope);
  try {
    await transactRetrying([
      deleteItem(invitationKey(inv), {
        expression: '#status <> :accepted',
        names: { '#status': 'status' },
        values: { ':accepted': 'accepted' },
      }),
      ...(audit
        ? [
            auditItem(audit, {
              at: nowIso(),
              actor,
              action: 'invitation.revoked',
              entity: { kind: 'invitation', id: inv.id },
              changes: [{ field: 'email', from: inv.email }],
            }),
          ]
        : []),
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedCondition(0)) {
      throw new ConflictError('The invitation was accepted meanwhile; remove the member instead.', { code: 'invitation_accepted' });
    }
    throw error;
  }
  await releasePendingGuard(inv);
}

/** The invitations sent to an address, newest first (the invitee's own view). */
export async function invitationsForEmail(email: string): Promise<Invitation[]> {
  const items: Item[] = [];
  let cursor: string | undefined;
  // Bounded: invitations expire, and TTL removes them a month later.
  for (let i = 0; i < 10; i++) {
    const page = await queryPage({ partition: partitions.invitee(email), limit: 100, cursor, ascending: false });
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return items.map(invitationView);
}

/**
 * Accepts an invitation for the signed-in invitee: marks it accepted (only while pending
 * and unexpired), writes the membership (or promotes an existing member to lead), keeps
 * the lead count and writes the audit event, atomically. A retry after success answers
 * the same membership.
 */
export async function acceptInvitation(inv: Invitation, principal: Principal): Promise<StoredMembership> {
  const scope = inv.scope;
  if (scope.kind === 'reviewer') throw new Error('acceptInvitation: a reviewer invitation is accepted with acceptReviewerInvitation');
  const mine = (m: Invitation) => m.status === 'accepted' && m.acceptedBy === principal.sub;
  if (mine(inv)) return existingMembershipFor(inv, principal.sub);
  refuseUnlessPending(inv);

  const at = nowIso();
  const actor = actorOf(principal);
  const key = membershipKey(principal.sub, scope);
  const existing = await getMembership(principal.sub, scope, true);
  const who = { ...(principal.email ? { email: principal.email } : {}), ...(principal.name ? { name: principal.name } : {}) };

  const items: TransactItem[] = [acceptanceMark(inv, principal.sub, at)];
  let membership: StoredMembership;
  let from: string | undefined;
  if (!existing) {
    membership =
      scope.kind === 'pathway'
        ? {
            kind: 'pathway',
            sub: principal.sub,
            pathwayId: scope.pathwayId,
            districtId: scope.districtId,
            schoolId: scope.schoolId,
            role: inv.role as PathwayRole,
            since: at,
            ...who,
            version: 1,
            updatedAt: at,
          }
        : {
            kind: 'district',
            sub: principal.sub,
            districtId: scope.districtId,
            role: inv.role as DistrictRole,
            since: at,
            ...who,
            version: 1,
            updatedAt: at,
          };
    items.push(putNew(membershipItem(membership)));
    if (membership.kind === 'pathway' && membership.role === 'lead') items.push(leadCountChange(membership.pathwayId, 1));
  } else if (existing.role !== inv.role && (existing.kind === 'district' || inv.role === 'lead')) {
    // An invitation to a different role changes it, except that it never demotes a pathway lead.
    from = existing.role;
    membership = { ...existing, role: inv.role as PathwayRole & DistrictRole, version: existing.version + 1, updatedAt: at, ...who };
    const indexes =
      membership.kind === 'pathway'
        ? keys.pathwayMembershipIndexes(membership.pathwayId, membership.role, membership.sub)
        : keys.districtMembershipIndexes(membership.districtId, membership.role, membership.sub);
    items.push(versionedUpdate(key, existing.version, { role: membership.role, ...indexes }, at));
    if (membership.kind === 'pathway') items.push(leadCountChange(membership.pathwayId, 1));
  } else {
    membership = existing;
    items.push(conditionCheck(key, 'attribute_exists(PK)'));
  }
  items.push(
    auditItem(membershipScope(scope), {
      at,
      actor,
      action: 'invitation.accepted',
      entity: { kind: 'membership', id: principal.sub },
      changes: [
        { field: 'invitationId', to: inv.id },
        { field: 'role', from, to: membership.role },
      ],
    }),
    // Last, unconditional: a review submission racing this acceptance re-checks its conflicts.
    affiliationBump(principal.sub),
  );
  try {
    await transactRetrying(items);
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      const now = await getInvitation(invitationKey(inv));
      if (now && mine(now)) return existingMembershipFor(now, principal.sub);
      if (error.failedCondition(0)) throw new ConflictError('This invitation is no longer pending.', { code: 'invitation_not_pending' });
      throw new ConflictError('The membership changed meanwhile; try again.', { code: 'membership_changed' });
    }
    throw error;
  }
  return membership;
}

async function existingMembershipFor(inv: Invitation, sub: string): Promise<StoredMembership> {
  const scope = inv.scope;
  if (scope.kind === 'reviewer') throw new Error('existingMembershipFor: a reviewer invitation makes no membership');
  const m = await getMembership(sub, scope, true);
  if (!m)
    throw new ConflictError('You accepted this invitation, but the membership has since been removed.', { code: 'membership_removed' });
  return m;
}

function refuseUnlessPending(inv: Invitation): void {
  if (inv.status === 'accepted') throw new ConflictError('This invitation was already accepted.', { code: 'invitation_accepted' });
  if (inv.status === 'expired') throw new ConflictError('This invitation has expired; ask for a new one.', { code: 'invitation_expired' });
}

/** Marks the invitation accepted by `sub`, only while it is pending and unexpired (first item of an acceptance). */
function acceptanceMark(inv: Invitation, sub: string, at: string): TransactItem {
  return {
    Update: {
      TableName: config.tableName,
      Key: invitationKey(inv),
      UpdateExpression: 'SET #status = :accepted, #acceptedAt = :at, #acceptedBy = :sub',
      ConditionExpression: '#status = :pending AND #expiresAt > :at',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#acceptedAt': 'acceptedAt',
        '#acceptedBy': 'acceptedBy',
        '#expiresAt': 'expiresAt',
      },
      ExpressionAttributeValues: { ':accepted': 'accepted', ':pending': 'pending', ':at': at, ':sub': sub },
    },
  };
}

/**
 * Accepts an invitation to the reviewer pool: marks it accepted and, in the same
 * transaction, creates the person's reviewer profile (as PUT /reviewers/{sub} would, with
 * the invitation's facts and empty defaults for the rest) or, when staff had retired an
 * earlier profile, makes it active again (conditional on the version read; an active
 * profile is left as it is). A retry after success answers the profile.
 */
export async function acceptReviewerInvitation(inv: Invitation, principal: Principal): Promise<ReviewerProfile> {
  const sub = principal.sub;
  const mine = (m: Invitation) => m.status === 'accepted' && m.acceptedBy === sub;
  const current = async () => {
    const profile = await getReviewer(sub, true);
    if (!profile)
      throw new ConflictError('You accepted this invitation, but the reviewer profile is gone.', { code: 'membership_removed' });
    return profile;
  };
  if (mine(inv)) return current();
  refuseUnlessPending(inv);

  const at = nowIso();
  const existing = await getReviewer(sub, true);
  const items: TransactItem[] = [acceptanceMark(inv, sub, at)];
  let profile: ReviewerProfile;
  if (!existing) {
    const given = inv.profile ?? {};
    profile = {
      sub,
      ...(principal.name ? { name: principal.name } : {}),
      ...(principal.email ? { email: principal.email } : {}),
      ...(given.districtId ? { districtId: given.districtId } : {}),
      sectors: given.sectors ?? [],
      conflicts: { districtIds: [], pathwayIds: [] },
      available: true,
      unavailable: [],
      maxOpenAssignments: given.maxOpenAssignments ?? DEFAULT_MAX_OPEN_ASSIGNMENTS,
      openAssignments: 0,
      leadEligible: given.leadEligible ?? false,
      active: true,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    const indexes = keys.reviewerIndexes({ sub, name: profile.name ?? profile.email });
    items.push(putNew({ ...keys.reviewer(sub), ...indexes, _type: 'reviewer', ...profile }));
  } else if (!existing.active) {
    profile = { ...existing, active: true, version: existing.version + 1, updatedAt: at };
    items.push(versionedUpdate(keys.reviewer(sub), existing.version, { active: true }, at));
  } else {
    profile = existing;
    items.push(conditionCheck(keys.reviewer(sub), 'attribute_exists(PK)'));
  }
  try {
    await transactRetrying(items);
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      const now = await getInvitation(invitationKey(inv));
      if (now && mine(now)) return current();
      if (error.failedCondition(0)) throw new ConflictError('This invitation is no longer pending.', { code: 'invitation_not_pending' });
      throw new ConflictError('The reviewer profile changed meanwhile; try again.', { code: 'membership_changed' });
    }
    throw error;
  }
  return profile;
}

/** Writes a membership without an invitation (seed data and tests of other components). */
export async function addMembership(m: StoredMembership, actor: Actor): Promise<void> {
  await transactRetrying(newMembershipWrite(m, actor));
}

// ---------------------------------------------------------------------------------------
// Invitation emails: the announcement and the one reminder (functions/core/invitations.ts)

/** When the invitation email and the reminder were published; kept on the invitation item. */
export interface InvitationNotices {
  announcedAt?: string;
  remindedAt?: string;
}

export type InvitationWithNotices = Invitation & InvitationNotices;

/** Invitations whose next email is due at or before `now` (pattern 81), a page at a time. */
export async function invitationsWithNoticesDue(
  now: string,
  limit = 100,
  exclusiveStartKey?: Record<string, unknown>,
): Promise<{ items: InvitationWithNotices[]; next?: Record<string, unknown> }> {
  const page = await itemsThrough(partitions.invitationNotices, `${now}#\uffff`, limit, exclusiveStartKey);
  return { items: page.items.map((i) => stripKeys(i) as unknown as InvitationWithNotices), ...(page.next ? { next: page.next } : {}) };
}

/** The invitation with its notice bookkeeping (consistent read); undefined once revoked. */
export async function getInvitationWithNotices(key: Key): Promise<InvitationWithNotices | undefined> {
  const item = await getItem(key, true);
  return item ? (stripKeys(item) as unknown as InvitationWithNotices) : undefined;
}

async function updateInvitationNotices(
  inv: Pick<Invitation, 'id' | 'scope'>,
  expression: string,
  values: Record<string, unknown>,
  extraCondition = '',
): Promise<boolean> {
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: invitationKey(inv),
        UpdateExpression: expression,
        ConditionExpression: `attribute_exists(PK)${extraCondition}`,
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * Records the invitation email as published and moves the invitation in the index to its
 * reminder's instant. False when it was already recorded, or the invitation is gone.
 */
export function markInvitationAnnounced(
  inv: Pick<Invitation, 'id' | 'scope' | 'createdAt' | 'expiresAt'>,
  reminderDays: number,
): Promise<boolean> {
  const remindAt = invitationReminderAt(inv, reminderDays);
  return updateInvitationNotices(
    inv,
    'SET announcedAt = :at, GSI3SK = :due',
    { ':at': nowIso(), ':due': keys.invitationNoticeIndexes(remindAt, inv.id).GSI3SK },
    ' AND attribute_not_exists(announcedAt)',
  );
}

/** Records the reminder as published: nothing more is due, the invitation leaves the index. */
export function markInvitationReminded(inv: Pick<Invitation, 'id' | 'scope'>): Promise<boolean> {
  return updateInvitationNotices(
    inv,
    'SET remindedAt = :at REMOVE GSI3PK, GSI3SK',
    { ':at': nowIso() },
    ' AND attribute_not_exists(remindedAt)',
  );
}

/** Nothing more will be sent (accepted or expired): the invitation leaves the index. */
export function dropInvitationNotices(inv: Pick<Invitation, 'id' | 'scope'>): Promise<boolean> {
  return updateInvitationNotices(inv, 'REMOVE GSI3PK, GSI3SK', {});
}
