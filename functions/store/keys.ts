/**
 * The single-table key design: the only module that builds key strings.
 *
 * Every item has PK and SK. Four overloaded GSIs serve the list patterns (see
 * table.ts). An entity's own item lives in its own partition (`<TYPE>#<id>`), so a
 * GetItem by id never needs the parent; the parent appears in a GSI key instead.
 * Sort keys that list by name start with a normalized name so lists come back
 * alphabetically, followed by the id so equal names stay distinct and pages are stable.
 *
 * ACCESS PATTERNS (mirrored in docs/access-patterns.md; keep both in step)
 * | # | pattern                                        | index | key condition                                         |
 * |---|------------------------------------------------|-------|-------------------------------------------------------|
 * | 1 | district by id                                 | table | PK=DISTRICT#<id>, SK=DISTRICT                          |
 * | 2 | all districts by name                          | GSI2  | GSI2PK=DISTRICTS, GSI2SK ascending                     |
 * | 3 | school by id                                   | table | PK=SCHOOL#<id>, SK=SCHOOL                              |
 * | 4 | a district's schools by name                   | GSI1  | GSI1PK=DISTRICT#<d>#SCHOOLS                            |
 * | 5 | pathway by id                                  | table | PK=PATHWAY#<id>, SK=PATHWAY                            |
 * | 6 | a district's pathways by name                  | GSI1  | GSI1PK=DISTRICT#<d>#PATHWAYS                           |
 * | 7 | a school's pathways by name                    | GSI2  | GSI2PK=SCHOOL#<s>#PATHWAYS                             |
 * | 8 | all pathways by name (staff)                   | GSI3  | GSI3PK=PATHWAYS                                        |
 * | 9 | certified pathways (public directory)          | GSI4  | GSI4PK=DIRECTORY (sparse: only certified pathways)     |
 * |10 | a person's profile, memberships, assignments   | table | PK=PERSON#<sub> (one Query loads a caller's access)    |
 * |11 | a pathway's members by role                    | GSI1  | GSI1PK=PATHWAY#<p>#MEMBERS                             |
 * |12 | a district's leads and data contacts           | GSI1  | GSI1PK=DISTRICT#<d>#MEMBERS                            |
 * |13 | a pathway's pending invitations                | table | PK=PATHWAY#<p>, SK begins_with INVITE#                 |
 * |14 | invitations waiting for an email address (their own list; the pre-sign-up trigger) | GSI2  | GSI2PK=INVITEE#<email>                                 |
 * |15 | a framework version, whole, in one read        | table | PK=FRAMEWORK#<id>, SK=FRAMEWORK                        |
 * |16 | framework versions, newest first               | GSI2  | GSI2PK=FRAMEWORKS, GSI2SK descending                   |
 * |17 | application by id with its responses           | table | PK=APP#<id> (SK=APP header, SK=RESP#<criterion>)       |
 * |18 | a pathway's applications, newest first         | GSI1  | GSI1PK=PATHWAY#<p>#APPS, GSI1SK descending             |
 * |19 | staff queue: applications by status, oldest    | GSI3  | GSI3PK=APPSTATUS#<status>, GSI3SK ascending            |
 * |20 | a pathway's open application (one at most)     | table | PK=PATHWAY#<p>, SK=OPENAPP (guard item)                |
 * |21 | a reviewer's assignments (and the open ones)   | table | PK=PERSON#<sub>, SK begins_with ASSIGN#                |
 * |22 | an entity's audit events in time order         | table | PK=AUDIT#<scope>, SK ascending                         |
 * |23 | an idempotent request's first answer           | table | PK=IDEMPOTENCY#<sub>#<key>, SK=IDEMPOTENCY             |
 * |24 | a person by email (unique; staff lookup, then #10) | table | PK=EMAIL#<email>, SK=EMAIL -> sub                      |
 * |25 | a district's pending invitations               | table | PK=DISTRICT#<d>, SK begins_with INVITE#                |
 * |26 | published framework versions, highest first    | GSI4  | GSI4PK=PUBLISHED_FRAMEWORKS, GSI4SK descending         |
 * |27 | a pathway's certifications, newest first       | table | PK=PATHWAY#<p>, SK begins_with CERT#, descending       |
 * |28 | an evidence item with all its versions         | table | PK=EVIDENCE#<e> (SK=ITEM, SK=V#<000001>, ...)          |
 * |29 | a pathway's evidence library by title          | GSI1  | GSI1PK=PATHWAY#<p>#EVIDENCE                            |
 * |30 | declared uploads by deadline (expiry sweep)    | GSI3  | GSI3PK=UPLOADS#DECLARED, GSI3SK ascending (sparse)     |
 * |31 | the evidence versions an application froze     | table | PK=APP#<a>#EVIDENCE, SK=FROZEN                         |
 * |32 | staff resources by title                       | GSI2  | GSI2PK=RESOURCES                                       |
 * |33 | a resource with all its versions               | table | PK=RESOURCE#<r> (SK=ITEM, SK=V#<000001>, ...)          |
 * |34 | an evidence export; an application's exports   | table | PK=EXPORT#<x>, SK=EXPORT; GSI1PK=APP#<a>#EXPORTS       |
 * |35 | a pathway's evidence deletions (submit guard)  | table | PK=PATHWAY#<p>, SK=EVIDENCE_EPOCH (guard item)         |
 * |36 | an address's one pending invitation to a team  | table | PK=PATHWAY#<p>, DISTRICT#<d> or REVIEWERPOOL, SK=PENDINGINVITE#<email> (guard) |
 * |40 | a review round: seats, reviews, decision, snapshot | table | PK=APP#<a>, SK begins_with ROUND#<nnnn>               |
 * |41 | staff review queue: rounds by stage, oldest     | GSI3  | GSI3PK=REVIEWSTAGE#<stage>, GSI3SK ascending           |
 * |42 | open reviews by due date (reminders, lateness)  | GSI3  | GSI3PK=REVIEWS#DUE, GSI3SK <= date (sparse)            |
 * |43 | submitted reviews in time order (calibration)   | GSI2  | GSI2PK=REVIEWS#SUBMITTED, GSI2SK ascending             |
 * |44 | a reviewer's profile (conflicts, load, dates)   | table | PK=PERSON#<sub>, SK=REVIEWER                           |
 * |45 | the reviewer pool by name                       | GSI2  | GSI2PK=REVIEWERS                                       |
 * |46 | an application's message thread, in time order  | table | PK=APP#<a>, SK begins_with MSG#                        |
 * |47 | an application's virtual review sessions        | table | PK=APP#<a>, SK begins_with SESSION#                    |
 * |48 | a person's in-app notifications, newest first   | table | PK=INBOX#<sub> (staff: INBOX#STAFF), SK descending     |
 * |49 | certifications by next sweep day (sweep)        | GSI3  | GSI3PK=CERTS#EXPIRY, GSI3SK <= today (sparse: active)  |
 * |50 | a person's affiliation stamp (conflict guard)  | table | PK=PERSON#<sub>, SK=AFFILIATIONS                       |
 * |60 | a person's unread notifications, newest first   | GSI1  | GSI1PK=INBOX#<sub>#UNREAD, GSI1SK descending (sparse)  |
 * |61 | a person's email preferences and email problems | table | PK=PREFS#<sub>, SK=NOTIFICATIONS                       |
 * |62 | an event's deliveries, one per recipient        | table | PK=DELIVERY#<eventId>, SK=TO#<recipient>               |
 * |66 | a person's message email window on a thread     | table | PK=APP#<a>, SK=EMAILWINDOW#<recipient>                 |
 * |67 | open message email windows by closing time      | GSI3  | GSI3PK=EMAILWINDOWS#OPEN, GSI3SK <= time (sparse)      |
 * |68 | messages whose MessagePosted is not confirmed     | GSI3  | GSI3PK=MESSAGES#UNANNOUNCED, GSI3SK <= time (sparse)   |
 * |70 | outcome report of a submission (immutable)      | table | PK=OUTSUB#<submission>, SK=REPORT#<entity>             |
 * |71 | a district's current outcome submission, by year | table | PK=DISTRICT#<d>, SK=OUTCOMES#<year> (pointer)         |
 * |72 | the current submissions of a school year        | GSI2  | GSI2PK=OUTCOMES#<year>, GSI2SK=<districtId>            |
 * |73 | an entity's precomputed outcome views, by year  | table | PK=OUTCOMES#<KIND>#<id> or OUTCOMES#NETWORK, SK=YEAR#|
 * |74 | every precomputed view of a school year         | GSI1  | GSI1PK=OUTVIEWS#<year>, GSI1SK=<entity>                |
 * |75 | a school year's recompute state (generation)    | table | PK=OUTCOMES#YEAR#<year>, SK=STATE                      |
 * |76 | network progress: current and by calendar year  | table | PK=NETWORK#PROGRESS (SK=CURRENT[#DISTRICTS#n], YEAR#yyyy) |
 * |77 | an outcome CSV upload and its errors            | table | PK=OUTUPLOAD#<u> (SK=UPLOAD, SK=ERR#<000001>...)       |
 * |78 | a pathway's work-based learning partners        | table | PK=PATHWAY#<p>, SK begins_with PARTNER#                |
 * |79 | every partner network-wide, newest first        | GSI3  | GSI3PK=PARTNERS, GSI3SK descending                     |
 * |80 | outcome uploads waiting for their file (expiry)  | GSI3  | GSI3PK=OUTUPLOADS#DECLARED, GSI3SK <= time (sparse)   |
 * |81 | invitations whose email or reminder is due       | GSI3  | GSI3PK=INVITES#NOTICE, GSI3SK <= time (sparse)        |
 * |82 | invitations to the reviewer pool (and their guards) | table | PK=REVIEWERPOOL, SK begins_with INVITE# (PENDINGINVITE#<email>) |
 * |83 | a network benefit by id (catalog entry)         | table | PK=BENEFIT#<id>, SK=BENEFIT                            |
 * |84 | the benefit catalog by title                    | GSI2  | GSI2PK=BENEFITS, GSI2SK ascending                      |
 * |85 | a pathway's benefit entitlement (one item)      | table | PK=PATHWAY#<p>, SK=BENEFITS                            |
 * |86 | a pathway's benefit requests, newest first      | table | PK=PATHWAY#<p>, SK begins_with BENEFITREQ#, descending |
 * |87 | benefit requests by status, oldest first (staff) | GSI3  | GSI3PK=BENEFITREQS#<status>, GSI3SK ascending          |
 * |88 | a pathway's units used of a benefit in a window | table | PK=PATHWAY#<p>, SK=BENEFITUSE#<benefit>#<window>       |
 * |89 | a certification's verifiable credential          | table | PK=CREDENTIAL#<certificationId>, SK=CREDENTIAL         |
 * |90 | the next status list entry (counter)             | table | PK=CREDSTATUS, SK=COUNTER                              |
 * |91 | a status list: revoked entries, version, signed copy | table | PK=CREDSTATUS#<list>, SK=LIST                        |
 */
