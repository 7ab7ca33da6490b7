/**
 * Certifications: one item per certification granted, in the pathway's partition
 * (`PATHWAY#<p>` / `CERT#<issuedAt>#<cert_>`, keys.ts pattern 27: a pathway's history,
 * newest first), and in the expiry index (pattern 49) while the sweep still has work.
 *
 * Decisions:
 * - Terms are calendar dates (core/recertification/validity.ts), not instants:
 *   `expiresOn` is the first day no longer valid, the pathway's `certifiedUntil` holds the
 *   same date, so the time of day of a decision never leaks into an expiry.
 * - A renewal at the same level decided before (or on) the old expiry starts at the old
 *   expiry; anything else starts on the decision day (renewalTerm). The certification it
 *   continues becomes `renewed` and leaves the expiry index in the same transaction, so
 *   the sweep never warns about a term that has a successor.
 * - Sweep index: a fixed partition `CERTS#EXPIRY` sorted by `<dueOn>#<id>`, where dueOn is
 *   the next day the sweep has something to do (core notices.ts nextSweepDay: the next
 *   notice, the renewal window, the expiry), sparse (only while needsSweep). The sweep on day
 *   D reads `GSI3SK <= D`: the certifications due that day plus any a missed day left behind,
 *   never the ones waiting between two notices, so its cost follows the due ones. After
 *   acting, the sweep moves the key to the next day (or removes it once nothing is left).
 *   One partition is fine at this scale (thousands of pathways, a handful due a day).
 * - Items also carry `issuedAt` and `validUntil`, the fields the applications store reads
 *   for the opening rules (certificationStanding).
 */
import { resolveCertificationConfig, type CertificationConfigInput, type Level } from '#core/levels.ts';
import { DEFAULT_NOTICE_DAYS_BEFORE, nextSweepDay, type SweepConfig } from '#core/recertification/notices.ts';
import {
  isValidOn,
  levelHeldOn,
  renewalTerm,
  termOf,
  type CalendarDate,
  type CertificationStatus,
  type Term,
} from '#core/recertification/validity.ts';
import type { Actor } from '#lib/principal.ts';
import { config } from '#lib/config.ts';
import { certificationConfig as applicationCertificationConfig } from './applications.ts';
import { itemsThrough, putNew, queryAll, queryPage, stripKeys, type Item, type Page, type TransactItem } from './db.ts';
import { partitions, type IndexKeys } from './keys.ts';
import * as keys from './keys.ts';

export interface Certification {
  id: string;
  pathwayId: string;
  districtId: string;
  applicationId: string;
  level: Level;
  /** The decision day. */
  issuedOn: CalendarDate;
  /** First valid day (the old expiry for a continuous renewal). */
  validFrom: CalendarDate;
  /** First day no longer valid. */
  expiresOn: CalendarDate;
  continuous: boolean;
  previousCertificationId?: string;
  /** The certification that continues this one (status `renewed`). */
  renewedBy?: string;
  status: CertificationStatus;
  /** Sweep bookkeeping (core/recertification/notices.ts). */
  noticesSent: number[];
  renewalOpened: boolean;
  expiredApplied: boolean;
  /** Instant of issue; orders the pathway's history. */
  issuedAt: string;
  /** = expiresOn; the name the applications store reads. */
  validUntil: string;
  createdAt: string;
  /** Staff withdrew it (status `revoked`): when, by whom and why. */
  withdrawal?: { at: string; by: Actor; reason: string };
}

/**
 * Validity per level: CERTIFICATION_VALIDITY_MONTHS (`silver=24,gold=36,candidacy=24`, any
 * subset) over the defaults, with the renewal window of the applications store.
 */
export function certificationTerms(): CertificationConfigInput {
  const base = applicationCertificationConfig();
  const validityMonths = config.certificationValidityMonths;
  if (Object.keys(validityMonths).length === 0) return base;
  return resolveCertificationConfig({ ...base, validityMonths: { ...base.validityMonths, ...validityMonths } });
}

/**
 * The sweep's thresholds: RECERTIFICATION_NOTICE_DAYS (`180,90,30,7`, whole days before
 * expiry) over the defaults, with the validity and renewal window of certificationTerms().
 */
export function sweepConfig(): SweepConfig & { noticeDaysBefore: readonly number[]; certification: CertificationConfigInput } {
  // A malformed value must not break issuing certifications (their sweep key uses it): lib/config.ts ignores bad entries.
  const noticeDaysBefore = config.recertificationNoticeDays ?? DEFAULT_NOTICE_DAYS_BEFORE;
  return { noticeDaysBefore, certification: certificationTerms() };
}

