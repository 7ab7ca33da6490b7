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
 * |14 | invitations waiting for an email address       | GSI2  | GSI2PK=INVITEE#<email>                                 |
 * |15 | a framework version, whole, in one read        | table | PK=FRAMEWORK#<id>, SK=FRAMEWORK                        |
 * |16 | framework versions, newest first               | GSI2  | GSI2PK=FRAMEWORKS, GSI2SK descending                   |
 * |17 | application by id with its responses           | table | PK=APP#<id> (SK=APP header, SK=RESP#<criterion>)       |
 * |18 | a pathway's applications, newest first         | GSI1  | GSI1PK=PATHWAY#<p>#APPS, GSI1SK descending             |
 * |19 | staff queue: applications by status, oldest    | GSI3  | GSI3PK=APPSTATUS#<status>, GSI3SK ascending            |
 * |20 | a pathway's open application (one at most)     | table | PK=PATHWAY#<p>, SK=OPENAPP (guard item)                |
 * |21 | a reviewer's assignments (and the open ones)   | table | PK=PERSON#<sub>, SK begins_with ASSIGN#                |
 * |22 | an entity's audit events in time order         | table | PK=AUDIT#<scope>, SK ascending                         |
 * |23 | an idempotent request's first answer           | table | PK=IDEMPOTENCY#<sub>#<key>, SK=IDEMPOTENCY             |
 * |24 | a person by email (unique)                     | table | PK=EMAIL#<email>, SK=EMAIL                             |
 */
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

export const keys = {
  district: (id: string): Key => ({ PK: `DISTRICT#${id}`, SK: 'DISTRICT' }),
  districtIndexes: (d: { id: string; name: string }): IndexKeys => ({ GSI2PK: 'DISTRICTS', GSI2SK: byName(d.name, d.id) }),

  school: (id: string): Key => ({ PK: `SCHOOL#${id}`, SK: 'SCHOOL' }),
  schoolIndexes: (s: { id: string; districtId: string; name: string }): IndexKeys => ({
    GSI1PK: `DISTRICT#${s.districtId}#SCHOOLS`,
    GSI1SK: byName(s.name, s.id),
  }),

  pathway: (id: string): Key => ({ PK: `PATHWAY#${id}`, SK: 'PATHWAY' }),
  /** The directory key (GSI4) is only set while the pathway holds a valid certification. */
  pathwayIndexes: (p: { id: string; districtId: string; schoolId: string; name: string; certified: boolean }): IndexKeys => ({
    GSI1PK: `DISTRICT#${p.districtId}#PATHWAYS`,
    GSI1SK: byName(p.name, p.id),
    GSI2PK: `SCHOOL#${p.schoolId}#PATHWAYS`,
    GSI2SK: byName(p.name, p.id),
    GSI3PK: 'PATHWAYS',
    GSI3SK: byName(p.name, p.id),
    ...(p.certified ? { GSI4PK: 'DIRECTORY', GSI4SK: byName(p.name, p.id) } : {}),
  }),

  person: (sub: string): Key => ({ PK: `PERSON#${sub}`, SK: 'PROFILE' }),
  personPartition: (sub: string) => `PERSON#${sub}`,
  email: (email: string): Key => ({ PK: `EMAIL#${email.toLowerCase()}`, SK: 'EMAIL' }),

  pathwayMembership: (sub: string, pathwayId: string): Key => ({ PK: `PERSON#${sub}`, SK: `MEMBER#PATHWAY#${pathwayId}` }),
  districtMembership: (sub: string, districtId: string): Key => ({ PK: `PERSON#${sub}`, SK: `MEMBER#DISTRICT#${districtId}` }),
  membershipPrefix: 'MEMBER#',
  pathwayMembershipIndexes: (pathwayId: string, role: string, sub: string): IndexKeys => ({
    GSI1PK: `PATHWAY#${pathwayId}#MEMBERS`,
    GSI1SK: `${role}#${sub}`,
  }),
  districtMembershipIndexes: (districtId: string, role: string, sub: string): IndexKeys => ({
    GSI1PK: `DISTRICT#${districtId}#MEMBERS`,
    GSI1SK: `${role}#${sub}`,
  }),

  invitation: (pathwayId: string, invitationId: string): Key => ({ PK: `PATHWAY#${pathwayId}`, SK: `INVITE#${invitationId}` }),
  invitationPrefix: 'INVITE#',
  invitationIndexes: (email: string, createdAt: string, invitationId: string): IndexKeys => ({
    GSI2PK: `INVITEE#${email.toLowerCase()}`,
    GSI2SK: `${createdAt}#${invitationId}`,
  }),

  framework: (id: string): Key => ({ PK: `FRAMEWORK#${id}`, SK: 'FRAMEWORK' }),
  frameworkIndexes: (id: string, createdAt: string): IndexKeys => ({ GSI2PK: 'FRAMEWORKS', GSI2SK: `${createdAt}#${id}` }),

  application: (id: string): Key => ({ PK: `APP#${id}`, SK: 'APP' }),
  applicationPartition: (id: string) => `APP#${id}`,
  response: (applicationId: string, criterionId: string): Key => ({ PK: `APP#${applicationId}`, SK: `RESP#${criterionId}` }),
  responsePrefix: 'RESP#',
  applicationIndexes: (a: { id: string; pathwayId: string; createdAt: string; status: string; queuedAt: string }): IndexKeys => ({
    GSI1PK: `PATHWAY#${a.pathwayId}#APPS`,
    GSI1SK: `${a.createdAt}#${a.id}`,
    GSI3PK: `APPSTATUS#${a.status}`,
    GSI3SK: `${a.queuedAt}#${a.id}`,
  }),
  openApplication: (pathwayId: string): Key => ({ PK: `PATHWAY#${pathwayId}`, SK: 'OPENAPP' }),

  assignment: (sub: string, applicationId: string): Key => ({ PK: `PERSON#${sub}`, SK: `ASSIGN#${applicationId}` }),
  assignmentPrefix: 'ASSIGN#',

  /** Audit scopes: a pathway's trail covers its memberships and applications too. */
  auditPartition: (scope: { kind: 'pathway' | 'district' | 'school' | 'framework'; id: string }) =>
    `AUDIT#${scope.kind.toUpperCase()}#${scope.id}`,
  auditEvent: (scope: { kind: 'pathway' | 'district' | 'school' | 'framework'; id: string }, at: string, eventId: string): Key => ({
    PK: `AUDIT#${scope.kind.toUpperCase()}#${scope.id}`,
    SK: `${at}#${eventId}`,
  }),

  idempotency: (sub: string, key: string): Key => ({ PK: `IDEMPOTENCY#${sub}#${key}`, SK: 'IDEMPOTENCY' }),
} as const;

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
  pathwayApplications: (p: string) => ({ index: 'GSI1' as IndexName, value: `PATHWAY#${p}#APPS` }),
  applicationsByStatus: (status: string) => ({ index: 'GSI3' as IndexName, value: `APPSTATUS#${status}` }),
} as const;

export type Partition = { index?: IndexName; value: string };
