/**
 * pathcert's domain events: what happened, as EventBridge events on the stage's bus
 * (source `pathcert`, detail-type = the event name). The producers (events/publish.ts
 * `publish`), the subscribers (`parseDomainEvent`), the local EventBridge server and the
 * CDK rules all read these definitions.
 *
 * A detail carries ids and facts a subscriber needs to act (whom to tell, which record to
 * load) and never narratives, scores or outcome counts: events are logged, archived and
 * fanned out to consumers that must not receive sensitive content. A subscriber loads
 * anything else from the table by id.
 *
 * Versioning: every detail has `version`. Adding an optional field keeps the version; a
 * breaking change adds a new schema with the next version, producers switch once every
 * subscriber accepts both, and the old schema is removed afterwards.
 */
import * as z from 'zod/mini';
import type { ApplicationStatus } from './application-status.ts';
import { levels } from './levels.ts';
import { idSchema } from './ids.ts';
import { isoDate, isoDateTime } from './time.ts';
import { lazy } from './lazy.ts';

export const EVENT_SOURCE = 'pathcert';

/** A staff decision on an application (the decision statuses of functions/core/application-status.ts). */
export const decisions = ['certified', 'revise_and_resubmit', 'not_yet'] as const satisfies readonly ApplicationStatus[];
export type Decision = (typeof decisions)[number];

const level = () => z.enum(levels);
/** The `sub` claim of the person (Cognito or the dev issuer); opaque to events. */
const personSub = () => z.string().check(z.minLength(1), z.maxLength(128));
const v1 = () => z.literal(1);

/** What an invitation is to (functions/store/people.ts InvitationScope); names stay in the table. */
const invitationFacts = () => ({
  invitationId: idSchema('invitation'),
  /** A pathway team, a district, or the reviewer pool. */
  scope: z.enum(['pathway', 'district', 'reviewer']),
  /** The pathway, for a pathway invitation (where its invitation item lives). */
  pathwayId: z.optional(idSchema('pathway')),
  /** The district of a pathway or district invitation; none for the reviewer pool. */
  districtId: z.optional(idSchema('district')),
  role: z.enum(['lead', 'member', 'data', 'reviewer']),
  expiresAt: isoDateTime(),
});

/**
 * Each detail-type's schema, built the first time an event of that type is published or
 * received (`lazy`, read through `eventSchema`): a function handles a few of these, and
 * building all of them at import cost every cold start about two milliseconds.
 */