import { STAFF_RECIPIENT } from '#core/notifications/rules.ts';
import type { IndexName } from './table.ts';

export type Key = { PK: string; SK: string };
export type IndexKeys = Partial<Record<`GSI${1 | 2 | 3 | 4}${'PK' | 'SK'}`, string>>;

/** Lower-case, accent-free, single-spaced: the sort prefix for lists by name. */
export function sortName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .slice(0, 120);
}

const byName = (name: string, id: string) => `${sortName(name)}#${id}`;

/**
 * A framework version (`2026.1`, dotted numbers of up to 6 digits, up to 3 parts) as a
 * string that sorts like the numbers: each part zero-padded, missing parts as zero, so
 * `2026.10` sorts after `2026.9` and `2026` equals `2026.0`.
 */
export function versionSortKey(version: string): string {
  const parts = version.split('.');
  while (parts.length < 3) parts.push('0');
  return parts.map((p) => p.padStart(6, '0')).join('.');
}

/** `ROUND#0001`: rounds sort by number and one round's items share the prefix. */
const roundSortPrefix = (round: number) => `ROUND#${String(round).padStart(4, '0')}`;

// The key builders: one export each. Callers import the module as a namespace
// (`import * as keys from '#store/keys.ts'`, then `keys.pathway(id)`), so a function's
// bundle holds only the builders it uses instead of all of them.

