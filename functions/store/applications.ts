/**
 * Applications: the header item (`APP#<id>` / `APP`), one response item per answered
 * criterion (`APP#<id>` / `RESP#<criterionId>`), and the pathway's open-application guard
 * (`PATHWAY#<p>` / `OPENAPP`). One Query of the APP# partition reads an application whole.
 *
 * Decisions:
 * - Responses are created lazily, on the first write to a criterion. A new application is
 *   one header and one guard; a missing response reads as "not answered yet" (version 0).
 * - Every response carries its own `version`. A write names the version it edited
 *   (0, or `If-None-Match: *`, to create); the Put is conditional on it, so of concurrent
 *   writers with the same version exactly one wins and the rest get 412 with the current
 *   response. The write also ConditionChecks the header's status in the same transaction,
 *   so nothing is written once the application has been submitted (409).
 * - Status changes are UpdateItems conditional on the header's version AND its current
 *   status, after core/application-status.ts has approved the move; they never replace the
 *   whole header, so attributes later writers add (the review pipeline) are kept.
 * - Submitting also ConditionChecks the version of every response it judged complete, so
 *   an edit racing the submission cannot slip an unchecked answer in (409; submit again).
 * - Evidence references are typed (`ev_` id, optional version and kind) but not checked
 *   against stored evidence yet: evidence items arrive with the evidence issue.
 */
import { checkTransition, editableStatuses, isEditable, type ApplicationStatus, type TransitionActor } from '#core/application-status.ts';
import { completenessGaps, type CriterionResponse } from '#core/completeness.ts';
import type { EvidenceKind, FrameworkContent } from '#core/framework.ts';
import { newId } from '#core/ids.ts';
import {
  isLevel,
  resolveCertificationConfig,
  type ApplicationTarget,
  type CertificationConfigInput,
  type CertificationStanding,
  type Level,
} from '#core/levels.ts';
import { config } from '#lib/config.ts';
import { nowIso } from '#lib/clock.ts';
import { ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError, UnprocessableError } from '#core/errors.ts';
import { auditItem, type AuditEvent, type FieldChange } from './audit.ts';
import {
  addSets,
  conditionCheck,
  deleteItem,
  getItem,
  putNew,
  queryAll,
  queryPage,
  stripKeys,
  transactRetrying,
  TransactionCancelled,
  type Item,
  type Page,
  type TransactItem,
} from './db.ts';
import type { Pathway } from './entities.ts';
import { partitions, type Key } from './keys.ts';
import * as keys from './keys.ts';
import { asApplication, getApplication, type Application } from './application-reads.ts';
import { batchGet } from './registry.ts';

export type Actor = AuditEvent['actor'];

export interface EvidenceRef {
  /** An evidence item (`ev_…`); existence is checked once evidence items exist (evidence issue). */
  evidenceId: string;
  /** The item's version the team cites; absent = the latest. */
  version?: number;
  kind?: EvidenceKind;
}

export interface ResponseRecord {
  applicationId: string;
  criterionId: string;
  narrative: string;
  evidence: EvidenceRef[];
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: Actor;
}

/** One certification granted to a pathway (written by the decision; read to know what can be renewed). */
export interface CertificationHistoryRecord {
  id: string;
  pathwayId: string;
  level: Level;
  issuedAt: string;
  /** ISO date or date-time; exclusive. */
  validUntil: string;
  applicationId?: string;
}

export function certificationHistoryItem(c: CertificationHistoryRecord): Item {
  return { ...keys.certification(c.pathwayId, c.issuedAt, c.id), _type: 'certification', ...c };
}

const pathwayScope = (pathwayId: string) => ({ kind: 'pathway' as const, id: pathwayId });

export function applicationItem(a: Application): Item {
  return {
    ...keys.application(a.id),
    ...keys.applicationIndexes({ id: a.id, pathwayId: a.pathwayId, createdAt: a.createdAt, status: a.status, queuedAt: a.queuedAt }),
    _type: 'application',
    ...a,
  };
}

const asResponse = (item: Item) => stripKeys(item) as unknown as ResponseRecord;

/** Renewal window and validity from the environment (RENEWAL_WINDOW_DAYS), defaults otherwise. */
export function certificationConfig(): CertificationConfigInput {
  const days = config.renewalWindowDays;
  return resolveCertificationConfig(days === undefined ? {} : { renewalWindowDays: days });
}

// ---------------------------------------------------------------------------------------
// Reads

export async function getResponse(applicationId: string, criterionId: string, consistent = false): Promise<ResponseRecord | undefined> {
  const item = await getItem(keys.response(applicationId, criterionId), consistent);
  return item ? asResponse(item) : undefined;
}

