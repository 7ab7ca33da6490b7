/**
 * Network benefits (issue 19): the catalog staff keep, each pathway's entitlement, and the
 * requests teams make for capacity-limited benefits. docs/benefits.md explains the design.
 *
 * - Catalog entry: `BENEFIT#<id>` / `BENEFIT` (pattern 83), listed by title on GSI2
 *   (pattern 84). Versioned by `revision` (the ETag), every change audited under the
 *   `benefit` scope in the same transaction, like a framework draft.
 * - Entitlement: one item per pathway, `PATHWAY#<p>` / `BENEFITS` (pattern 85): the level
 *   the benefits follow and the ids it unlocked at the last change. It is written only by
 *   `entitlementChange`, whose items join the transaction that changes the certification
 *   (decide.ts, the sweep's expiry, withdrawal), so benefits never disagree with the
 *   pathway's level. A pathway without the item (certified before benefits existed) is
 *   read as what its level unlocks.
 * - Requests: `PATHWAY#<p>` / `BENEFITREQ#<id>` (pattern 86), queued by status on GSI3
 *   (pattern 87). Units held per pathway, benefit and window are a counter item
 *   `BENEFITUSE#<benefit>#<window>` (pattern 88) that a request raises under the condition
 *   that it stays within capacity, in the same transaction as the request, a condition on
 *   the pathway's level and one on the catalog entry's revision: two racing requests cannot
 *   both take the last unit, and a request never lands after the pathway lost the level.
 */
import {
  capacityWindow,
  diffEntitlements,
  isChange,
  levelsUnlocking,
  releasesUnits,
  unlockedBy,
  type BenefitCapacity,
  type BenefitKind,
  type RequestStatus,
} from '#core/benefits.ts';
import { ConflictError, NotFoundError, PreconditionFailedError, UnprocessableError } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import type { Level } from '#core/levels.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import type { Actor } from '#lib/principal.ts';
import { auditItem, diff } from './audit.ts';
import {
  conditionCheck,
  getItem,
  put,
  putNew,
  queryPage,
  queryPartition,
  stripKeys,
  transact,
  TransactionCancelled,
  type Item,
  type Page,
  type TransactItem,
} from './db.ts';
import { partitions } from './keys.ts';
import * as keys from './keys.ts';

export interface BenefitContent {
  title: string;
  description: string;
  kind: BenefitKind;
  minLevel: Level;
  capacity?: BenefitCapacity | undefined;
  availableFrom?: string | undefined;
  availableUntil?: string | undefined;
  active: boolean;
}

export interface Benefit extends BenefitContent {
  id: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
  createdBy: Actor;
  updatedBy: Actor;
}

const contentFields = ['title', 'description', 'kind', 'minLevel', 'capacity', 'availableFrom', 'availableUntil', 'active'] as const;
const benefitScope = (id: string) => ({ kind: 'benefit' as const, id });