export const district = (id: string): Key => ({ PK: `DISTRICT#${id}`, SK: 'DISTRICT' });
export const districtIndexes = (d: { id: string; name: string }): IndexKeys => ({ GSI2PK: 'DISTRICTS', GSI2SK: byName(d.name, d.id) });

export const school = (id: string): Key => ({ PK: `SCHOOL#${id}`, SK: 'SCHOOL' });
export const schoolIndexes = (s: { id: string; districtId: string; name: string }): IndexKeys => ({
  GSI1PK: `DISTRICT#${s.districtId}#SCHOOLS`,
  GSI1SK: byName(s.name, s.id),
});

export const pathway = (id: string): Key => ({ PK: `PATHWAY#${id}`, SK: 'PATHWAY' });
/** The directory key (GSI4) is only set while the pathway holds a valid certification. */
export const pathwayIndexes = (p: { id: string; districtId: string; schoolId: string; name: string; certified: boolean }): IndexKeys => ({
  GSI1PK: `DISTRICT#${p.districtId}#PATHWAYS`,
  GSI1SK: byName(p.name, p.id),
  GSI2PK: `SCHOOL#${p.schoolId}#PATHWAYS`,
  GSI2SK: byName(p.name, p.id),
  GSI3PK: 'PATHWAYS',
  GSI3SK: byName(p.name, p.id),
  ...(p.certified ? { GSI4PK: 'DIRECTORY', GSI4SK: byName(p.name, p.id) } : {}),
});

export const person = (sub: string): Key => ({ PK: `PERSON#${sub}`, SK: 'PROFILE' });
export const personPartition = (sub: string) => `PERSON#${sub}`;
export const email = (email: string): Key => ({ PK: `EMAIL#${email.toLowerCase()}`, SK: 'EMAIL' });

