/**
 * Districts, schools and pathways: their stored items, versioned updates and lists.
 *
 * Every write goes through `transact` together with its audit event (and, for creating
 * POSTs, the idempotency record the caller passes in `extra`), so a change and its trail
 * are one atomic unit. Updates are UpdateItem calls that touch only the changed fields,
 * guarded by `version = :expected`; a full-item Put would silently undo attributes that
 * other writers own on the same item (a pathway's `leadCount`, kept by membership writes,
 * or its certification, kept by the pipeline).
 */
import { BatchGetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isValidAt, type Level } from '#core/levels.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { InvalidInputError } from '#core/errors.ts';
import { auditItem, diff, type AuditEvent, type AuditScope } from './audit.ts';
import {
  addSets,
  getItem,
  putNew,
  queryPage,
  stripKeys,
  throwIfVersionFailed,
  transactRetrying,
  TransactionCancelled,
  type Item,
  type Page,
  type TransactItem,
} from './db.ts';
import type { District, Pathway, School, Sector } from './entities.ts';
import { partitions, sortName, type IndexKeys, type Key } from './keys.ts';
import * as keys from './keys.ts';
import { decodeCursor, encodeCursor } from './pagination.ts';
import { tableIndexes, type IndexName } from './table.ts';

export type Actor = AuditEvent['actor'];

/** A pathway as stored: the entity plus the count of its leads (kept by membership writes). */
export type StoredPathway = Pathway & { leadCount?: number };

/** Levels the public directory lists; candidacy is a stage on the way, not a certification. */
export const directoryLevels: readonly Level[] = ['silver', 'gold'];

const today = () => nowIso().slice(0, 10);

/** Whether a pathway belongs in the public directory now: a listed level that is still valid. */
export function isListedInDirectory(p: Pick<Pathway, 'certificationLevel' | 'certifiedUntil'>, at: string = nowIso()): boolean {
  return (
    p.certificationLevel !== null &&
    directoryLevels.includes(p.certificationLevel) &&
    p.certifiedUntil !== null &&
    isValidAt(p.certifiedUntil, at)
  );
}

export function districtItem(d: District): Item {
  return { ...keys.district(d.id), ...keys.districtIndexes(d), _type: 'district', ...d };
}

export function schoolItem(s: School): Item {
  return { ...keys.school(s.id), ...keys.schoolIndexes(s), _type: 'school', ...s };
}

export function pathwayItem(p: StoredPathway): Item {
  return {
    ...keys.pathway(p.id),
    ...keys.pathwayIndexes({ ...p, certified: isListedInDirectory(p) }),
    _type: 'pathway',
    ...p,
  };
}

/** The API view of a stored item: no storage attributes, no internal counters. */
export function publicPathway(item: Item): Pathway {
  const { leadCount: _leadCount, ...rest } = stripKeys(item) as unknown as StoredPathway;
  return rest;
}

export const getDistrict = async (id: string, consistent = false) => {
  const item = await getItem(keys.district(id), consistent);
  return item ? (stripKeys(item) as unknown as District) : undefined;
};

export const getSchool = async (id: string, consistent = false) => {
  const item = await getItem(keys.school(id), consistent);
  return item ? (stripKeys(item) as unknown as School) : undefined;
};

export const getPathway = async (id: string, consistent = false): Promise<StoredPathway | undefined> => {
  const item = await getItem(keys.pathway(id), consistent);
  return item ? (stripKeys(item) as unknown as StoredPathway) : undefined;
};