function benefitItem(b: Benefit): Item {
  return { ...keys.benefit(b.id), ...keys.benefitIndexes(b), _type: 'benefit', ...withoutUndefined(b) };
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const asBenefit = (i: Item) => stripKeys(i) as unknown as Benefit;

export async function getBenefit(id: string, consistent = false): Promise<Benefit | undefined> {
  const item = await getItem(keys.benefit(id), consistent);
  return item ? asBenefit(item) : undefined;
}

/** A page of the catalog by title; inactive entries only when asked (staff). */
export async function listBenefits(o: { includeInactive: boolean; limit?: number; cursor?: string }): Promise<Page<Benefit>> {
  const page = await queryPage({
    partition: partitions.benefits,
    limit: o.limit,
    cursor: o.cursor,
    ...(o.includeInactive ? {} : { filter: { expression: '#active = :true', names: { '#active': 'active' }, values: { ':true': true } } }),
  });
  return { items: page.items.map(asBenefit), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** The whole catalog (dozens of entries): what entitlements are computed against. */
export async function wholeCatalog(): Promise<Benefit[]> {
  return (await queryPartition({ partition: partitions.benefits })).map(asBenefit);
}

/** A new catalog entry; `extra` adds items to the same transaction (the idempotency record). */
export async function createBenefit(
  content: BenefitContent,
  actor: Actor,
  extra: (b: Benefit) => TransactItem[] = () => [],
): Promise<Benefit> {
  const at = nowIso();
  const b: Benefit = { ...content, id: newId('benefit'), revision: 1, createdAt: at, updatedAt: at, createdBy: actor, updatedBy: actor };
  await transact([
    putNew(benefitItem(b)),
    auditItem(benefitScope(b.id), {
      at,
      actor,
      action: 'benefit.created',
      entity: { kind: 'benefit', id: b.id },
      changes: diff(undefined, b as unknown as Item, contentFields),
    }),
    ...extra(b),
  ]);
  return b;
}

/** Replaces the content while the entry is at `expectedRevision` (412 otherwise). */
export async function replaceBenefit(before: Benefit, content: BenefitContent, expectedRevision: number, actor: Actor): Promise<Benefit> {
  if (before.revision !== expectedRevision) throw new PreconditionFailedError(before.revision);
  const at = nowIso();
  const { capacity: _c, availableFrom: _f, availableUntil: _u, ...kept } = before;
  const after: Benefit = { ...kept, ...content, revision: expectedRevision + 1, updatedAt: at, updatedBy: actor };
  try {
    await transact([
      put(benefitItem(after), {
        expression: '#revision = :expected',
        names: { '#revision': 'revision' },
        values: { ':expected': expectedRevision },
      }),
      auditItem(benefitScope(after.id), {
        at,
        actor,
        action: 'benefit.updated',
        entity: { kind: 'benefit', id: after.id },
        changes: diff(before as unknown as Item, after as unknown as Item, contentFields),
      }),
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedCondition(0)) {
      const now = await getBenefit(before.id, true);
      if (!now) throw new NotFoundError('benefit');
      throw new PreconditionFailedError(now.revision);
    }
    throw error;
  }
  return after;
}

// Entitlements -------------------------------------------------------------------------

export type ChangeCause = 'issued' | 'expired' | 'withdrawn';

export interface Entitlement {
  pathwayId: string;
  districtId: string;
  /** The level the benefits follow (the pathway's standing after the change). */
  level: Level | null;
  /** Active catalog entries that level unlocked when it was written. */
  benefitIds: string[];
  changedAt: string;
  cause: { kind: ChangeCause; certificationId: string };
}

export async function getEntitlement(pathwayId: string, consistent = false): Promise<Entitlement | undefined> {
  const item = await getItem(keys.benefitEntitlement(pathwayId), consistent);
  return item ? (stripKeys(item) as unknown as Entitlement) : undefined;
}

/** What a BenefitsChanged event says. */
export interface BenefitsChange {
  pathwayId: string;
  districtId: string;
  certificationId: string;
  cause: ChangeCause;
  previousLevel: Level | null;
  level: Level | null;
  unlocked: string[];
  lost: string[];
}

/**
 * The items that move a pathway's benefits to `level`, for the transaction that changes its
 * certification, and the change to announce (none when the set of benefits stays the same).
 * `previousLevel` is the pathway's level before the transaction: a pathway without an
 * entitlement item held what that level unlocks. Reads the entitlement and the catalog; the
 * caller's transaction already conditions on the pathway's version, which orders every
 * writer of the entitlement, so the Put needs no condition of its own.
 */
export async function entitlementChange(input: {
  pathway: { id: string; districtId: string };
  previousLevel: Level | null;
  level: Level | null;
  at: string;
  cause: ChangeCause;
  certificationId: string;
}): Promise<{ items: TransactItem[]; change: BenefitsChange | null }> {
  const [stored, catalog] = await Promise.all([getEntitlement(input.pathway.id, true), wholeCatalog()]);
  const before = stored?.benefitIds ?? unlockedBy(input.previousLevel, catalog);
  const d = diffEntitlements(before, input.level, catalog);
  const entitlement: Entitlement = {
    pathwayId: input.pathway.id,
    districtId: input.pathway.districtId,
    level: input.level,
    benefitIds: d.after,
    changedAt: input.at,
    cause: { kind: input.cause, certificationId: input.certificationId },
  };
  const items: TransactItem[] = [put({ ...keys.benefitEntitlement(input.pathway.id), _type: 'benefitEntitlement', ...entitlement })];
  const change: BenefitsChange | null = isChange(d)
    ? {
        pathwayId: input.pathway.id,
        districtId: input.pathway.districtId,
        certificationId: input.certificationId,
        cause: input.cause,
        previousLevel: stored ? stored.level : input.previousLevel,
        level: input.level,
        unlocked: d.unlocked,
        lost: d.lost,
      }
    : null;
  return { items, change };
}

// Requests -----------------------------------------------------------------------------

export interface BenefitRequest {
  id: string;
  pathwayId: string;
  districtId: string;
  benefitId: string;
  benefitTitle: string;
  units: number;
  /** The capacity window counted against (`2027`, or `ALL`). */
  window: string;
  note?: string;
  status: RequestStatus;
  createdAt: string;
  requestedBy: Actor;
  decidedAt?: string;
  decidedBy?: Actor;
  decisionNote?: string;
}

const requestItem = (r: BenefitRequest): Item => ({
  ...keys.benefitRequest(r.pathwayId, r.id),
  ...keys.benefitRequestIndexes(r.status, r.createdAt, r.id),
  _type: 'benefitRequest',
  ...r,
});
const asRequest = (i: Item) => stripKeys(i) as unknown as BenefitRequest;

export async function getBenefitRequest(pathwayId: string, requestId: string, consistent = false): Promise<BenefitRequest | undefined> {
  const item = await getItem(keys.benefitRequest(pathwayId, requestId), consistent);
  return item ? asRequest(item) : undefined;
}

export async function listPathwayRequests(pathwayId: string, o: { limit?: number; cursor?: string }): Promise<Page<BenefitRequest>> {
  const page = await queryPage({
    partition: partitions.pathwayBenefitRequests(pathwayId),
    skBeginsWith: keys.benefitRequestPrefix,
    ascending: false,
    limit: o.limit,
    cursor: o.cursor,
  });
  return { items: page.items.map(asRequest), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

export async function listRequestsByStatus(status: RequestStatus, o: { limit?: number; cursor?: string }): Promise<Page<BenefitRequest>> {
  const page = await queryPage({ partition: partitions.benefitRequestsByStatus(status), limit: o.limit, cursor: o.cursor });
  return { items: page.items.map(asRequest), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** Units held (requested or approved) of each benefit in its current window, by benefit id. */
export async function usageOf(
  pathwayId: string,
  benefits: readonly Pick<Benefit, 'id' | 'capacity'>[],
  day: string,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  await Promise.all(
    benefits
      .filter((b) => b.capacity)
      .map(async (b) => {
        const item = await getItem(keys.benefitUsage(pathwayId, b.id, capacityWindow(b.capacity!.period, day)));
        out[b.id] = typeof item?.used === 'number' ? item.used : 0;
      }),
  );
  return out;
}

/**
 * Creates a request and takes its units, in one transaction: the request (new), the usage
 * counter (raised only while it stays within capacity), the pathway's level (one that
 * unlocks the benefit), the catalog entry (unchanged since it was read), the audit event,
 * and `extra` (the idempotency record).
 */
export async function createBenefitRequest(
  input: {
    pathway: { id: string; districtId: string };
    benefit: Benefit;
    units: number;
    note?: string | undefined;
    actor: Actor;
    at: string;
  },
  extra: (r: BenefitRequest) => TransactItem[] = () => [],
): Promise<BenefitRequest> {
  const { benefit, pathway } = input;
  const capacity = benefit.capacity!;
  const r: BenefitRequest = {
    id: newId('benefitRequest'),
    pathwayId: pathway.id,
    districtId: pathway.districtId,
    benefitId: benefit.id,
    benefitTitle: benefit.title,
    units: input.units,
    window: capacityWindow(capacity.period, input.at.slice(0, 10)),
    ...(input.note ? { note: input.note } : {}),
    status: 'requested',
    createdAt: input.at,
    requestedBy: input.actor,
  };
  const allowed = levelsUnlocking(benefit.minLevel);
  const levelValues = Object.fromEntries(allowed.map((l, i) => [`:l${i}`, l]));
  const items: TransactItem[] = [
    putNew(requestItem(r)),
    {
      Update: {
        TableName: config.tableName,
        Key: keys.benefitUsage(pathway.id, benefit.id, r.window),
        UpdateExpression: 'SET #used = if_not_exists(#used, :zero) + :units, #benefitId = :benefitId, #window = :window, #type = :type',
        ConditionExpression: 'attribute_not_exists(#used) OR #used <= :room',
        ExpressionAttributeNames: { '#used': 'used', '#benefitId': 'benefitId', '#window': 'window', '#type': '_type' },
        ExpressionAttributeValues: {
          ':zero': 0,
          ':units': r.units,
          ':room': capacity.perPathway - r.units,
          ':benefitId': benefit.id,
          ':window': r.window,
          ':type': 'benefitUsage',
        },
      },
    },
    conditionCheck(
      keys.pathway(pathway.id),
      `#level IN (${Object.keys(levelValues).join(', ')})`,
      { '#level': 'certificationLevel' },
      levelValues,
    ),
    conditionCheck(
      keys.benefit(benefit.id),
      '#revision = :revision AND #active = :true',
      { '#revision': 'revision', '#active': 'active' },
      { ':revision': benefit.revision, ':true': true },
    ),
    auditItem(
      { kind: 'pathway', id: pathway.id },
      {
        at: input.at,
        actor: input.actor,
        action: 'benefit.requested',
        entity: { kind: 'benefitRequest', id: r.id },
        changes: [
          { field: 'status', to: 'requested' },
          { field: 'units', to: r.units },
          { field: 'benefitId', to: benefit.id },
        ],
      },
    ),
  ];
  try {
    await transact([...items, ...extra(r)]);
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      if (error.failedCondition(1))
        throw new ConflictError(
          `The pathway's ${capacity.perPathway} units of this benefit for ${r.window === 'ALL' ? 'its whole life' : r.window} are taken.`,
          { code: 'capacity_exhausted', perPathway: capacity.perPathway, window: r.window },
        );
      if (error.failedCondition(2)) {
        const message = `The benefit needs ${benefit.minLevel} or above.`;
        throw new UnprocessableError(message, [{ in: 'body', field: 'benefitId', message, code: 'level_too_low' }]);
      }
      if (error.failedCondition(3)) throw new ConflictError('The benefit changed meanwhile; read it again.', { code: 'benefit_changed' });
    }
    throw error;
  }
  return r;
}

/**
 * Moves a request out of `requested` (approved, declined, withdrawn); a declined or
 * withdrawn one gives its units back in the same transaction. Conditional on the request
 * still being `requested`, so a retried or racing decision cannot release units twice.
 */
export async function moveBenefitRequest(
  r: BenefitRequest,
  to: Exclude<RequestStatus, 'requested'>,
  actor: Actor,
  note: string | undefined,
): Promise<BenefitRequest> {
  const at = nowIso();
  const after: BenefitRequest = { ...r, status: to, decidedAt: at, decidedBy: actor, ...(note ? { decisionNote: note } : {}) };
  const index = keys.benefitRequestIndexes(to, r.createdAt, r.id);
  const items: TransactItem[] = [
    {
      Update: {
        TableName: config.tableName,
        Key: keys.benefitRequest(r.pathwayId, r.id),
        UpdateExpression: `SET #status = :to, #decidedAt = :at, #decidedBy = :by, GSI3PK = :gpk, GSI3SK = :gsk${note ? ', #note = :note' : ''}`,
        ConditionExpression: '#status = :requested',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#decidedAt': 'decidedAt',
          '#decidedBy': 'decidedBy',
          ...(note ? { '#note': 'decisionNote' } : {}),
        },
        ExpressionAttributeValues: {
          ':to': to,
          ':at': at,
          ':by': actor,
          ':requested': 'requested',
          ':gpk': index.GSI3PK,
          ':gsk': index.GSI3SK,
          ...(note ? { ':note': note } : {}),
        },
      },
    },
    auditItem(
      { kind: 'pathway', id: r.pathwayId },
      {
        at,
        actor,
        action: `benefit.request.${to}`,
        entity: { kind: 'benefitRequest', id: r.id },
        changes: [{ field: 'status', from: 'requested', to }],
      },
    ),
  ];
  if (releasesUnits(to)) {
    items.push({
      Update: {
        TableName: config.tableName,
        Key: keys.benefitUsage(r.pathwayId, r.benefitId, r.window),
        UpdateExpression: 'SET #used = #used - :units',
        ConditionExpression: '#used >= :units',
        ExpressionAttributeNames: { '#used': 'used' },
        ExpressionAttributeValues: { ':units': r.units },
      },
    });
  }
  try {
    await transact(items);
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedCondition(0)) {
      const now = await getBenefitRequest(r.pathwayId, r.id, true);
      throw new ConflictError(`The request is ${now?.status ?? 'gone'}; only a request still waiting can be decided or withdrawn.`, {
        code: 'not_requested',
        status: now?.status,
      });
    }
    throw error;
  }
  return after;
}

/** Every request of every status, for the staff report (hundreds a year). */
export async function allRequests(): Promise<BenefitRequest[]> {
  const pages = await Promise.all(
    (['requested', 'approved', 'declined', 'withdrawn'] as const).map((s) =>
      queryPartition({ partition: partitions.benefitRequestsByStatus(s) }),
    ),
  );
  return pages.flat().map(asRequest);
}

/** Every pathway's level and enrollment (the staff report): one projected read of pattern 8. */
export async function pathwayStandings(): Promise<{ id: string; status: string; certificationLevel: Level | null; enrollment: number }[]> {
  const rows = await queryPartition({
    partition: partitions.allPathways,
    projection: ['id', 'status', 'certificationLevel', 'enrollment'],
  });
  return rows.map((p) => ({
    id: String(p.id),
    status: String(p.status),
    certificationLevel: (p.certificationLevel ?? null) as Level | null,
    enrollment: typeof p.enrollment === 'number' ? p.enrollment : 0,
  }));
}