export const pathwayMembership = (sub: string, pathwayId: string): Key => ({ PK: `PERSON#${sub}`, SK: `MEMBER#PATHWAY#${pathwayId}` });
export const districtMembership = (sub: string, districtId: string): Key => ({ PK: `PERSON#${sub}`, SK: `MEMBER#DISTRICT#${districtId}` });
export const membershipPrefix = 'MEMBER#';
export const pathwayMembershipIndexes = (pathwayId: string, role: string, sub: string): IndexKeys => ({
  GSI1PK: `PATHWAY#${pathwayId}#MEMBERS`,
  GSI1SK: `${role}#${sub}`,
});
export const districtMembershipIndexes = (districtId: string, role: string, sub: string): IndexKeys => ({
  GSI1PK: `DISTRICT#${districtId}#MEMBERS`,
  GSI1SK: `${role}#${sub}`,
});

export const invitation = (pathwayId: string, invitationId: string): Key => ({ PK: `PATHWAY#${pathwayId}`, SK: `INVITE#${invitationId}` });
export const invitationPrefix = 'INVITE#';
export const districtInvitation = (districtId: string, invitationId: string): Key => ({
  PK: `DISTRICT#${districtId}`,
  SK: `INVITE#${invitationId}`,
});
/** Guard items: which invitation is an address's one pending invitation to a pathway or district. */
export const pathwayPendingInvitation = (pathwayId: string, email: string): Key => ({
  PK: `PATHWAY#${pathwayId}`,
  SK: `PENDINGINVITE#${email.toLowerCase()}`,
});
export const districtPendingInvitation = (districtId: string, email: string): Key => ({
  PK: `DISTRICT#${districtId}`,
  SK: `PENDINGINVITE#${email.toLowerCase()}`,
});
/** Invitations to the reviewer pool (staff's): one partition, as the pool is a few hundred people. */
export const reviewerInvitation = (invitationId: string): Key => ({ PK: 'REVIEWERPOOL', SK: `INVITE#${invitationId}` });
export const reviewerPoolPartition = 'REVIEWERPOOL';
export const reviewerPendingInvitation = (email: string): Key => ({ PK: 'REVIEWERPOOL', SK: `PENDINGINVITE#${email.toLowerCase()}` });
export const invitationIndexes = (email: string, createdAt: string, invitationId: string): IndexKeys => ({
  GSI2PK: `INVITEE#${email.toLowerCase()}`,
  GSI2SK: `${createdAt}#${invitationId}`,
});

export const framework = (id: string): Key => ({ PK: `FRAMEWORK#${id}`, SK: 'FRAMEWORK' });
export const frameworkIndexes = (id: string, createdAt: string): IndexKeys => ({ GSI2PK: 'FRAMEWORKS', GSI2SK: `${createdAt}#${id}` });
/** Sparse: only published versions carry it, sorted by version number (see versionSortKey). */
export const publishedFrameworkIndexes = (id: string, version: string): IndexKeys => ({
  GSI4PK: 'PUBLISHED_FRAMEWORKS',
  GSI4SK: `${versionSortKey(version)}#${id}`,
});

export const application = (id: string): Key => ({ PK: `APP#${id}`, SK: 'APP' });
export const applicationPartition = (id: string) => `APP#${id}`;
export const response = (applicationId: string, criterionId: string): Key => ({ PK: `APP#${applicationId}`, SK: `RESP#${criterionId}` });
export const responsePrefix = 'RESP#';
export const applicationIndexes = (a: {
  id: string;
  pathwayId: string;
  createdAt: string;
  status: string;
  queuedAt: string;
}): IndexKeys => ({
  GSI1PK: `PATHWAY#${a.pathwayId}#APPS`,
  GSI1SK: `${a.createdAt}#${a.id}`,
  GSI3PK: `APPSTATUS#${a.status}`,
  GSI3SK: `${a.queuedAt}#${a.id}`,
});
export const openApplication = (pathwayId: string): Key => ({ PK: `PATHWAY#${pathwayId}`, SK: 'OPENAPP' });
/** A certification the pathway was granted; kept after expiry so renewal knows what lapsed. */
export const certification = (pathwayId: string, issuedAt: string, certificationId: string): Key => ({
  PK: `PATHWAY#${pathwayId}`,
  SK: `CERT#${issuedAt}#${certificationId}`,
});
export const certificationPrefix = 'CERT#';
/** The verifiable credential of a certification (one per certification, same id). */
export const credential = (certificationId: string): Key => ({ PK: `CREDENTIAL#${certificationId}`, SK: 'CREDENTIAL' });
/** The counter that hands out status list entries, one per credential. */
export const credentialStatusCounter = { PK: 'CREDSTATUS', SK: 'COUNTER' };
/** One status list (W3C Bitstring Status List): its revoked indexes and its signed copy. */
export const credentialStatusList = (list: string): Key => ({ PK: `CREDSTATUS#${list}`, SK: 'LIST' });