/**
 * An application's header and its responses. The APP# partition also holds review rounds,
 * snapshots, messages and sessions, which grow with every round: the header is one GetItem
 * and the responses one Query on their prefix, sent together, so the read stays the size
 * of the answer however long the application's history gets.
 */
export async function getApplicationWithResponses(
  id: string,
): Promise<{ application: Application; responses: ResponseRecord[] } | undefined> {
  const [header, responses] = await Promise.all([
    getItem(keys.application(id)),
    queryAll(keys.applicationPartition(id), keys.responsePrefix),
  ]);
  return header ? { application: asApplication(header), responses: responses.map(asResponse) } : undefined;
}

export async function getOpenApplicationGuard(pathwayId: string): Promise<{ applicationId: string } | undefined> {
  const item = await getItem(keys.openApplication(pathwayId), true);
  return item ? { applicationId: String(item.applicationId) } : undefined;
}

/**
 * What the pathway holds for the opening rules: the certification on the pathway item
 * while it is set, else the latest one in its history (kept after expiry, so a lapsed
 * silver pathway is still one that must renew).
 */
export async function certificationStanding(
  p: Pick<Pathway, 'id' | 'certificationLevel' | 'certifiedUntil'>,
): Promise<CertificationStanding | null> {
  if (p.certificationLevel && p.certifiedUntil) return { level: p.certificationLevel, validUntil: p.certifiedUntil };
  const page = await queryPage({
    partition: { value: keys.pathway(p.id).PK },
    skBeginsWith: keys.certificationPrefix,
    ascending: false,
    limit: 1,
  });
  const latest = page.items[0] as unknown as CertificationHistoryRecord | undefined;
  return latest && isLevel(latest.level) ? { level: latest.level, validUntil: latest.validUntil } : null;
}

export interface ApplicationFilter {
  status?: ApplicationStatus;
  target?: ApplicationTarget;
}

function filterOf(f: ApplicationFilter) {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (f.status) {
    parts.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = f.status;
  }
  if (f.target) {
    parts.push('#target = :target');
    names['#target'] = 'target';
    values[':target'] = f.target;
  }
  return parts.length ? { expression: parts.join(' AND '), names, values } : undefined;
}

const pageOfApplications = (page: Page<Item>): Page<Application> => ({
  items: page.items.map(asApplication),
  ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
});

/** A pathway's applications, newest first. */
export async function listPathwayApplications(
  pathwayId: string,
  f: ApplicationFilter,
  limit?: number,
  cursor?: string,
): Promise<Page<Application>> {
  const filter = filterOf(f);
  return pageOfApplications(
    await queryPage({
      partition: partitions.pathwayApplications(pathwayId),
      ascending: false,
      limit,
      cursor,
      ...(filter ? { filter } : {}),
    }),
  );
}

/** The staff queue: applications in one status, longest waiting first. */
export async function listApplicationsByStatus(
  status: ApplicationStatus,
  f: Omit<ApplicationFilter, 'status'>,
  limit?: number,
  cursor?: string,
): Promise<Page<Application>> {
  const filter = filterOf(f);
  return pageOfApplications(
    await queryPage({ partition: partitions.applicationsByStatus(status), ascending: true, limit, cursor, ...(filter ? { filter } : {}) }),
  );
}

export interface AssignedApplication extends Application {
  assignment: { role: string; assignedAt: string; dueAt?: string };
}

