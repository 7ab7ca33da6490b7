/**
 * Standards framework versions. A version is ONE item (`FRAMEWORK#<id>` / `FRAMEWORK`)
 * holding its whole tree (components → standards → criteria with rubric and expected
 * evidence), so a read is one GetItem and a published version can never be half-changed.
 *
 * The content's `version` is the framework's version number (`2026.1`); the optimistic
 * concurrency counter of the item is therefore called `revision` (the ETag of a framework).
 *
 * Size: DynamoDB items are at most 400 KB. The seed framework (39 criteria) is about
 * 33 KB as JSON; documents are refused above FRAMEWORK_MAX_BYTES (200 KB, measured as the
 * stored item's JSON), which leaves room for DynamoDB's per-attribute overhead on nested
 * maps and lists.
 *
 * Published versions are immutable, so they are cached per Lambda instance: an
 * application write reads its pinned framework from memory after the first request.
 */
import { allCriteria, criteriaFor, frameworkSchema, publishFramework, type Framework, type FrameworkContent } from '#core/framework.ts';
import { newId } from '#core/ids.ts';
import { levels, type Level } from '#core/levels.ts';
import { nowIso } from '#lib/clock.ts';
import { ConflictError, NotFoundError, PreconditionFailedError, TooLargeError, UnprocessableError } from '#core/errors.ts';
import { auditItem, diff, type AuditEvent } from './audit.ts';
import { getItem, putNew, queryPage, stripKeys, transact, TransactionCancelled, type Item, type Page, type TransactItem } from './db.ts';
import { partitions } from './keys.ts';
import * as keys from './keys.ts';
import { config } from '#lib/config.ts';

export type Actor = AuditEvent['actor'];

export const FRAMEWORK_MAX_BYTES = 200_000;
/**
 * Submitting an application checks every response's version in one transaction (at most
 * 100 items, 3 of them for the application, its audit event and the idempotency record),
 * so no level may ask for more criteria than that transaction can hold.
 */
export const MAX_CRITERIA_PER_LEVEL = 90;

export interface StoredFramework extends Framework {
  revision: number;
  createdAt: string;
  updatedAt: string;
  createdBy: Actor;
  updatedBy: Actor;
}

/** The list view: everything but the tree. */
export interface FrameworkSummary {
  id: string;
  version: string;
  title: string;
  description?: string;
  status: Framework['status'];
  publishedAt?: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
  criteriaCount: number;
  criteriaByLevel: Record<Level, number>;
}

function frameworkItem(f: StoredFramework): Item {
  return {
    ...keys.framework(f.id),
    ...keys.frameworkIndexes(f.id, f.createdAt),
    ...(f.status === 'published' ? keys.publishedFrameworkIndexes(f.id, f.version) : {}),
    _type: 'framework',
    ...f,
  };
}

const fromItem = (item: Item) => stripKeys(item) as unknown as StoredFramework;

export function summarize(f: StoredFramework): FrameworkSummary {
  const byLevel = Object.fromEntries(levels.map((l) => [l, criteriaFor(f, l).length])) as Record<Level, number>;
  return {
    id: f.id,
    version: f.version,
    title: f.title,
    ...(f.description !== undefined ? { description: f.description } : {}),
    status: f.status,
    ...(f.publishedAt !== undefined ? { publishedAt: f.publishedAt } : {}),
    revision: f.revision,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
    criteriaCount: allCriteria(f).length,
    criteriaByLevel: byLevel,
  };
}

/** Bounds a per-field schema cannot state: the stored item's size and criteria per level. */
export function checkStorable(item: Item): void {
  const bytes = Buffer.byteLength(JSON.stringify(item), 'utf8');
  if (bytes > FRAMEWORK_MAX_BYTES) {
    throw new TooLargeError(
      'Framework',
      `The framework would be stored as ${bytes} bytes; one framework version is stored as one item of at most ${FRAMEWORK_MAX_BYTES} bytes.`,
      [{ in: 'body', field: '', message: `at most ${FRAMEWORK_MAX_BYTES} bytes when stored`, code: 'too_large' }],
      { bytes, maxBytes: FRAMEWORK_MAX_BYTES },
    );
  }
  const content = item as unknown as FrameworkContent;
  const over = levels.filter((l) => criteriaFor(content, l).length > MAX_CRITERIA_PER_LEVEL);
  if (over.length > 0) {
    throw new UnprocessableError(
      `A level may have at most ${MAX_CRITERIA_PER_LEVEL} criteria.`,
      over.map((l) => ({
        in: 'body' as const,
        field: 'components',
        message: `${l} has more than ${MAX_CRITERIA_PER_LEVEL} criteria`,
        code: 'too_many_criteria',
      })),
    );
  }
}