export const eventSchemas = {
  /** A pathway team submitted an application (initial or renewal) for a level. */
  ApplicationSubmitted: lazy(() =>
    z.strictObject({
      version: v1(),
      applicationId: idSchema('application'),
      pathwayId: idSchema('pathway'),
      districtId: idSchema('district'),
      level: level(),
      /** True when the application renews an existing certification. */
      renewal: z.boolean(),
      submittedBy: personSub(),
      submittedAt: isoDateTime(),
    }),
  ),
  /** A reviewer was assigned to an application and owes a review by `dueOn`. */
  ReviewerAssigned: lazy(() =>
    z.strictObject({
      version: v1(),
      applicationId: idSchema('application'),
      pathwayId: idSchema('pathway'),
      reviewId: idSchema('review'),
      reviewerSub: personSub(),
      dueOn: isoDate(),
    }),
  ),
  /** A reviewer submitted their review (the scores stay in the table). */
  ReviewSubmitted: lazy(() =>
    z.strictObject({
      version: v1(),
      applicationId: idSchema('application'),
      pathwayId: idSchema('pathway'),
      reviewId: idSchema('review'),
      reviewerSub: personSub(),
      submittedAt: isoDateTime(),
    }),
  ),
  /** Staff decided an application. */
  DecisionMade: lazy(() =>
    z.strictObject({
      version: v1(),
      applicationId: idSchema('application'),
      pathwayId: idSchema('pathway'),
      districtId: idSchema('district'),
      level: level(),
      decision: z.enum(decisions),
      decidedBy: personSub(),
      decidedAt: isoDateTime(),
    }),
  ),
  /** A certification was granted (after a `certified` decision). */
  CertificationIssued: lazy(() =>
    z.strictObject({
      version: v1(),
      certificationId: idSchema('certification'),
      applicationId: idSchema('application'),
      pathwayId: idSchema('pathway'),
      districtId: idSchema('district'),
      level: level(),
      issuedOn: isoDate(),
      expiresOn: isoDate(),
    }),
  ),
  /** The daily sweep found a certification `daysBefore` days from expiry (one event per reminder step). */
  CertificationExpiring: lazy(() =>
    z.strictObject({
      version: v1(),
      certificationId: idSchema('certification'),
      pathwayId: idSchema('pathway'),
      districtId: idSchema('district'),
      level: level(),
      expiresOn: isoDate(),
      daysBefore: z.int().check(z.minimum(0), z.maximum(3660)),
      /** Days actually left (fewer than daysBefore when the sweep caught up after missed days). */
      daysLeft: z.optional(z.int().check(z.minimum(0), z.maximum(3660))),
    }),
  ),
  /** A certification reached its expiry date without a renewal. */
  CertificationExpired: lazy(() =>
    z.strictObject({
      version: v1(),
      certificationId: idSchema('certification'),
      pathwayId: idSchema('pathway'),
      districtId: idSchema('district'),
      level: level(),
      expiredOn: isoDate(),
    }),
  ),
  /** Staff withdrew an active certification (status `revoked`); the reason stays in the table. */
  CertificationWithdrawn: lazy(() =>
    z.strictObject({
      version: v1(),
      certificationId: idSchema('certification'),
      pathwayId: idSchema('pathway'),
      districtId: idSchema('district'),
      level: level(),
      withdrawnAt: isoDateTime(),
      withdrawnBy: personSub(),
    }),
  ),
  /**
   * The network benefits a pathway holds changed with its standing (issue 19): a certification
   * was issued, expired or withdrawn. Benefit ids only; titles are read from the catalog.
   */
  BenefitsChanged: lazy(() =>
    z.strictObject({
      version: v1(),
      pathwayId: idSchema('pathway'),
      districtId: idSchema('district'),
      /** The certification whose change moved the benefits. */
      certificationId: idSchema('certification'),
      cause: z.enum(['issued', 'expired', 'withdrawn']),
      previousLevel: z.nullable(level()),
      level: z.nullable(level()),
      unlocked: z.array(idSchema('benefit')).check(z.maxLength(200)),
      lost: z.array(idSchema('benefit')).check(z.maxLength(200)),
    }),
  ),
  /** The renewal window of a certification opened; the team may now apply to recertify. */
  RenewalOpened: lazy(() =>
    z.strictObject({
      version: v1(),
      certificationId: idSchema('certification'),
      pathwayId: idSchema('pathway'),
      districtId: idSchema('district'),
      level: level(),
      expiresOn: isoDate(),
      /** The renewal application drafted for the team, when the sweep creates one. */
      applicationId: z.optional(idSchema('application')),
    }),
  ),
  /**
   * Someone posted a message on an application's thread. The text stays in the table: the
   * notifier reads the message by id (and `postedAt`, which is part of its key).
   */
  MessagePosted: lazy(() =>
    z.strictObject({
      version: v1(),
      applicationId: idSchema('application'),
      pathwayId: idSchema('pathway'),
      messageId: idSchema('message'),
      postedAt: isoDateTime(),
      authorSub: personSub(),
      authorRole: z.enum(['team', 'staff', 'reviewer', 'district']),
    }),
  ),
  /**
   * Someone was invited to a pathway team or a district. The invitee's address is not in the
   * event (it is personal data): the notifier reads it from the invitation by id.
   */
  InvitationCreated: lazy(() =>
    z.strictObject({
      version: v1(),
      ...invitationFacts(),
      invitedBy: personSub(),
      createdAt: isoDateTime(),
    }),
  ),
  /** The daily sweep found a pending invitation close to its expiry (INVITATION_REMINDER_DAYS): remind the invitee, once. */
  InvitationExpiring: lazy(() =>
    z.strictObject({
      version: v1(),
      ...invitationFacts(),
    }),
  ),
} as const;