/** A reviewer's active assignments (PERSON#<sub> / ASSIGN#…) joined with their applications in one BatchGet. */
export async function listAssignedApplications(
  sub: string,
  f: ApplicationFilter,
  limit?: number,
  cursor?: string,
): Promise<Page<AssignedApplication>> {
  const page = await queryPage({
    partition: { value: keys.personPartition(sub) },
    skBeginsWith: keys.assignmentPrefix,
    limit,
    cursor,
    filter: { expression: '#active = :true', names: { '#active': 'active' }, values: { ':true': true } },
  });
  const headers = await batchGet(page.items.map((a) => keys.application(String(a.applicationId))));
  const byId = new Map(headers.map((h) => [String(h.id), asApplication(h)]));
  const items: AssignedApplication[] = [];
  for (const a of page.items) {
    const app = byId.get(String(a.applicationId));
    if (!app) continue;
    if (f.status && app.status !== f.status) continue;
    if (f.target && app.target !== f.target) continue;
    items.push({
      ...app,
      assignment: { role: String(a.role), assignedAt: String(a.assignedAt), ...(a.dueAt ? { dueAt: String(a.dueAt) } : {}) },
    });
  }
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

// ---------------------------------------------------------------------------------------
// Writes

/** True when a condition failed on one of the caller's extra items (the idempotency record), which the caller must see raw. */
const failedIn = (error: TransactionCancelled, from: number) =>
  error.reasons.some((r, i) => i >= from && r.code === 'ConditionalCheckFailed');

/** The UpdateItem of a status move, valid only from `from` at `expectedVersion`. */
export function statusUpdate(key: Key, expectedVersion: number, from: ApplicationStatus, set: Record<string, unknown>): TransactItem {
  const names: Record<string, string> = { '#version': 'version', '#status': 'status' };
  const values: Record<string, unknown> = { ':expected': expectedVersion, ':next': expectedVersion + 1, ':from': from };
  const sets = ['#version = :next'];
  addSets({ names, values, sets }, set);
  return {
    Update: {
      TableName: config.tableName,
      Key: key,
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: 'attribute_exists(PK) AND #version = :expected AND #status = :from',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** Checks a status move with the core rules: 409 for a move that does not exist, 403 for the wrong actor. */
export function assertTransition(from: ApplicationStatus, to: ApplicationStatus, actor: TransitionActor): void {
  const check = checkTransition(from, to, actor);
  if (check.ok) return;
  if (check.code === 'actor_not_allowed') throw new ForbiddenError(check.message);
  throw new ConflictError(check.message, { status: from });
}

/** After a refused status move: 404, or 412 with the version the caller should reload. */
async function refusedMove(id: string): Promise<never> {
  const now = await getApplication(id, true);
  if (!now) throw new NotFoundError('application');
  throw new PreconditionFailedError(now.version, { status: now.status });
}

export interface OpenInput {
  pathway: Pick<Pathway, 'id' | 'districtId' | 'schoolId' | 'name'>;
  target: ApplicationTarget;
  level: Level;
  renewal: boolean;
  framework: { id: string; version: string };
  actor: Actor;
  /** Extra transaction items (the idempotency record), given the application to be created. */
  extra?: (a: Application) => TransactItem[];
}

export interface DraftInput {
  id: string;
  pathway: Pick<Pathway, 'id' | 'districtId' | 'schoolId' | 'name'>;
  target: ApplicationTarget;
  level: Level;
  renewal: boolean;
  framework: { id: string; version: string };
  at: string;
  actor: Actor;
  /** Audited beside status, target and framework (a renewal names the certification it renews). */
  extraChanges?: { field: string; to: unknown }[];
}

/**
 * A new draft and the items that create it: the application, the pathway's open-application
 * guard (second, so a cancelled transaction's reason 1 means "already open") and the audit
 * entry. The team's open and the recertification sweep's renewal both write these.
 */
export function draftItems(d: DraftInput): { application: Application; items: TransactItem[] } {
  const application: Application = {
    id: d.id,
    pathwayId: d.pathway.id,
    districtId: d.pathway.districtId,
    schoolId: d.pathway.schoolId,
    pathwayName: d.pathway.name,
    target: d.target,
    level: d.level,
    renewal: d.renewal,
    frameworkId: d.framework.id,
    frameworkVersion: d.framework.version,
    status: 'draft',
    version: 1,
    submissionNumber: 0,
    createdAt: d.at,
    updatedAt: d.at,
    statusChangedAt: d.at,
    queuedAt: d.at,
    createdBy: d.actor,
  };
  const items: TransactItem[] = [
    putNew(applicationItem(application)),
    putNew({
      ...keys.openApplication(application.pathwayId),
      _type: 'open_application',
      pathwayId: application.pathwayId,
      applicationId: application.id,
      since: d.at,
    }),
    auditItem(pathwayScope(application.pathwayId), {
      at: d.at,
      actor: d.actor,
      action: 'application.opened',
      entity: { kind: 'application', id: application.id },
      changes: [
        { field: 'status', to: 'draft' },
        { field: 'target', to: application.target },
        { field: 'frameworkId', to: application.frameworkId },
        ...(d.extraChanges ?? []),
      ],
    }),
  ];
  return { application, items };
}

/** Creates the draft and takes the pathway's open-application guard in one transaction. */
export async function openApplication(o: OpenInput): Promise<Application> {
  const { application: a, items } = draftItems({ ...o, id: newId('application'), at: nowIso() });
  try {
    await transactRetrying([...items, ...(o.extra?.(a) ?? [])]);
  } catch (error) {
    if (error instanceof TransactionCancelled && !failedIn(error, items.length) && error.failedCondition(1)) {
      const guard = await getOpenApplicationGuard(a.pathwayId);
      throw new ConflictError('The pathway already has an open application; finish or withdraw it first.', {
        ...(guard ? { openApplicationId: guard.applicationId } : {}),
      });
    }
    throw error;
  }
  return a;
}

export interface ResponseWrite {
  application: Application;
  criterionId: string;
  narrative: string;
  evidence: EvidenceRef[];
  expectedVersion: number;
  /** The response as read before the write (undefined when none exists yet). */
  before: ResponseRecord | undefined;
  actor: Actor;
}

const evidenceIds = (refs: readonly EvidenceRef[] | undefined) =>
  (refs ?? []).map((e) => (e.version ? `${e.evidenceId}@${e.version}` : e.evidenceId));

/** The audit of a response write: that the narrative changed and its length, never its text. */
function responseChanges(
  criterionId: string,
  before: ResponseRecord | undefined,
  narrative: string,
  evidence: EvidenceRef[],
): FieldChange[] {
  const changes: FieldChange[] = [];
  if (!before || before.narrative !== narrative) {
    changes.push({
      field: `responses.${criterionId}.narrative`,
      ...(before ? { from: { length: before.narrative.length } } : {}),
      to: { length: narrative.length },
    });
  }
  const from = evidenceIds(before?.evidence);
  const to = evidenceIds(evidence);
  if (!before || JSON.stringify(from) !== JSON.stringify(to)) {
    changes.push({ field: `responses.${criterionId}.evidence`, ...(before ? { from } : {}), to });
  }
  return changes;
}

export const notEditable = (a: Pick<Application, 'status'>) =>
  new ConflictError(
    `The application is ${a.status.replace(/_/g, ' ')}; responses can be changed only while it is ${editableStatuses.join(' or ').replace(/_/g, ' ')}.`,
    {
      status: a.status,
    },
  );

export const staleResponse = (current: ResponseRecord | undefined) =>
  new PreconditionFailedError(current?.version ?? 0, { current: current ?? null });

/** Writes one response, conditional on its version and on the application still being editable. */
export async function writeResponse(w: ResponseWrite): Promise<{ response: ResponseRecord; created: boolean }> {
  const { application: app, criterionId } = w;
  if (!isEditable(app.status)) throw notEditable(app);
  if ((w.before?.version ?? 0) !== w.expectedVersion) throw staleResponse(w.before);
  const at = nowIso();
  const response: ResponseRecord = {
    applicationId: app.id,
    criterionId,
    narrative: w.narrative,
    evidence: w.evidence,
    version: w.expectedVersion + 1,
    createdAt: w.before?.createdAt ?? at,
    updatedAt: at,
    updatedBy: w.actor,
  };
  const item = { ...keys.response(app.id, criterionId), _type: 'response', ...response };
  const created = w.expectedVersion === 0;
  const editable: Record<string, unknown> = Object.fromEntries(editableStatuses.map((s, i) => [`:e${i}`, s]));
  try {
    await transactRetrying([
      conditionCheck(keys.application(app.id), `#status IN (${Object.keys(editable).join(', ')})`, { '#status': 'status' }, editable),
      {
        Put: {
          TableName: config.tableName,
          Item: item,
          ConditionExpression: created ? 'attribute_not_exists(PK)' : '#v = :expected',
          ...(created
            ? {}
            : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':expected': w.expectedVersion } }),
        },
      },
      auditItem(pathwayScope(app.pathwayId), {
        at,
        actor: w.actor,
        action: created ? 'application.response.created' : 'application.response.updated',
        entity: { kind: 'application', id: app.id },
        changes: responseChanges(criterionId, w.before, w.narrative, w.evidence),
      }),
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      if (error.failedCondition(0)) {
        const now = await getApplication(app.id, true);
        if (!now) throw new NotFoundError('application');
        throw notEditable(now);
      }
      if (error.failedCondition(1)) throw staleResponse(await getResponse(app.id, criterionId, true));
    }
    throw error;
  }
  return { response, created };
}

export interface SubmitInput {
  application: Application;
  expectedVersion: number;
  actor: Actor;
  transitionActor: TransitionActor;
  framework: FrameworkContent;
  extra?: (a: Application) => TransactItem[];
  /**
   * Evidence (issue 4): given the responses judged complete, the items that freeze their
   * evidence versions (store/evidence-applications.ts freezeForSubmission); they join the
   * transaction, and a failed condition among them answers 409.
   */
  evidence?: (responses: ResponseRecord[], after: Application) => Promise<TransactItem[]>;
}

/**
 * draft | revise_and_resubmit → submitted, once every required criterion of the level is
 * answered; otherwise refuses (UnprocessableError) naming every gap.
 */
export async function submitApplication(s: SubmitInput): Promise<Application> {
  const app = s.application;
  if (app.version !== s.expectedVersion) throw new PreconditionFailedError(app.version, { status: app.status });
  assertTransition(app.status, 'submitted', s.transitionActor);

  const responses = (await queryAll(keys.applicationPartition(app.id), keys.responsePrefix, true)).map(asResponse);
  const byId = new Map<string, CriterionResponse>(responses.map((r) => [r.criterionId, { narrative: r.narrative, evidence: r.evidence }]));
  const gaps = completenessGaps(s.framework, app.level, byId);
  if (gaps.length > 0) {
    throw new UnprocessableError(
      `The application is not complete for ${app.level}: ${gaps.length} gap(s).`,
      gaps.map((g) => ({ in: 'body', field: `responses.${g.criterionId}`, message: g.message, code: g.code })),
      { gaps },
    );
  }

  const at = nowIso();
  const after: Application = {
    ...app,
    status: 'submitted',
    version: app.version + 1,
    submissionNumber: app.submissionNumber + 1,
    submittedAt: at,
    updatedAt: at,
    statusChangedAt: at,
    queuedAt: at,
  };
  const indexes = keys.applicationIndexes({ ...after });
  const items: TransactItem[] = [
    statusUpdate(keys.application(app.id), app.version, app.status, {
      status: after.status,
      submissionNumber: after.submissionNumber,
      submittedAt: at,
      updatedAt: at,
      statusChangedAt: at,
      queuedAt: at,
      GSI3PK: indexes.GSI3PK,
      GSI3SK: indexes.GSI3SK,
    }),
    ...responses.map((r) => conditionCheck(keys.response(app.id, r.criterionId), '#v = :v', { '#v': 'version' }, { ':v': r.version })),
    auditItem(pathwayScope(app.pathwayId), {
      at,
      actor: s.actor,
      action: app.status === 'draft' ? 'application.submitted' : 'application.resubmitted',
      entity: { kind: 'application', id: app.id },
      changes: [
        { field: 'status', from: app.status, to: after.status },
        { field: 'submissionNumber', from: app.submissionNumber, to: after.submissionNumber },
      ],
    }),
  ];
  const evidenceItems = (await s.evidence?.(responses, after)) ?? [];
  try {
    await transactRetrying([...items, ...evidenceItems, ...(s.extra?.(after) ?? [])]);
  } catch (error) {
    if (error instanceof TransactionCancelled && !failedIn(error, items.length)) {
      if (error.failedCondition(0)) await refusedMove(app.id);
      throw new ConflictError('Responses changed while the application was being submitted; review them and submit again.', {
        status: app.status,
      });
    }
    if (error instanceof TransactionCancelled && !failedIn(error, items.length + evidenceItems.length)) {
      throw new ConflictError(
        'Evidence of this pathway was deleted while the application was being submitted; review the evidence and submit again.',
        { status: app.status },
      );
    }
    throw error;
  }
  return after;
}

/** Any open status → withdrawn; frees the pathway's open-application guard in the same transaction. */
export async function withdrawApplication(
  app: Application,
  expectedVersion: number,
  actor: Actor,
  transitionActor: TransitionActor,
): Promise<Application> {
  if (app.version !== expectedVersion) throw new PreconditionFailedError(app.version, { status: app.status });
  assertTransition(app.status, 'withdrawn', transitionActor);
  const at = nowIso();
  const after: Application = {
    ...app,
    status: 'withdrawn',
    version: app.version + 1,
    withdrawnAt: at,
    updatedAt: at,
    statusChangedAt: at,
    queuedAt: at,
  };
  const indexes = keys.applicationIndexes(after);
  try {
    await transactRetrying([
      statusUpdate(keys.application(app.id), app.version, app.status, {
        status: after.status,
        withdrawnAt: at,
        updatedAt: at,
        statusChangedAt: at,
        queuedAt: at,
        GSI3PK: indexes.GSI3PK,
        GSI3SK: indexes.GSI3SK,
      }),
      deleteItem(keys.openApplication(app.pathwayId), {
        expression: 'attribute_not_exists(PK) OR applicationId = :id',
        values: { ':id': app.id },
      }),
      auditItem(pathwayScope(app.pathwayId), {
        at,
        actor,
        action: 'application.withdrawn',
        entity: { kind: 'application', id: app.id },
        changes: [{ field: 'status', from: app.status, to: after.status }],
      }),
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      if (error.failedCondition(0)) await refusedMove(app.id);
      if (error.failedCondition(1))
        throw new ConflictError('The pathway\u2019s open application is a different one; reload and try again.');
    }
    throw error;
  }
  return after;
}
