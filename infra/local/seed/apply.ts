/**
 * Writes the demo data (data.ts) through the repositories, exactly as the API would
 * store it (audit events included). Idempotent item by item: ids are derived from the
 * data's keys, a create that finds its item already there is skipped, and an application
 * is opened only for a pathway that has none, so running it again completes a partial
 * seed and changes nothing on a complete one.
 */
import { createHash } from 'node:crypto';
import { criteriaFor } from '#core/framework.ts';
import { idPrefixes, type IdKind } from '#core/ids.ts';
import { defaultCertificationConfig } from '#core/levels.ts';
import { seedFramework } from '#core/seed-framework.ts';
import { addDays, addMonthsUtc } from '#core/time.ts';
import { nowIso } from '#lib/clock.ts';
import type { Principal } from '#lib/principal.ts';
import { listPathwayApplications, openApplication, submitApplication, withdrawApplication, writeResponse } from '#store/applications.ts';
import type { Application } from '#store/application-reads.ts';
import { credentialIssue } from '#credentials/issue.ts';
import { createBenefit, wholeCatalog } from '#store/benefits.ts';
import { certificationItem, seedCertification } from '#store/certifications.ts';
import { putNew, transact, TransactionCancelled } from '#store/db.ts';
import type { District, Pathway, School } from '#store/entities.ts';
import { putPublishedFramework } from '#store/frameworks.ts';
import { announceInvitation } from '#notifications/invitation-notices.ts';
import { addMembership, createInvitation, ensureProfile, newInvitation, type StoredMembership } from '#store/people.ts';
import { getReviewer, putReviewerByStaff } from '#store/reviewers.ts';
import { assignSeat, moveStage, readRound } from '#store/reviews.ts';
import { prepare } from '#pipeline/prepare.ts';
import { createDistrict, createPathway, createSchool, type Actor } from '#store/registry.ts';
import { subjectForEmail } from '../dev-issuer.ts';
import {
  seedApplications,
  seedBenefits,
  seedDistricts,
  seedInvitations,
  seedPathways,
  seedPeople,
  type SeedApplication,
  type SeedPerson,
} from './data.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The ULID time part of 2026-01-01, as in the seed framework's id. */
const SEED_TIME = '01KDVDNA00';

/** A valid, stable id for a piece of seed data. */
export function seedId(kind: IdKind, key: string): string {
  const hash = createHash('sha256').update(`pathcert-seed:${kind}:${key}`).digest();
  let random = '';
  for (let i = 0; i < 16; i++) random += ALPHABET[hash[i]! % 32];
  return `${idPrefixes[kind]}_${SEED_TIME}${random}`;
}

export const seedDistrictId = (key: string) => seedId('district', key);
export const seedSchoolId = (key: string) => seedId('school', key);
export const seedPathwayId = (key: string) => seedId('pathway', key);

export interface SeedSummary {
  created: Record<
    'districts' | 'schools' | 'pathways' | 'memberships' | 'reviewers' | 'applications' | 'invitations' | 'benefits' | 'credentials',
    number
  >;
  frameworkId: string;
  people: (SeedPerson & { sub: string })[];
  /** What the demo walks through: the applications in review (with their reviewers) and the pending invitations. */
  demo: {
    reviews: { applicationId: string; pathwayName: string; reviewers: string[] }[];
    invitations: { invitationId: string; email: string; pathwayName: string }[];
  };
}

/** Runs a create; an item that already exists (its put condition failed) counts as done. */
async function once(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelled && error.reasons.some((r) => r.code === 'ConditionalCheckFailed')) return false;
    throw error;
  }
}

const principalOf = (p: SeedPerson): Principal => ({ sub: subjectForEmail(p.email), email: p.email, name: p.name, groups: p.groups });
const actorOf = (p: SeedPerson): Actor => ({ sub: subjectForEmail(p.email), email: p.email, name: p.name });
const personByEmail = (email: string) => {
  const p = seedPeople.find((x) => x.email === email);
  if (!p) throw new Error(`seed data: no person ${email}`);
  return p;
};