export type DetailType = keyof typeof eventSchemas;
export const detailTypes = Object.keys(eventSchemas) as DetailType[];

export type EventDetail<K extends DetailType = DetailType> = z.infer<ReturnType<(typeof eventSchemas)[K]>>;

/** The schema of a detail-type's detail (each built once, on first use). */
export function eventSchema<K extends DetailType>(detailType: K): ReturnType<(typeof eventSchemas)[K]> {
  return eventSchemas[detailType]() as ReturnType<(typeof eventSchemas)[K]>;
}

/** A domain event as a producer hands it to `publish`: the version is filled in. */
export type DomainEventInput = {
  [K in DetailType]: {
    detailType: K;
    detail: Omit<EventDetail<K>, 'version'> & { version?: EventDetail<K>['version'] };
    /** ARNs or ids the event is about (EventBridge `resources`); optional. */
    resources?: string[];
  };
}[DetailType];

/** A validated domain event, narrowed by `detailType`. */
export type DomainEvent = {
  [K in DetailType]: { detailType: K; detail: EventDetail<K> };
}[DetailType];

/** The envelope EventBridge delivers to a rule's target. */
export interface EventBridgeEnvelope<T extends string = string, D = unknown> {
  version: '0';
  id: string;
  'detail-type': T;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: D;
}

export class InvalidDomainEventError extends Error {
  constructor(
    readonly detailType: string,
    readonly issues: readonly { path: PropertyKey[]; code?: string; message: string }[],
  ) {
    const where = issues.map((i) => `${i.path.map(String).join('.') || '(detail)'}: ${i.code ?? i.message}`).join('; ');
    super(`Invalid ${detailType} event: ${where}`);
    this.name = 'InvalidDomainEventError';
  }
}

export function isDetailType(value: unknown): value is DetailType {
  return typeof value === 'string' && Object.hasOwn(eventSchemas, value);
}

/** Validates a detail against its detail-type's schema; throws InvalidDomainEventError. */
export function parseDetail<K extends DetailType>(detailType: K, detail: unknown): EventDetail<K> {
  if (!isDetailType(detailType)) throw new InvalidDomainEventError(String(detailType), [{ path: [], message: 'unknown detail-type' }]);
  const result = z.safeParse(eventSchema(detailType), detail);
  if (!result.success) throw new InvalidDomainEventError(detailType, result.error.issues);
  return result.data as EventDetail<K>;
}

/** Fills in the version and validates: what `publish` sends. */
export function buildDomainEvent(input: DomainEventInput): DomainEvent {
  const detail = parseDetail(input.detailType, { version: 1, ...input.detail });
  return { detailType: input.detailType, detail } as DomainEvent;
}

/**
 * For subscribers: checks an EventBridge envelope is a pathcert domain event of a known
 * detail-type and validates its detail. Throws InvalidDomainEventError otherwise.
 */
export function parseDomainEvent(envelope: unknown): DomainEvent & { id: string; time: string } {
  const e = envelope as Partial<EventBridgeEnvelope> | null;
  if (typeof e !== 'object' || e === null || e.source !== EVENT_SOURCE) {
    throw new InvalidDomainEventError(String(e?.['detail-type']), [{ path: ['source'], message: `not ${EVENT_SOURCE}` }]);
  }
  const detailType = e['detail-type'];
  if (!isDetailType(detailType)) {
    throw new InvalidDomainEventError(String(detailType), [{ path: ['detail-type'], message: 'unknown detail-type' }]);
  }
  const detail = parseDetail(detailType, e.detail);
  // Subscribers key their once-only work by the id: without one there is nothing to key by.
  const id = e.id === undefined || e.id === null ? '' : String(e.id);
  if (!id) throw new InvalidDomainEventError(detailType, [{ path: ['id'], message: 'missing event id' }]);
  return { detailType, detail, id, time: String(e.time) } as DomainEvent & { id: string; time: string };
}