export const assignment = (sub: string, applicationId: string): Key => ({ PK: `PERSON#${sub}`, SK: `ASSIGN#${applicationId}` });
export const assignmentPrefix = 'ASSIGN#';

/** Audit scopes: a pathway's trail covers its memberships and applications too. */
export const auditPartition = (scope: { kind: 'pathway' | 'district' | 'school' | 'framework' | 'benefit'; id: string }) =>
  `AUDIT#${scope.kind.toUpperCase()}#${scope.id}`;
export const auditEvent = (
  scope: { kind: 'pathway' | 'district' | 'school' | 'framework' | 'benefit'; id: string },
  at: string,
  eventId: string,
): Key => ({
  PK: `AUDIT#${scope.kind.toUpperCase()}#${scope.id}`,
  SK: `${at}#${eventId}`,
});

export const idempotency = (sub: string, key: string): Key => ({ PK: `IDEMPOTENCY#${sub}#${key}`, SK: 'IDEMPOTENCY' });

// Evidence (issue 4): an item and its versions share a partition, so one Query reads both.
export const evidenceItem = (evidenceId: string): Key => ({ PK: `EVIDENCE#${evidenceId}`, SK: 'ITEM' });
export const evidencePartition = (evidenceId: string) => `EVIDENCE#${evidenceId}`;
/** Zero-padded so versions sort numerically (core/evidence/object-keys.ts caps them at 6 digits). */
export const evidenceVersion = (evidenceId: string, version: number): Key => ({
  PK: `EVIDENCE#${evidenceId}`,
  SK: `V#${String(version).padStart(6, '0')}`,
});
export const versionPrefix = 'V#';
export const evidenceItemIndexes = (e: { evidenceId: string; pathwayId: string; title: string }): IndexKeys => ({
  GSI1PK: `PATHWAY#${e.pathwayId}#EVIDENCE`,
  GSI1SK: byName(e.title, e.evidenceId),
});
/** Sparse: only while a version (of evidence or a resource) waits for its upload. */
export const declaredUploadIndexes = (expiresAt: string, ownerId: string, version: number): IndexKeys => ({
  GSI3PK: 'UPLOADS#DECLARED',
  GSI3SK: `${expiresAt}#${ownerId}#${version}`,
});
export const applicationEvidence = (applicationId: string): Key => ({ PK: `APP#${applicationId}#EVIDENCE`, SK: 'FROZEN' });
/** Counts deletions of a pathway's evidence; a submission conditions on the count it froze against. */
export const evidenceEpoch = (pathwayId: string): Key => ({ PK: `PATHWAY#${pathwayId}`, SK: 'EVIDENCE_EPOCH' });
export const resourceItem = (resourceId: string): Key => ({ PK: `RESOURCE#${resourceId}`, SK: 'ITEM' });
export const resourcePartition = (resourceId: string) => `RESOURCE#${resourceId}`;
export const resourceVersion = (resourceId: string, version: number): Key => ({
  PK: `RESOURCE#${resourceId}`,
  SK: `V#${String(version).padStart(6, '0')}`,
});
export const resourceIndexes = (r: { resourceId: string; title: string }): IndexKeys => ({
  GSI2PK: 'RESOURCES',
  GSI2SK: byName(r.title, r.resourceId),
});
export const evidenceExport = (exportId: string): Key => ({ PK: `EXPORT#${exportId}`, SK: 'EXPORT' });
export const evidenceExportIndexes = (applicationId: string, createdAt: string, exportId: string): IndexKeys => ({
  GSI1PK: `APP#${applicationId}#EXPORTS`,
  GSI1SK: `${createdAt}#${exportId}`,
});