/** Many items by key in one BatchGetItem round (up to 100 keys; repeated for the rest); `consistent` for strongly consistent reads. */
export async function batchGet(list: Key[], consistent = false): Promise<Item[]> {
  const unique = [...new Map(list.map((k) => [`${k.PK}|${k.SK}`, k])).values()];
  const out: Item[] = [];
  for (let i = 0; i < unique.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = unique.slice(i, i + 100);
    for (let attempt = 0; pending && pending.length > 0 && attempt < 5; attempt++) {
      const res = await dynamoClient().send(
        new BatchGetCommand({ RequestItems: { [config.tableName]: { Keys: pending, ...(consistent ? { ConsistentRead: true } : {}) } } }),
      );
      out.push(...((res.Responses?.[config.tableName] ?? []) as Item[]));
      pending = res.UnprocessedKeys?.[config.tableName]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Versioned updates

/**
 * An UpdateItem (for a transaction) that sets `changes`, bumps `version` and `updatedAt`,
 * and only applies while the item is still at `expectedVersion`.
 */
export function versionedUpdate(
  key: Key,
  expectedVersion: number,
  changes: Record<string, unknown>,
  at: string,
  remove: readonly string[] = [],
): TransactItem {
  const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':expected': expectedVersion, ':next': expectedVersion + 1, ':at': at };
  const sets = ['#version = :next', '#updatedAt = :at'];
  addSets({ names, values, sets }, changes);
  const removes = remove.map((field, i) => {
    names[`#r${i}`] = field;
    return `#r${i}`;
  });
  return {
    Update: {
      TableName: config.tableName,
      Key: key,
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: 'attribute_exists(PK) AND #version = :expected',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Runs a transaction whose item 0 is a versioned update; a failed version check is a 412 (404 if the item is gone). */
export async function transactVersioned(items: TransactItem[], what: string): Promise<void> {
  try {
    await transactRetrying(items);
  } catch (error) {
    if (error instanceof TransactionCancelled) throwIfVersionFailed(error, what);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------
// Districts

/** The names of pathways and districts by id (one BatchGet per 100); ids not found are absent. */
export async function registryNames(ids: {
  pathwayIds?: readonly string[];
  districtIds?: readonly string[];
}): Promise<Map<string, string>> {
  const found = await batchGet([
    ...(ids.pathwayIds ?? []).map((id) => keys.pathway(id)),
    ...(ids.districtIds ?? []).map((id) => keys.district(id)),
  ]);
  return new Map(found.map((i) => [String(i.id), String(i.name ?? '')]));
}

export const districtFields = ['name', 'state', 'countyOrRegion'] as const;

export function newDistrictWrite(d: District, actor: Actor): TransactItem[] {
  return [
    putNew(districtItem(d)),
    auditItem(
      { kind: 'district', id: d.id },
      {
        at: d.createdAt,
        actor,
        action: 'district.created',
        entity: { kind: 'district', id: d.id },
        changes: diff(undefined, d as unknown as Record<string, unknown>, districtFields),
      },
    ),
  ];
}

export async function createDistrict(d: District, actor: Actor, extra: TransactItem[] = []): Promise<void> {
  await transactRetrying([...newDistrictWrite(d, actor), ...extra]);
}

export async function updateDistrict(
  before: District,
  expectedVersion: number,
  changes: Partial<Pick<District, 'name' | 'state' | 'countyOrRegion'>>,
  actor: Actor,
): Promise<District> {
  const at = nowIso();
  const after: District = { ...before, ...changes, version: expectedVersion + 1, updatedAt: at };
  const set: Record<string, unknown> = { ...changes };
  if (changes.name !== undefined) Object.assign(set, keys.districtIndexes(after));
  await transactVersioned(
    [
      versionedUpdate(keys.district(before.id), expectedVersion, set, at),
      auditItem(
        { kind: 'district', id: before.id },
        {
          at,
          actor,
          action: 'district.updated',
          entity: { kind: 'district', id: before.id },
          changes: diff(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>, districtFields),
        },
      ),
    ],
    'district',
  );
  if (changes.name !== undefined && changes.name !== before.name)
    await propagate(partitions.districtPathways(before.id), { districtName: after.name });
  if (changes.state !== undefined && changes.state !== before.state)
    await propagate(partitions.districtPathways(before.id), { state: after.state });
  return after;
}

/**
 * Copies a renamed parent's denormalized fields onto its pathways. Not transactional (a
 * district can have more pathways than a transaction holds); each pathway is updated on
 * its own, without touching its version, since no user edited it.
 */
async function propagate(partition: { index: IndexName; value: string }, fields: Record<string, unknown>): Promise<void> {
  // The same update for every pathway in the partition.
  const { names, values, sets } = addSets({ names: {}, values: {}, sets: [] }, fields);
  let cursor: string | undefined;
  do {
    const page = await queryPage<Item>({ partition, limit: 100, cursor });
    for (const item of page.items) {
      try {
        await dynamoClient().send(
          new UpdateCommand({
            TableName: config.tableName,
            Key: keys.pathway(String(item.id)),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
}

export async function listDistricts(limit?: number, cursor?: string): Promise<Page<District>> {
  const page = await queryPage({ partition: partitions.districts, limit, cursor });
  return { items: page.items.map((i) => stripKeys(i) as unknown as District), nextCursor: page.nextCursor };
}

/**
 * The few districts of `ids`, read by key (one BatchGet) and paged in memory in the order
 * and with the cursor shape of the full list (listDistricts), so either list's cursor reads alike.
 */
export async function listDistrictsById(ids: readonly string[], limit = 25, cursor?: string): Promise<Page<District>> {
  const after = decodeCursor(cursor, partitions.districts.index, partitions.districts.value);
  const found = await batchGet(ids.map((id) => keys.district(id)));
  const all = found
    .map((i) => ({ key: String(i.GSI2SK), district: stripKeys(i) as unknown as District }))
    .filter((e) => !after || e.key > String(after.GSI2SK))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const page = all.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    all.length > limit && last
      ? encodeCursor({ ...keys.district(last.district.id), GSI2PK: partitions.districts.value, GSI2SK: last.key })
      : undefined;
  return { items: page.map((e) => e.district), nextCursor };
}

// ---------------------------------------------------------------------------------------
// Schools

export const schoolFields = ['name', 'districtId'] as const;

export function newSchoolWrite(s: School, actor: Actor): TransactItem[] {
  return [
    putNew(schoolItem(s)),
    auditItem(
      { kind: 'district', id: s.districtId },
      {
        at: s.createdAt,
        actor,
        action: 'school.created',
        entity: { kind: 'school', id: s.id },
        changes: diff(undefined, s as unknown as Record<string, unknown>, schoolFields),
      },
    ),
  ];
}

export async function createSchool(s: School, actor: Actor, extra: TransactItem[] = []): Promise<void> {
  await transactRetrying([...newSchoolWrite(s, actor), ...extra]);
}

export async function updateSchool(
  before: School,
  expectedVersion: number,
  changes: Partial<Pick<School, 'name'>>,
  actor: Actor,
): Promise<School> {
  const at = nowIso();
  const after: School = { ...before, ...changes, version: expectedVersion + 1, updatedAt: at };
  const set: Record<string, unknown> = { ...changes };
  if (changes.name !== undefined) Object.assign(set, keys.schoolIndexes(after));
  await transactVersioned(
    [
      versionedUpdate(keys.school(before.id), expectedVersion, set, at),
      auditItem(
        { kind: 'district', id: before.districtId },
        {
          at,
          actor,
          action: 'school.updated',
          entity: { kind: 'school', id: before.id },
          changes: diff(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>, schoolFields),
        },
      ),
    ],
    'school',
  );
  if (changes.name !== undefined && changes.name !== before.name)
    await propagate(partitions.schoolPathways(before.id), { schoolName: after.name });
  return after;
}

export async function listSchools(districtId: string, limit?: number, cursor?: string): Promise<Page<School>> {
  const page = await queryPage({ partition: partitions.districtSchools(districtId), limit, cursor });
  return { items: page.items.map((i) => stripKeys(i) as unknown as School), nextCursor: page.nextCursor };
}

// ---------------------------------------------------------------------------------------
// Pathways

export const pathwayEditableFields = ['name', 'sector', 'gradesServed', 'model', 'enrollment', 'status'] as const;
const pathwayAuditFields = [...pathwayEditableFields, 'certificationLevel', 'certifiedUntil'] as const;

/** The audit scopes a pathway-level change is recorded under (its own trail; creation also in its district's). */
const pathwayScope = (p: Pick<Pathway, 'id'>): AuditScope => ({ kind: 'pathway', id: p.id });

export function newPathwayWrite(p: StoredPathway, actor: Actor): TransactItem[] {
  const event = {
    at: p.createdAt,
    actor,
    action: 'pathway.created',
    entity: { kind: 'pathway', id: p.id },
    changes: diff(undefined, p as unknown as Record<string, unknown>, pathwayAuditFields),
  };
  return [
    putNew(pathwayItem({ leadCount: 0, ...p })),
    auditItem(pathwayScope(p), event),
    auditItem({ kind: 'district', id: p.districtId }, event),
  ];
}

export async function createPathway(p: StoredPathway, actor: Actor, extra: TransactItem[] = []): Promise<void> {
  await transactRetrying([...newPathwayWrite(p, actor), ...extra]);
}

export type PathwayChanges = Partial<Pick<Pathway, (typeof pathwayEditableFields)[number]>>;

function pathwayIndexChanges(after: StoredPathway): { set: IndexKeys; remove: string[] } {
  const set = keys.pathwayIndexes({ ...after, certified: isListedInDirectory(after) });
  return { set, remove: set.GSI4PK ? [] : ['GSI4PK', 'GSI4SK'] };
}

export async function updatePathway(
  before: StoredPathway,
  expectedVersion: number,
  changes: PathwayChanges,
  actor: Actor,
): Promise<Pathway> {
  const at = nowIso();
  const after: StoredPathway = { ...before, ...changes, version: expectedVersion + 1, updatedAt: at };
  const set: Record<string, unknown> = { ...changes };
  let remove: string[] = [];
  if (changes.name !== undefined) {
    const idx = pathwayIndexChanges(after);
    Object.assign(set, idx.set);
    remove = idx.remove;
  }
  await transactVersioned(
    [
      versionedUpdate(keys.pathway(before.id), expectedVersion, set, at, remove),
      auditItem(pathwayScope(before), {
        at,
        actor,
        action: 'pathway.updated',
        entity: { kind: 'pathway', id: before.id },
        changes: diff(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>, pathwayEditableFields),
      }),
    ],
    'pathway',
  );
  const { leadCount: _l, ...view } = after;
  return view;
}

/**
 * The pathway's certification changes only here (the certification pipeline, the expiry
 * sweep and the seed call it): sets level and date, and adds or removes the sparse
 * directory key (GSI4) in the same write. Returns the transaction items so the caller can
 * commit them with its own (the application's decision, for instance).
 */
export function certificationWrite(
  p: StoredPathway,
  certification: { level: Level | null; until: string | null },
  actor: Actor,
  reason: string,
): TransactItem[] {
  const at = nowIso();
  const after: StoredPathway = { ...p, certificationLevel: certification.level, certifiedUntil: certification.until };
  const idx = pathwayIndexChanges(after);
  return [
    versionedUpdate(
      keys.pathway(p.id),
      p.version,
      { certificationLevel: certification.level, certifiedUntil: certification.until, ...idx.set },
      at,
      idx.remove,
    ),
    auditItem(pathwayScope(p), {
      at,
      actor,
      action: `pathway.certification.${reason}`,
      entity: { kind: 'pathway', id: p.id },
      changes: diff(p as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>, [
        'certificationLevel',
        'certifiedUntil',
      ]),
    }),
  ];
}

export interface PathwayFilter {
  sector?: Sector;
  /** A level, or `none` for pathways that hold no certification. */
  level?: Level | 'none';
  /** Public directory only. */
  state?: string;
  districtId?: string;
}

/** The filter as a DynamoDB FilterExpression (undefined when there is nothing to filter). */
export function filterExpression(f: PathwayFilter, extra: string[] = [], extraValues: Record<string, unknown> = {}) {
  const parts = [...extra];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ...extraValues };
  if (f.sector) {
    parts.push('#sector = :sector');
    names['#sector'] = 'sector';
    values[':sector'] = f.sector;
  }
  if (f.level) {
    names['#level'] = 'certificationLevel';
    if (f.level === 'none') {
      parts.push('(attribute_not_exists(#level) OR attribute_type(#level, :nullType))');
      values[':nullType'] = 'NULL';
    } else {
      parts.push('#level = :level');
      values[':level'] = f.level;
    }
  }
  if (f.state) {
    parts.push('#state = :state');
    names['#state'] = 'state';
    values[':state'] = f.state;
  }
  if (f.districtId) {
    parts.push('#districtId = :districtId');
    names['#districtId'] = 'districtId';
    values[':districtId'] = f.districtId;
  }
  if (extra.some((e) => e.includes('#certifiedUntil'))) names['#certifiedUntil'] = 'certifiedUntil';
  if (parts.length === 0) return undefined;
  return { expression: parts.join(' AND '), names: Object.keys(names).length ? names : undefined, values };
}

function matches(p: Pathway, f: PathwayFilter): boolean {
  if (f.sector && p.sector !== f.sector) return false;
  if (f.level === 'none' && p.certificationLevel !== null && p.certificationLevel !== undefined) return false;
  if (f.level && f.level !== 'none' && p.certificationLevel !== f.level) return false;
  if (f.state && p.state !== f.state) return false;
  if (f.districtId && p.districtId !== f.districtId) return false;
  return true;
}

const pathwayPage = (page: Page<Item>): Page<Pathway> => ({ items: page.items.map(publicPathway), nextCursor: page.nextCursor });

/** Every pathway by name (staff), or one district's, with filters. */
export async function listAllPathways(filter: PathwayFilter, limit?: number, cursor?: string): Promise<Page<Pathway>> {
  if (filter.districtId) return listDistrictPathways(filter.districtId, { ...filter, districtId: undefined }, limit, cursor);
  return pathwayPage(await queryPage({ partition: partitions.allPathways, limit, cursor, filter: filterExpression(filter) }));
}

export async function listDistrictPathways(
  districtId: string,
  filter: PathwayFilter,
  limit?: number,
  cursor?: string,
): Promise<Page<Pathway>> {
  return pathwayPage(
    await queryPage({ partition: partitions.districtPathways(districtId), limit, cursor, filter: filterExpression(filter) }),
  );
}

export async function listSchoolPathways(schoolId: string, filter: PathwayFilter, limit?: number, cursor?: string): Promise<Page<Pathway>> {
  return pathwayPage(await queryPage({ partition: partitions.schoolPathways(schoolId), limit, cursor, filter: filterExpression(filter) }));
}

// ---------------------------------------------------------------------------------------
// The pathways a non-staff caller can see: merged from several partitions

/** A pathway's place in every by-name list (the same sort key in GSI1, GSI2, GSI3 and GSI4). */
const nameKey = (p: Pick<Pathway, 'name' | 'id'>) => `${sortName(p.name)}#${p.id}`;

const MERGED_CURSOR = /^[A-Za-z0-9_-]{1,700}$/;

function encodeAfter(after: string): string {
  return Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
}

function decodeAfter(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const bad = () =>
    new InvalidInputError([{ in: 'query', field: 'cursor', message: 'is not a cursor of this list', code: 'invalid_cursor' }]);
  if (!MERGED_CURSOR.test(cursor)) throw bad();
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw bad();
    const entries = Object.entries(parsed);
    const after = (parsed as { after?: unknown }).after;
    if (entries.length !== 1 || typeof after !== 'string' || after.length === 0 || after.length > 400 || !/#pw_/.test(after)) throw bad();
    return after;
  } catch {
    throw bad();
  }
}

/** Up to `limit` matching pathways of one district after `after`, and whether more remain. */
async function districtSlice(districtId: string, filter: PathwayFilter, after: string | undefined, limit: number) {
  const index = tableIndexes.find((i) => i.name === 'GSI1')!;
  const f = filterExpression(filter);
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  let more = false;
  for (let round = 0; round < 5; round++) {
    const out = await dynamoClient().send(
      new QueryCommand({
        TableName: config.tableName,
        IndexName: index.name,
        KeyConditionExpression: after ? '#pk = :pk AND #sk > :after' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey, ...(after ? { '#sk': index.sortKey } : {}), ...f?.names },
        ExpressionAttributeValues: {
          ':pk': partitions.districtPathways(districtId).value,
          ...(after ? { ':after': after } : {}),
          ...f?.values,
        },
        FilterExpression: f?.expression,
        Limit: limit + 1 - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((out.Items ?? []) as Item[]));
    startKey = out.LastEvaluatedKey;
    if (!startKey || items.length > limit) break;
  }
  if (startKey) more = true;
  // Where the read stopped: a later page may resume there when every item read was filtered out.
  const scanned = startKey ? String(startKey[index.sortKey]) : undefined;
  return { items: items.map(publicPathway), more, scanned };
}

/**
 * The pathways of the caller's districts plus the pathways they are a member of, by name,
 * paginated with a cursor that names the last pathway returned. Each source is read after
 * that position, so pages neither repeat nor skip pathways.
 */
export async function listVisiblePathways(
  scope: { districtIds: string[]; pathwayIds: string[] },
  filter: PathwayFilter,
  limit = 25,
  cursor?: string,
): Promise<Page<Pathway>> {
  const after = decodeAfter(cursor);
  const districtIds = [...new Set(scope.districtIds)].filter((d) => !filter.districtId || d === filter.districtId);
  const slices = await Promise.all(districtIds.map((d) => districtSlice(d, { ...filter, districtId: undefined }, after, limit)));
  const fromDistricts = new Set(districtIds);
  const direct = (await batchGet(scope.pathwayIds.map((id) => keys.pathway(id))))
    .map(publicPathway)
    .filter((p) => !fromDistricts.has(p.districtId) && matches(p, filter) && (!after || nameKey(p) > after));
  const merged = new Map<string, Pathway>();
  for (const p of [...slices.flatMap((s) => s.items), ...direct]) merged.set(p.id, p);
  const sorted = [...merged.values()].sort((a, b) => (nameKey(a) < nameKey(b) ? -1 : nameKey(a) > nameKey(b) ? 1 : 0));
  const items = sorted.slice(0, limit);
  const more = sorted.length > limit || slices.some((s) => s.more);
  const last = items.at(-1);
  if (!more) return { items };
  if (last) return { items, nextCursor: encodeAfter(nameKey(last)) };
  // Nothing matched within the rounds a page may spend: resume where the reads stopped.
  const resume = slices.flatMap((s) => (s.scanned ? [s.scanned] : [])).sort()[0];
  return { items, nextCursor: resume ? encodeAfter(resume) : undefined };
}

// ---------------------------------------------------------------------------------------
// Directory (public)

export interface DirectoryEntry {
  id: string;
  name: string;
  schoolId: string;
  schoolName: string;
  districtId: string;
  districtName: string;
  state: string;
  sector: Sector;
  model: Pathway['model'];
  level: Level;
  validUntil: string;
}

export function directoryEntry(p: Pathway): DirectoryEntry {
  return {
    id: p.id,
    name: p.name,
    schoolId: p.schoolId,
    schoolName: p.schoolName,
    districtId: p.districtId,
    districtName: p.districtName,
    state: p.state,
    sector: p.sector,
    model: p.model,
    level: p.certificationLevel as Level,
    validUntil: p.certifiedUntil as string,
  };
}

/**
 * Certified pathways by name from the sparse directory index. The expiry sweep removes a
 * lapsed pathway's directory key; until it runs, the date filter keeps it out anyway.
 */
export async function listDirectory(filter: PathwayFilter, limit?: number, cursor?: string): Promise<Page<DirectoryEntry>> {
  const f = filterExpression(filter, ['#certifiedUntil > :today'], { ':today': today() });
  const page = await queryPage({ partition: partitions.directory, limit, cursor, filter: f });
  return { items: page.items.map((i) => directoryEntry(publicPathway(i))), nextCursor: page.nextCursor };
}

export async function getDirectoryEntry(pathwayId: string): Promise<DirectoryEntry | undefined> {
  const item = await getItem(keys.pathway(pathwayId));
  if (!item || !item.GSI4PK) return undefined;
  const p = publicPathway(item);
  return isListedInDirectory(p) ? directoryEntry(p) : undefined;
}