export async function getFramework(id: string, consistent = false): Promise<StoredFramework | undefined> {
  const item = await getItem(keys.framework(id), consistent);
  return item ? fromItem(item) : undefined;
}

const publishedCache = new Map<string, StoredFramework>();
const CACHE_LIMIT = 20;

/** A published version, from memory when this instance has read it before (they never change). */
export async function getPublishedFramework(id: string): Promise<StoredFramework | undefined> {
  const cached = publishedCache.get(id);
  if (cached) return cached;
  const f = await getFramework(id);
  if (!f || f.status !== 'published') return undefined;
  if (publishedCache.size >= CACHE_LIMIT) publishedCache.delete(publishedCache.keys().next().value!);
  publishedCache.set(id, f);
  return f;
}

/** The published version with the highest version number (one Query, Limit 1, on the sparse index). */
export async function newestPublishedFramework(): Promise<StoredFramework | undefined> {
  const page = await queryPage({ partition: partitions.publishedFrameworks, ascending: false, limit: 1 });
  const first = page.items[0];
  return first ? fromItem(first) : undefined;
}

/**
 * Versions newest first. Everyone but staff sees published versions only, highest version
 * first (the sparse published index); staff see drafts too, newest created first.
 */
export async function listFrameworks(o: {
  includeDrafts: boolean;
  status?: Framework['status'];
  limit?: number;
  cursor?: string;
}): Promise<Page<FrameworkSummary>> {
  const publishedOnly = !o.includeDrafts || o.status === 'published';
  if (publishedOnly && o.status === 'draft') return { items: [] };
  const page = publishedOnly
    ? await queryPage({ partition: partitions.publishedFrameworks, ascending: false, limit: o.limit, cursor: o.cursor })
    : await queryPage({
        partition: partitions.frameworks,
        ascending: false,
        limit: o.limit,
        cursor: o.cursor,
        ...(o.status
          ? { filter: { expression: '#status = :status', names: { '#status': 'status' }, values: { ':status': o.status } } }
          : {}),
      });
  return { items: page.items.map((i) => summarize(fromItem(i))), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

const scope = (id: string) => ({ kind: 'framework' as const, id });
const contentFields = ['version', 'title', 'description', 'rubricScale'] as const;

function contentChanges(before: StoredFramework | undefined, after: StoredFramework) {
  const changes = diff(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>, contentFields);
  // The tree itself is too large for an audit event; its shape says what changed in size.
  const count = (f?: StoredFramework) => (f ? allCriteria(f).length : undefined);
  const tree = (f?: StoredFramework) => (f ? JSON.stringify(f.components) : undefined);
  if (tree(before) !== tree(after))
    changes.push({ field: 'components', from: before ? { criteria: count(before) } : undefined, to: { criteria: count(after) } });
  return changes;
}

/** A new draft; `extra` adds items to the same transaction (the idempotency record). */
export async function createDraft(
  content: FrameworkContent,
  actor: Actor,
  extra: (f: StoredFramework) => TransactItem[] = () => [],
): Promise<StoredFramework> {
  const at = nowIso();
  const f: StoredFramework = {
    ...content,
    id: newId('framework'),
    status: 'draft',
    revision: 1,
    createdAt: at,
    updatedAt: at,
    createdBy: actor,
    updatedBy: actor,
  };
  const item = frameworkItem(f);
  checkStorable(item);
  await transact([
    putNew(item),
    auditItem(scope(f.id), {
      at,
      actor,
      action: 'framework.created',
      entity: { kind: 'framework', id: f.id },
      changes: contentChanges(undefined, f),
    }),
    ...extra(f),
  ]);
  return f;
}

/** A Put of the whole item, only while it is still the draft at `expectedRevision`. */
function putDraftRevision(item: Item, expectedRevision: number): TransactItem {
  return {
    Put: {
      TableName: config.tableName,
      Item: item,
      ConditionExpression: '#revision = :expected AND #status = :draft',
      ExpressionAttributeNames: { '#revision': 'revision', '#status': 'status' },
      ExpressionAttributeValues: { ':expected': expectedRevision, ':draft': 'draft' },
    },
  };
}

/** After a refused conditional write: 404, 409 (published meanwhile) or 412 (stale revision). */
async function explainRefusal(id: string): Promise<never> {
  const now = await getFramework(id, true);
  if (!now) throw new NotFoundError('framework');
  if (now.status === 'published') throw immutable(now);
  throw new PreconditionFailedError(now.revision);
}

export const immutable = (f: StoredFramework) =>
  new ConflictError(`Framework ${f.version} is published and can no longer change; create a new version instead.`, { status: f.status });

export async function replaceDraft(
  before: StoredFramework,
  content: FrameworkContent,
  expectedRevision: number,
  actor: Actor,
): Promise<StoredFramework> {
  if (before.status === 'published') throw immutable(before);
  if (before.revision !== expectedRevision) throw new PreconditionFailedError(before.revision);
  const at = nowIso();
  const { description: _d, rubricScale: _r, ...kept } = before;
  const after: StoredFramework = { ...kept, ...content, revision: expectedRevision + 1, updatedAt: at, updatedBy: actor };
  const item = frameworkItem(after);
  checkStorable(item);
  try {
    await transact([
      putDraftRevision(item, expectedRevision),
      auditItem(scope(after.id), {
        at,
        actor,
        action: 'framework.updated',
        entity: { kind: 'framework', id: after.id },
        changes: contentChanges(before, after),
      }),
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedCondition(0)) await explainRefusal(before.id);
    throw error;
  }
  return after;
}

export async function publishDraft(before: StoredFramework, expectedRevision: number, actor: Actor): Promise<StoredFramework> {
  if (before.status === 'published')
    throw new ConflictError(`Framework ${before.version} is already published.`, { status: before.status });
  if (before.revision !== expectedRevision) throw new PreconditionFailedError(before.revision);
  const at = nowIso();
  const { revision: _r, createdAt: _c, updatedAt: _u, createdBy: _cb, updatedBy: _ub, ...framework } = before;
  const result = publishFramework(framework, at);
  if (!result.ok) {
    if (result.reason === 'already_published') throw new ConflictError(`Framework ${before.version} is already published.`);
    throw new UnprocessableError(
      'The framework is not valid and cannot be published.',
      result.issues.map((i) => ({ in: 'body' as const, field: i.path.join('.'), message: i.message, code: 'invalid' })),
    );
  }
  const after: StoredFramework = {
    ...before,
    status: 'published',
    publishedAt: at,
    revision: expectedRevision + 1,
    updatedAt: at,
    updatedBy: actor,
  };
  try {
    await transact([
      putDraftRevision(frameworkItem(after), expectedRevision),
      auditItem(scope(after.id), {
        at,
        actor,
        action: 'framework.published',
        entity: { kind: 'framework', id: after.id },
        changes: [
          { field: 'status', from: 'draft', to: 'published' },
          { field: 'publishedAt', to: at },
        ],
      }),
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedCondition(0)) {
      const now = await getFramework(before.id, true);
      if (now?.status === 'published') throw new ConflictError(`Framework ${now.version} is already published.`, { status: now.status });
      await explainRefusal(before.id);
    }
    throw error;
  }
  return after;
}

const systemActor: Actor = { sub: 'system', name: 'pathcert seed' };

/**
 * Stores an already published framework (the seed data) unless a framework with its id
 * exists: running it twice changes nothing, and an existing version is never overwritten
 * because published versions are immutable.
 */
export async function putPublishedFramework(
  framework: Framework,
  actor: Actor = systemActor,
): Promise<{ created: boolean; framework: StoredFramework }> {
  const parsed = frameworkSchema().safeParse(framework);
  if (!parsed.success) throw new Error(`putPublishedFramework: not a valid framework: ${parsed.error.message}`);
  if (parsed.data.status !== 'published' || !parsed.data.publishedAt)
    throw new Error('putPublishedFramework: the framework must be published');
  const at = parsed.data.publishedAt;
  const f: StoredFramework = { ...parsed.data, revision: 1, createdAt: at, updatedAt: at, createdBy: actor, updatedBy: actor };
  const item = frameworkItem(f);
  checkStorable(item);
  try {
    await transact([
      putNew(item),
      auditItem(scope(f.id), {
        at: nowIso(),
        actor,
        action: 'framework.published',
        entity: { kind: 'framework', id: f.id },
        changes: [...contentChanges(undefined, f), { field: 'status', to: 'published' }],
      }),
    ]);
    return { created: true, framework: f };
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedCondition(0)) {
      const existing = await getFramework(f.id, true);
      if (existing) return { created: false, framework: existing };
    }
    throw error;
  }
}