export interface SeedOptions {
  /**
   * Publish each new invitation's \`InvitationCreated\`, as the API does, so its email is sent
   * at once (needs the platform's event bus: \`npm start\`'s seed). Without it the invitation
   * still carries its due notice, and the platform's daily invitation sweep sends it.
   */
  announceInvitations?: boolean;
  /**
   * Sign the verifiable credential of each seeded certification that is still valid, as a
   * decision does (needs the platform's KMS: \`npm start\`'s seed). Without it the directory
   * shows those pathways with \`credential: null\`, as for a certification issued before
   * credentials existed.
   */
  issueCredentials?: boolean;
}

export async function seedDemoData(log: (line: string) => void = () => {}, options: SeedOptions = {}): Promise<SeedSummary> {
  const created = {
    districts: 0,
    schools: 0,
    pathways: 0,
    memberships: 0,
    reviewers: 0,
    applications: 0,
    invitations: 0,
    benefits: 0,
    credentials: 0,
  };
  const demo: SeedSummary['demo'] = { reviews: [], invitations: [] };
  const staff = actorOf(seedPeople.find((p) => p.groups.includes('staff'))!);
  const at = nowIso();
  const today = at.slice(0, 10);

  const { framework } = await putPublishedFramework(seedFramework, staff);

  // The benefits catalog, once: a store whose catalog has entries (staff's own) is left alone.
  if ((await wholeCatalog()).length === 0) {
    for (const b of seedBenefits) {
      await createBenefit(b, staff);
      created.benefits++;
    }
  }

  const districts = new Map<string, District>();
  const schools = new Map<string, School>();
  for (const d of seedDistricts) {
    const district: District = {
      id: seedDistrictId(d.key),
      name: d.name,
      state: d.state,
      countyOrRegion: d.countyOrRegion,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    districts.set(d.key, district);
    if (await once(() => createDistrict(district, staff))) created.districts++;
    for (const s of d.schools) {
      const school: School = { id: seedSchoolId(s.key), districtId: district.id, name: s.name, version: 1, createdAt: at, updatedAt: at };
      schools.set(s.key, school);
      if (await once(() => createSchool(school, staff))) created.schools++;
    }
  }

  const pathways = new Map<string, Pathway>();
  for (const p of seedPathways) {
    const school = schools.get(p.school);
    const district = school && [...districts.values()].find((d) => d.id === school.districtId);
    if (!school || !district) throw new Error(`seed data: pathway ${p.key} names an unknown school ${p.school}`);
    const cert = p.certification;
    const until = cert ? addMonthsUtc(today, cert.expiresInMonths).toISOString().slice(0, 10) : null;
    const valid = cert !== undefined && until !== null && until > today;
    const pathway: Pathway = {
      id: seedPathwayId(p.key),
      districtId: district.id,
      schoolId: school.id,
      name: p.name,
      sector: p.sector,
      gradesServed: p.gradesServed,
      model: p.model,
      enrollment: p.enrollment,
      status: 'active',
      certificationLevel: valid ? cert.level : null,
      certifiedUntil: valid ? until : null,
      schoolName: school.name,
      districtName: district.name,
      state: district.state,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    pathways.set(p.key, pathway);
    // The certification the level came from (lapsed ones too: renewal rules read them): a
    // whole certification (store/certifications.ts), so the recertification sweep finds it
    // by its next due day: notices, the renewal draft and the expiry follow the dev clock
    // (README, "Time travel").
    const certification =
      cert && until
        ? seedCertification({
            id: seedId('certification', p.key),
            pathwayId: pathway.id,
            districtId: district.id,
            applicationId: seedId('application', `${p.key}-certified`),
            level: cert.level,
            issuedAt: addMonthsUtc(until, -defaultCertificationConfig.validityMonths[cert.level]).toISOString(),
            expiresOn: until,
            lapsed: !valid,
          })
        : undefined;
    const history = certification ? [putNew(certificationItem(certification))] : [];
    if (await once(() => createPathway(pathway, staff, history))) {
      created.pathways++;
      // Its credential, signed as a decision signs one (only with the platform's KMS).
      if (certification && valid && options.issueCredentials) {
        await transact((await credentialIssue(certification, pathway, framework.version)).items);
        created.credentials++;
      }
    }
  }

  const people: SeedSummary['people'] = [];
  for (const person of seedPeople) {
    const sub = subjectForEmail(person.email);
    people.push({ ...person, sub });
    await ensureProfile(principalOf(person));
    for (const m of person.memberships) {
      const membership: StoredMembership =
        m.kind === 'pathway'
          ? (() => {
              const p = pathways.get(m.pathway)!;
              return {
                kind: 'pathway',
                sub,
                pathwayId: p.id,
                districtId: p.districtId,
                schoolId: p.schoolId,
                role: m.role,
                since: at,
                email: person.email,
                name: person.name,
                version: 1,
                updatedAt: at,
              };
            })()
          : {
              kind: 'district',
              sub,
              districtId: districts.get(m.district)!.id,
              role: m.role,
              since: at,
              email: person.email,
              name: person.name,
              version: 1,
              updatedAt: at,
            };
      if (await once(() => addMembership(membership, staff))) created.memberships++;
    }
    if (person.reviewer && !(await getReviewer(sub, true))) {
      // What staff write with PUT /reviewers/{sub}; before any seat, which moves its load counter.
      const r = person.reviewer;
      const day = (days: number) => addDays(at, days).toISOString().slice(0, 10);
      await putReviewerByStaff(
        sub,
        {
          name: person.name,
          email: person.email,
          ...(r.district ? { districtId: districts.get(r.district)!.id } : {}),
          sectors: r.sectors,
          conflicts: {
            districtIds: r.conflicts.districts.map((k) => districts.get(k)!.id),
            pathwayIds: r.conflicts.pathways.map((k) => pathways.get(k)!.id),
          },
          available: true,
          unavailable: r.unavailable.map((u) => ({ from: day(u.fromDays), to: day(u.toDays) })),
          maxOpenAssignments: r.maxOpenAssignments,
          leadEligible: r.leadEligible,
          active: true,
        },
        0,
      );
      created.reviewers++;
    }
  }

  for (const i of seedInvitations) {
    const pathway = pathways.get(i.pathway)!;
    const scope = {
      kind: 'pathway' as const,
      pathwayId: pathway.id,
      pathwayName: pathway.name,
      schoolId: pathway.schoolId,
      districtId: pathway.districtId,
      districtName: pathway.districtName,
    };
    const invitation = newInvitation(scope, i.email, i.role, seedId('invitation', i.key), actorOf(personByEmail(i.by)));
    if (await once(() => createInvitation(invitation))) {
      created.invitations++;
      if (options.announceInvitations) await announceInvitation(invitation);
    }
    demo.invitations.push({ invitationId: invitation.id, email: invitation.email, pathwayName: pathway.name });
  }

  for (const a of seedApplications) {
    const pathway = pathways.get(a.pathway)!;
    const existing = await listPathwayApplications(pathway.id, {}, 1);
    let applicationId = existing.items[0]?.id;
    if (!applicationId) {
      applicationId = await seedApplication(a, pathway, framework.id, framework.version, staff);
      created.applications++;
    }
    if (a.state === 'in_review') demo.reviews.push({ applicationId, pathwayName: pathway.name, reviewers: a.reviewers ?? [] });
  }

  log(
    `Seeded demo data: ${created.districts} districts, ${created.schools} schools, ${created.pathways} pathways, ` +
      `${created.memberships} memberships, ${created.reviewers} reviewer profiles, ${created.applications} applications, ` +
      `${created.invitations} invitations, ${created.benefits} benefits, ${created.credentials} credentials (framework ${framework.id}).`,
  );
  return { created, frameworkId: framework.id, people, demo };
}

/** Opens the application and takes it to its state; returns its id. */
async function seedApplication(
  a: SeedApplication,
  pathway: Pathway,
  frameworkId: string,
  frameworkVersion: string,
  staff: Actor,
): Promise<string> {
  const lead = personByEmail(a.by);
  const actor = actorOf(lead);
  const level = a.target === 'renewal' ? pathway.certificationLevel! : a.target;
  let app: Application = await openApplication({
    pathway,
    target: a.target,
    level,
    renewal: a.target === 'renewal',
    framework: { id: frameworkId, version: frameworkVersion },
    actor,
  });
  const criteria = criteriaFor(seedFramework, level);
  const answered = a.state === 'draft' || a.state === 'withdrawn' ? (a.answered ?? 0) : criteria.length;
  for (const { criterion } of criteria.slice(0, answered)) {
    await writeResponse({
      application: app,
      criterionId: criterion.id,
      narrative: narrativeFor(pathway.name, criterion.text),
      evidence: criterion.evidence
        .filter((e) => e.required)
        .map((e) => ({ evidenceId: seedId('evidence', `${pathway.id}:${criterion.id}:${e.kind}`), kind: e.kind })),
      expectedVersion: 0,
      before: undefined,
      actor,
    });
  }
  if (a.state === 'withdrawn') {
    await withdrawApplication(app, app.version, actor, 'team_lead');
    return app.id;
  }
  if (a.state === 'draft') return app.id;
  app = await submitApplication({
    application: app,
    expectedVersion: app.version,
    actor,
    transitionActor: 'team_lead',
    framework: seedFramework,
  });
  if (a.state !== 'in_review') return app.id;
  await seatPanel(app, a.reviewers ?? [], staff);
  return app.id;
}

/**
 * Plays the review workflow's first two steps with the pipeline's own code: `prepare` (the
 * workflow's first task, called directly) opens the round and its seats, snapshots the
 * submission and moves the application into review; the seats are then filled as staff
 * seat reviewers by hand (the same `assignSeat` transaction: review, seat, assignment with
 * its due date, load counter), and the round moves to `reviewing` as the assign task does.
 * No execution runs: a submitted review is recorded and waits; staff can start the
 * workflow for the application later and it resumes from this state.
 */
async function seatPanel(app: Application, reviewerEmails: string[], staff: Actor): Promise<void> {
  const { round } = await prepare({ applicationId: app.id });
  const view = (await readRound(app.id, round))!;
  const seats = [...view.seats].sort((x, y) => x.seat - y.seat);
  // REVIEWERS_PER_LEVEL may ask for more seats than the data names: those stay vacant
  // (the round stays `assigning`, as the assign task leaves it when nobody qualifies).
  for (const [i, seat] of seats.entries()) {
    if (i >= reviewerEmails.length) break;
    const reviewer = personByEmail(reviewerEmails[i]!);
    await assignSeat({
      round: { applicationId: app.id, pathwayId: app.pathwayId, round },
      seat: seat.seat,
      expectedReviewId: null,
      reviewer: { sub: subjectForEmail(reviewer.email), name: reviewer.name },
      role: seat.role,
      assignedBy: staff.sub,
      reassignedCount: 0,
    });
  }
  if (reviewerEmails.length >= seats.length) await moveStage(app.id, round, 'seatsFilled');
}

function narrativeFor(pathwayName: string, criterionText: string): string {
  return [
    `**${pathwayName}** — ${criterionText}`,
    '',
    'Our team reviewed this criterion at the start of the year with our advisory board and counselors.',
    'The attached documents show how it works in practice this school year, and our improvement plan',
    'names what we will strengthen next (owner, timeline and the data we will watch).',
  ].join('\n');
}