// Review pipeline (issue 5). A round is one submission's review: everything of it shares
// the prefix ROUND#<nnnn> in the application's partition, so one Query reads it whole.
export const reviewRound = (applicationId: string, round: number): Key => ({ PK: `APP#${applicationId}`, SK: roundSortPrefix(round) });
export const roundPrefix = (round: number) => roundSortPrefix(round);
export const reviewSeat = (applicationId: string, round: number, seat: number): Key => ({
  PK: `APP#${applicationId}`,
  SK: `${roundSortPrefix(round)}#SEAT#${String(seat).padStart(2, '0')}`,
});
export const review = (applicationId: string, round: number, reviewId: string): Key => ({
  PK: `APP#${applicationId}`,
  SK: `${roundSortPrefix(round)}#REVIEW#${reviewId}`,
});
export const reviewDecision = (applicationId: string, round: number): Key => ({
  PK: `APP#${applicationId}`,
  SK: `${roundSortPrefix(round)}#DECISION`,
});
export const submissionSnapshot = (applicationId: string, round: number, criterionId: string): Key => ({
  PK: `APP#${applicationId}`,
  SK: `${roundSortPrefix(round)}#SNAP#${criterionId}`,
});
/** The staff queue position of a round (its stage and since when). */
export const reviewStageIndexes = (stage: string, since: string, applicationId: string): IndexKeys => ({
  GSI3PK: `REVIEWSTAGE#${stage}`,
  GSI3SK: `${since}#${applicationId}`,
});
/** Sparse: only while something (a reminder, the lateness rule) may still be due. */
export const reviewDueIndexes = (dueAt: string, reviewId: string): IndexKeys => ({ GSI3PK: 'REVIEWS#DUE', GSI3SK: `${dueAt}#${reviewId}` });
export const submittedReviewIndexes = (submittedAt: string, reviewId: string): IndexKeys => ({
  GSI2PK: 'REVIEWS#SUBMITTED',
  GSI2SK: `${submittedAt}#${reviewId}`,
});
export const reviewer = (sub: string): Key => ({ PK: `PERSON#${sub}`, SK: 'REVIEWER' });
/**
 * A counter bumped by every transaction that gives the person a membership; a review's
 * submission is conditional on it, so a membership that lands between the conflict check
 * and the submission cancels the submission.
 */
export const affiliations = (sub: string): Key => ({ PK: `PERSON#${sub}`, SK: 'AFFILIATIONS' });
export const reviewerIndexes = (r: { sub: string; name?: string | undefined }): IndexKeys => ({
  GSI2PK: 'REVIEWERS',
  GSI2SK: byName(r.name ?? '', r.sub),
});
export const message = (applicationId: string, at: string, messageId: string): Key => ({
  PK: `APP#${applicationId}`,
  SK: `MSG#${at}#${messageId}`,
});
export const messagePrefix = 'MSG#';
/** Sparse: on a new message until its MessagePosted event is published (the message email job repairs what is left). */
export const unannouncedMessageIndexes = (at: string, applicationId: string, messageId: string): IndexKeys => ({
  GSI3PK: 'MESSAGES#UNANNOUNCED',
  GSI3SK: `${at}#${applicationId}#${messageId}`,
});
export const threadSettings = (applicationId: string): Key => ({ PK: `APP#${applicationId}`, SK: 'THREAD' });
export const reviewSession = (applicationId: string, sessionId: string): Key => ({
  PK: `APP#${applicationId}`,
  SK: `SESSION#${sessionId}`,
});
export const sessionPrefix = 'SESSION#';
/** In-app notifications of one person; staff share the STAFF inbox. Kept out of PERSON# so access loads stay one small Query. */
export const inboxPartition = (sub: string) => `INBOX#${sub}`;
export const inboxItem = (sub: string, at: string, id: string): Key => ({ PK: `INBOX#${sub}`, SK: `${at}#${id}` });
/** The notifier's staff recipient (core/notifications/rules.ts) is this inbox. */
export const staffInbox = STAFF_RECIPIENT;
/** Sparse: present while the notification is unread, so the unread filter and read-all read only unread items. */
export const inboxUnreadIndexes = (sub: string, at: string, id: string): IndexKeys => ({
  GSI1PK: `INBOX#${sub}#UNREAD`,
  GSI1SK: `${at}#${id}`,
});
export const notificationPreferences = (sub: string): Key => ({ PK: `PREFS#${sub}`, SK: 'NOTIFICATIONS' });
/** The notifier's exactly-once record of one event for one recipient (a person's sub or STAFF). */
export const notificationDelivery = (eventId: string, recipient: string): Key => ({ PK: `DELIVERY#${eventId}`, SK: `TO#${recipient}` });
/** The message email window of one recipient (a person's sub or STAFF) on an application's thread. */
export const messageEmailWindow = (applicationId: string, recipient: string): Key => ({
  PK: `APP#${applicationId}`,
  SK: `EMAILWINDOW#${recipient}`,
});
/** Sparse: only while the window is open (or being sent), sorted by when it closes. */
export const messageEmailWindowDueIndexes = (closesAt: string, applicationId: string, recipient: string): IndexKeys => ({
  GSI3PK: 'EMAILWINDOWS#OPEN',
  GSI3SK: `${closesAt}#${applicationId}#${recipient}`,
});
/**
 * Sparse: only while the sweep still has something to do for the certification
 * (core/recertification/notices.ts needsSweep), sorted by the next day it has (nextSweepDay).
 */
export const certificationSweepIndexes = (dueOn: string, certificationId: string): IndexKeys => ({
  GSI3PK: 'CERTS#EXPIRY',
  GSI3SK: `${dueOn}#${certificationId}`,
});