/** The sweep index keys of a certification in this state (none once the sweep is done with it). */
export function sweepIndexOf(c: Certification, config: SweepConfig = sweepConfig()): IndexKeys {
  const day = nextSweepDay(c, config);
  return day ? keys.certificationSweepIndexes(day, c.id) : {};
}

export function certificationItem(c: Certification): Item {
  return { ...keys.certification(c.pathwayId, c.issuedAt, c.id), ...sweepIndexOf(c), _type: 'certification', ...c };
}

export const asCertification = (i: Item) => stripKeys(i) as unknown as Certification;

/** A pathway's certifications, newest first. */
export async function listPathwayCertifications(pathwayId: string, limit?: number, cursor?: string): Promise<Page<Certification>> {
  const page = await queryPage({
    partition: { value: keys.pathway(pathwayId).PK },
    skBeginsWith: keys.certificationPrefix,
    ascending: false,
    limit,
    cursor,
  });
  return { items: page.items.map(asCertification), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** The newest certification of the pathway that was not revoked (what a new one may continue). */
export async function latestCertification(pathwayId: string): Promise<Certification | undefined> {
  const page = await listPathwayCertifications(pathwayId, 10);
  return page.items.find((c) => c.status !== 'revoked' && typeof c.expiresOn === 'string');
}

/**
 * Certifications the sweep has work for on or before `day`, oldest due first: a key
 * condition on the sparse sweep index (pattern 49). Items come whole (projection ALL), with
 * the sweep's pending effects (`outbox_*` attributes).
 */
export async function certificationsDueBy(
  day: CalendarDate,
  limit = 100,
  exclusiveStartKey?: Record<string, unknown>,
): Promise<{ items: Item[]; next?: Record<string, unknown> }> {
  return itemsThrough(partitions.certificationSweep, `${day}#\uffff`, limit, exclusiveStartKey);
}

/** A pathway's whole certification history (a handful of items), newest first. */
export async function pathwayCertificationHistory(pathwayId: string, consistent = false): Promise<Certification[]> {
  return (await queryAll(keys.pathway(pathwayId).PK, keys.certificationPrefix, consistent)).reverse().map(asCertification);
}

/** The term a new certification gets, given what the pathway held before. */
export function termFor(level: Level, certifiedOn: CalendarDate, previous: Pick<Certification, 'level' | 'expiresOn'> | undefined): Term {
  const terms = certificationTerms();
  return previous ? renewalTerm({ previous, level, certifiedOn, config: terms }) : termOf(level, certifiedOn, terms);
}

export interface IssueInput {
  id: string;
  pathwayId: string;
  districtId: string;
  applicationId: string;
  level: Level;
  issuedAt: string;
  previous: Certification | undefined;
}

/** The new certification and the items that write it (and retire the one it continues). */
export function issueCertification(input: IssueInput): { certification: Certification; items: TransactItem[] } {
  const issuedOn = input.issuedAt.slice(0, 10);
  const term = termFor(input.level, issuedOn, input.previous);
  const certification: Certification = {
    id: input.id,
    pathwayId: input.pathwayId,
    districtId: input.districtId,
    applicationId: input.applicationId,
    level: input.level,
    issuedOn,
    validFrom: term.validFrom,
    expiresOn: term.expiresOn,
    continuous: term.continuous,
    ...(input.previous ? { previousCertificationId: input.previous.id } : {}),
    status: 'active',
    noticesSent: [],
    renewalOpened: false,
    expiredApplied: false,
    issuedAt: input.issuedAt,
    validUntil: term.expiresOn,
    createdAt: input.issuedAt,
  };
  const items: TransactItem[] = [putNew(certificationItem(certification))];
  const prev = input.previous;
  if (prev && prev.status === 'active') {
    // The new certification carries the pathway on; the old one has nothing left for the sweep.
    items.push({
      Update: {
        TableName: config.tableName,
        Key: keys.certification(prev.pathwayId, prev.issuedAt, prev.id),
        UpdateExpression: 'SET #status = :renewed, #by = :by REMOVE GSI3PK, GSI3SK',
        ConditionExpression: 'attribute_exists(PK) AND #status = :active',
        ExpressionAttributeNames: { '#status': 'status', '#by': 'renewedBy' },
        ExpressionAttributeValues: { ':renewed': 'renewed', ':active': 'active', ':by': certification.id },
      },
    });
  }
  return { certification, items };
}

/**
 * A certification with no decision behind it (the local demo seed): issued on `issuedAt`,
 * valid until `expiresOn`; a lapsed one is recorded as already expired, so the sweep leaves
 * it alone and renewal rules still see it.
 */
export function seedCertification(s: {
  id: string;
  pathwayId: string;
  districtId: string;
  /** The application it stands for (none exists: evidence carried forward is then empty). */
  applicationId: string;
  level: Level;
  issuedAt: string;
  expiresOn: CalendarDate;
  lapsed: boolean;
}): Certification {
  const issuedOn = s.issuedAt.slice(0, 10);
  return {
    id: s.id,
    pathwayId: s.pathwayId,
    districtId: s.districtId,
    applicationId: s.applicationId,
    level: s.level,
    issuedOn,
    validFrom: issuedOn,
    expiresOn: s.expiresOn,
    continuous: false,
    status: s.lapsed ? 'expired' : 'active',
    noticesSent: [],
    renewalOpened: false,
    expiredApplied: s.lapsed,
    issuedAt: s.issuedAt,
    validUntil: s.expiresOn,
    createdAt: s.issuedAt,
  };
}

/**
 * What the pathway holds once `ended` no longer counts (expired or withdrawn): the best
 * level still valid on `today`, and until when.
 */
export function remainingCertification(
  history: readonly Certification[],
  ended: Pick<Certification, 'id'>,
  today: CalendarDate,
  endedAs: 'expired' | 'revoked' = 'expired',
) {
  const dated = history.map((h) => (h.id === ended.id ? { ...h, status: endedAs } : h));
  const level = levelHeldOn(dated, today);
  if (!level) return { level: null, until: null };
  const until = dated
    .filter((h) => h.level === level && isValidOn(h, today))
    .map((h) => h.expiresOn)
    .sort()
    .at(-1)!;
  return { level, until };
}

/**
 * Withdraws an active certification: `revoked`, with the reason, conditional on it still
 * being active. `outbox` is the sweep's outbox attribute and entry (recertification/outbox.ts)
 * with the events to publish: the certification stays in the sweep index for `dueOn` while
 * the entry is pending, so a run finds it and publishes if the caller stops before it does;
 * once the events are out the caller clears the entry and the certification leaves the index
 * (a revoked certification has nothing left for the sweep).
 */
export function withdrawalItem(
  c: Certification,
  w: { at: string; by: Actor; reason: string },
  outbox: { attribute: string; entry: Record<string, unknown>; dueOn: CalendarDate },
): TransactItem {
  const index = keys.certificationSweepIndexes(outbox.dueOn, c.id);
  return {
    Update: {
      TableName: config.tableName,
      Key: keys.certification(c.pathwayId, c.issuedAt, c.id),
      UpdateExpression: 'SET #status = :revoked, #withdrawal = :withdrawal, #outbox = :entry, GSI3PK = :gpk, GSI3SK = :gsk',
      ConditionExpression: 'attribute_exists(PK) AND #status = :active',
      ExpressionAttributeNames: { '#status': 'status', '#withdrawal': 'withdrawal', '#outbox': outbox.attribute },
      ExpressionAttributeValues: {
        ':revoked': 'revoked',
        ':active': 'active',
        ':withdrawal': w,
        ':entry': outbox.entry,
        ':gpk': index.GSI3PK,
        ':gsk': index.GSI3SK,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * Puts back the certification a withdrawn one had continued (`renewed` by it): active again,
 * in the sweep index, so its own term is noticed and expired as if never renewed. Only while
 * it is still `renewed` by that successor.
 */
export function reinstateItem(previous: Certification, successorId: string): TransactItem {
  const index = sweepIndexOf({ ...previous, status: 'active' });
  const set = ['#status = :active', ...(index.GSI3PK ? ['GSI3PK = :gpk', 'GSI3SK = :gsk'] : [])];
  return {
    Update: {
      TableName: config.tableName,
      Key: keys.certification(previous.pathwayId, previous.issuedAt, previous.id),
      UpdateExpression: `SET ${set.join(', ')} REMOVE #by`,
      ConditionExpression: '#status = :renewed AND #by = :successor',
      ExpressionAttributeNames: { '#status': 'status', '#by': 'renewedBy' },
      ExpressionAttributeValues: {
        ':active': 'active',
        ':renewed': 'renewed',
        ':successor': successorId,
        ...(index.GSI3PK ? { ':gpk': index.GSI3PK, ':gsk': index.GSI3SK } : {}),
      },
    },
  };
}