// Outcome data (issue 7): see store/outcomes.ts for why submissions are immutable items
// behind a per-district-and-year pointer, and why reads use precomputed views.
export const outcomeSubmissionPartition = (submissionId: string) => `OUTSUB#${submissionId}`;
export const outcomeReport = (submissionId: string, entityKey: string): Key => ({
  PK: `OUTSUB#${submissionId}`,
  SK: `REPORT#${entityKey}`,
});
export const outcomeCurrent = (districtId: string, schoolYear: string): Key => ({
  PK: `DISTRICT#${districtId}`,
  SK: `OUTCOMES#${schoolYear}`,
});
export const outcomeCurrentIndexes = (districtId: string, schoolYear: string): IndexKeys => ({
  GSI2PK: `OUTCOMES#${schoolYear}`,
  GSI2SK: districtId,
});
export const outcomeViewPartition = (entity: { kind: 'pathway' | 'district' | 'network'; id?: string }) =>
  entity.kind === 'network' ? 'OUTCOMES#NETWORK' : `OUTCOMES#${entity.kind.toUpperCase()}#${entity.id}`;
export const outcomeView = (entity: { kind: 'pathway' | 'district' | 'network'; id?: string }, schoolYear: string): Key => ({
  PK: entity.kind === 'network' ? 'OUTCOMES#NETWORK' : `OUTCOMES#${entity.kind.toUpperCase()}#${entity.id}`,
  SK: `YEAR#${schoolYear}`,
});
export const outcomeViewIndexes = (schoolYear: string, entityKey: string): IndexKeys => ({
  GSI1PK: `OUTVIEWS#${schoolYear}`,
  GSI1SK: entityKey,
});
export const outcomeYearState = (schoolYear: string): Key => ({ PK: `OUTCOMES#YEAR#${schoolYear}`, SK: 'STATE' });
export const networkProgressPartition = 'NETWORK#PROGRESS';
export const networkProgress = (): Key => ({ PK: 'NETWORK#PROGRESS', SK: 'CURRENT' });
export const networkProgressYear = (year: number): Key => ({ PK: 'NETWORK#PROGRESS', SK: `YEAR#${year}` });
export const outcomeUpload = (uploadId: string): Key => ({ PK: `OUTUPLOAD#${uploadId}`, SK: 'UPLOAD' });
export const outcomeUploadPartition = (uploadId: string) => `OUTUPLOAD#${uploadId}`;
export const outcomeUploadError = (uploadId: string, n: number): Key => ({
  PK: `OUTUPLOAD#${uploadId}`,
  SK: `ERR#${String(n).padStart(6, '0')}`,
});
export const outcomeUploadErrorPrefix = 'ERR#';
/** Sparse: only while a declared outcome CSV has not arrived (removed when processing starts). */
export const declaredOutcomeUploadIndexes = (expiresAt: string, uploadId: string): IndexKeys => ({
  GSI3PK: 'OUTUPLOADS#DECLARED',
  GSI3SK: `${expiresAt}#${uploadId}`,
});
export const partner = (pathwayId: string, partnerId: string): Key => ({ PK: `PATHWAY#${pathwayId}`, SK: `PARTNER#${partnerId}` });
export const partnerPrefix = 'PARTNER#';
export const partnerIndexes = (createdAt: string, partnerId: string): IndexKeys => ({
  GSI3PK: 'PARTNERS',
  GSI3SK: `${createdAt}#${partnerId}`,
});
/** Sparse: only while an invitation's email or reminder is still due (the invitation item itself). */
export const invitationNoticeIndexes = (dueAt: string, invitationId: string) => ({
  GSI3PK: 'INVITES#NOTICE',
  GSI3SK: `${dueAt}#${invitationId}`,
});

// Network benefits by level (issue 19): docs/benefits.md.
export const benefit = (benefitId: string): Key => ({ PK: `BENEFIT#${benefitId}`, SK: 'BENEFIT' });
export const benefitIndexes = (b: { id: string; title: string }): IndexKeys => ({ GSI2PK: 'BENEFITS', GSI2SK: byName(b.title, b.id) });
/** What the pathway's standing unlocks, written in the transaction that changes the standing. */
export const benefitEntitlement = (pathwayId: string): Key => ({ PK: `PATHWAY#${pathwayId}`, SK: 'BENEFITS' });
/** Request ids are ULIDs, so the pathway's requests sort by time. */
export const benefitRequest = (pathwayId: string, requestId: string): Key => ({
  PK: `PATHWAY#${pathwayId}`,
  SK: `BENEFITREQ#${requestId}`,
});
export const benefitRequestPrefix = 'BENEFITREQ#';
export const benefitRequestIndexes = (status: string, createdAt: string, requestId: string): IndexKeys => ({
  GSI3PK: `BENEFITREQS#${status}`,
  GSI3SK: `${createdAt}#${requestId}`,
});
/** The units a pathway holds (requested or approved) of one capacity-limited benefit in one window. */
export const benefitUsage = (pathwayId: string, benefitId: string, window: string): Key => ({
  PK: `PATHWAY#${pathwayId}`,
  SK: `BENEFITUSE#${benefitId}#${window}`,
});

/** Partition values of the list patterns, by index, for queries and cursor checks. */
export const partitions = {
  districts: { index: 'GSI2' as IndexName, value: 'DISTRICTS' },
  districtSchools: (d: string) => ({ index: 'GSI1' as IndexName, value: `DISTRICT#${d}#SCHOOLS` }),
  districtPathways: (d: string) => ({ index: 'GSI1' as IndexName, value: `DISTRICT#${d}#PATHWAYS` }),
  schoolPathways: (s: string) => ({ index: 'GSI2' as IndexName, value: `SCHOOL#${s}#PATHWAYS` }),
  allPathways: { index: 'GSI3' as IndexName, value: 'PATHWAYS' },
  directory: { index: 'GSI4' as IndexName, value: 'DIRECTORY' },
  pathwayMembers: (p: string) => ({ index: 'GSI1' as IndexName, value: `PATHWAY#${p}#MEMBERS` }),
  districtMembers: (d: string) => ({ index: 'GSI1' as IndexName, value: `DISTRICT#${d}#MEMBERS` }),
  invitee: (email: string) => ({ index: 'GSI2' as IndexName, value: `INVITEE#${email.toLowerCase()}` }),
  frameworks: { index: 'GSI2' as IndexName, value: 'FRAMEWORKS' },
  publishedFrameworks: { index: 'GSI4' as IndexName, value: 'PUBLISHED_FRAMEWORKS' },
  pathwayApplications: (p: string) => ({ index: 'GSI1' as IndexName, value: `PATHWAY#${p}#APPS` }),
  applicationsByStatus: (status: string) => ({ index: 'GSI3' as IndexName, value: `APPSTATUS#${status}` }),
  pathwayEvidence: (p: string) => ({ index: 'GSI1' as IndexName, value: `PATHWAY#${p}#EVIDENCE` }),
  declaredUploads: { index: 'GSI3' as IndexName, value: 'UPLOADS#DECLARED' },
  resources: { index: 'GSI2' as IndexName, value: 'RESOURCES' },
  applicationExports: (a: string) => ({ index: 'GSI1' as IndexName, value: `APP#${a}#EXPORTS` }),
  reviewStage: (stage: string) => ({ index: 'GSI3' as IndexName, value: `REVIEWSTAGE#${stage}` }),
  reviewsDue: { index: 'GSI3' as IndexName, value: 'REVIEWS#DUE' },
  submittedReviews: { index: 'GSI2' as IndexName, value: 'REVIEWS#SUBMITTED' },
  reviewers: { index: 'GSI2' as IndexName, value: 'REVIEWERS' },
  inboxUnread: (sub: string) => ({ index: 'GSI1' as IndexName, value: `INBOX#${sub}#UNREAD` }),
  certificationSweep: { index: 'GSI3' as IndexName, value: 'CERTS#EXPIRY' },
  openMessageEmailWindows: { index: 'GSI3' as IndexName, value: 'EMAILWINDOWS#OPEN' },
  unannouncedMessages: { index: 'GSI3' as IndexName, value: 'MESSAGES#UNANNOUNCED' },
  outcomeSubmissionsOfYear: (year: string) => ({ index: 'GSI2' as IndexName, value: `OUTCOMES#${year}` }),
  outcomeViewsOfYear: (year: string) => ({ index: 'GSI1' as IndexName, value: `OUTVIEWS#${year}` }),
  partners: { index: 'GSI3' as IndexName, value: 'PARTNERS' },
  pathwayPartners: (p: string) => ({ value: `PATHWAY#${p}` }),
  outcomeUploadErrors: (u: string) => ({ value: `OUTUPLOAD#${u}` }),
  declaredOutcomeUploads: { index: 'GSI3' as IndexName, value: 'OUTUPLOADS#DECLARED' },
  invitationNotices: { index: 'GSI3' as IndexName, value: 'INVITES#NOTICE' },
  benefits: { index: 'GSI2' as IndexName, value: 'BENEFITS' },
  pathwayBenefitRequests: (p: string) => ({ value: `PATHWAY#${p}` }),
  benefitRequestsByStatus: (status: string) => ({ index: 'GSI3' as IndexName, value: `BENEFITREQS#${status}` }),
} as const;

export type Partition = { index?: IndexName; value: string };
