/**
 * The demo data: invented districts, schools, pathways and people. Every name is
 * fictional; none describes a real district or person. The shapes mirror the domain: a
 * large urban district with several high schools, a "wall-to-wall" district where every
 * student is in a pathway, an East-Bay-style district with small pathway schools, and
 * one district outside California.
 *
 * Certification dates are relative to the day the seed runs (months from today), so the
 * directory and the renewal window always have something to show.
 */
import type { BenefitContent } from '#store/benefits.ts';
import type { Level } from '#core/levels.ts';
import type { PathwayModel, Sector } from '#store/entities.ts';
import type { Role } from '#lib/principal.ts';

export interface SeedDistrict {
  key: string;
  name: string;
  state: string;
  countyOrRegion: string;
  schools: { key: string; name: string }[];
}

export interface SeedPathway {
  key: string;
  school: string;
  name: string;
  sector: Sector;
  model: PathwayModel;
  gradesServed: number[];
  enrollment: number;
  /** The certification the pathway holds now: level and months until it expires (negative: lapsed). */
  certification?: { level: Level; expiresInMonths: number };
}

export type SeedMembership =
  { kind: 'pathway'; pathway: string; role: 'lead' | 'member' } | { kind: 'district'; district: string; role: 'lead' | 'data' };

/** A reviewer profile as staff write it with PUT /reviewers/{sub} (keys of the data instead of ids). */
export interface SeedReviewerProfile {
  /** Home district (employer), if any: a conflict by itself. */
  district?: string;
  sectors: Sector[];
  conflicts: { districts: string[]; pathways: string[] };
  /** Absences, as days relative to the seed day. */
  unavailable: { fromDays: number; toDays: number }[];
  maxOpenAssignments: number;
  leadEligible: boolean;
}

export interface SeedPerson {
  email: string;
  name: string;
  groups: Role[];
  /** What the person is, for the printed token list. */
  title: string;
  memberships: SeedMembership[];
  reviewer?: SeedReviewerProfile;
}

/** A pending invitation, sent by a lead of the pathway; its invitee is a seed person without the membership. */
export interface SeedInvitation {
  key: string;
  pathway: string;
  email: string;
  role: 'lead' | 'member';
  by: string;
}

export interface SeedApplication {
  pathway: string;
  target: 'candidacy' | 'silver' | 'gold' | 'renewal';
  /** draft: `answered` criteria answered; the others are complete and submitted first. */
  state: 'draft' | 'submitted' | 'in_review' | 'withdrawn';
  answered?: number;
  /** Opened by (an email of a pathway lead of the pathway). */
  by: string;
  /** Reviewers seated (emails; the first takes the lead seat), for applications in review. */
  reviewers?: string[];
}

export const seedDistricts: SeedDistrict[] = [
  {
    key: 'costa-verde',
    name: 'Costa Verde Unified School District',
    state: 'CA',
    countyOrRegion: 'Costa Verde County',
    schools: [
      { key: 'costa-verde-high', name: 'Costa Verde High School' },
      { key: 'marisol-heights', name: 'Marisol Heights High School' },
      { key: 'eastgate-early-college', name: 'Eastgate Early College High School' },
      { key: 'northpoint', name: 'Northpoint High School' },
    ],
  },
  {
    key: 'alder-creek',
    name: 'Alder Creek Union High School District',
    state: 'CA',
    countyOrRegion: 'Alder Creek Valley',
    schools: [
      { key: 'alder-creek-high', name: 'Alder Creek High School' },
      { key: 'juniper-ridge', name: 'Juniper Ridge High School' },
    ],
  },
  {
    key: 'bayshore',
    name: 'Bayshore Unified School District',
    state: 'CA',
    countyOrRegion: 'Bayshore County',
    schools: [
      { key: 'bayshore-tech', name: 'Bayshore Technical High School' },
      { key: 'fruitdale', name: 'Fruitdale High School' },
      { key: 'harbor-point', name: 'Harbor Point High School' },
    ],
  },
  {
    key: 'cedar-hollow',
    name: 'Cedar Hollow Public Schools',
    state: 'MI',
    countyOrRegion: 'Cedar Hollow',
    schools: [{ key: 'cedar-hollow-high', name: 'Cedar Hollow High School' }],
  },
];

const HS = [9, 10, 11, 12];

export const seedPathways: SeedPathway[] = [
  {
    key: 'cv-health',
    school: 'costa-verde-high',
    name: 'Academy of Health and Medical Sciences',
    sector: 'health_science_medical_technology',
    model: 'school_within_a_school',
    gradesServed: HS,
    enrollment: 420,
    certification: { level: 'gold', expiresInMonths: 26 },
  },
  {
    key: 'cv-energy',
    school: 'costa-verde-high',
    name: 'Green Energy and Engineering Academy',
    sector: 'energy_environment_utilities',
    model: 'school_within_a_school',
    gradesServed: [10, 11, 12],
    enrollment: 180,
    certification: { level: 'silver', expiresInMonths: 14 },
  },
  {
    key: 'mh-law',
    school: 'marisol-heights',
    name: 'Law and Public Service Academy',
    sector: 'public_services',
    model: 'school_within_a_school',
    gradesServed: HS,
    enrollment: 260,
    certification: { level: 'candidacy', expiresInMonths: 15 },
  },
  {
    key: 'eg-cyber',
    school: 'eastgate-early-college',
    name: 'Information Technology and Cybersecurity Academy',
    sector: 'information_communication_technologies',
    model: 'wall_to_wall_academy',
    gradesServed: HS,
    enrollment: 390,
    certification: { level: 'silver', expiresInMonths: 4 },
  },
  {
    key: 'np-hospitality',
    school: 'northpoint',
    name: 'Hospitality and Culinary Arts Pathway',
    sector: 'hospitality_tourism_recreation',
    model: 'comprehensive_high_school_option',
    gradesServed: [10, 11, 12],
    enrollment: 95,
  },
  {
    key: 'ac-agri',
    school: 'alder-creek-high',
    name: 'Agriscience and Natural Resources Academy',
    sector: 'agriculture_natural_resources',
    model: 'wall_to_wall_academy',
    gradesServed: HS,
    enrollment: 510,
    certification: { level: 'gold', expiresInMonths: 31 },
  },
  {
    key: 'ac-build',
    school: 'alder-creek-high',
    name: 'Building and Construction Trades Academy',
    sector: 'building_construction_trades',
    model: 'wall_to_wall_academy',
    gradesServed: HS,
    enrollment: 470,
    certification: { level: 'silver', expiresInMonths: 19 },
  },
  {
    key: 'jr-arts',
    school: 'juniper-ridge',
    name: 'Arts, Media and Entertainment Academy',
    sector: 'arts_media_entertainment',
    model: 'wall_to_wall_academy',
    gradesServed: HS,
    enrollment: 340,
  },
  {
    key: 'bt-engineering',
    school: 'bayshore-tech',
    name: 'Engineering and Architecture Academy',
    sector: 'engineering_architecture',
    model: 'school_within_a_school',
    gradesServed: HS,
    enrollment: 300,
    certification: { level: 'gold', expiresInMonths: 8 },
  },
  {
    key: 'bt-cs',
    school: 'bayshore-tech',
    name: 'Computer Science and Game Design Pathway',
    sector: 'information_communication_technologies',
    model: 'school_within_a_school',
    gradesServed: [10, 11, 12],
    enrollment: 150,
    certification: { level: 'candidacy', expiresInMonths: 9 },
  },
  {
    key: 'fd-education',
    school: 'fruitdale',
    name: 'Education and Child Development Academy',
    sector: 'education_child_development_family_services',
    model: 'school_within_a_school',
    gradesServed: HS,
    enrollment: 210,
    certification: { level: 'silver', expiresInMonths: -2 },
  },
  {
    key: 'hp-maritime',
    school: 'harbor-point',
    name: 'Maritime and Transportation Academy',
    sector: 'transportation',
    model: 'comprehensive_high_school_option',
    gradesServed: [11, 12],
    enrollment: 70,
  },
  {
    key: 'ch-finance',
    school: 'cedar-hollow-high',
    name: 'Business and Finance Academy',
    sector: 'business_finance',
    model: 'comprehensive_high_school_option',
    gradesServed: HS,
    enrollment: 160,
    certification: { level: 'silver', expiresInMonths: 20 },
  },
];

export const seedPeople: SeedPerson[] = [
  { email: 'maya.okafor@alliance.example.org', name: 'Maya Okafor', groups: ['staff'], title: 'certification staff', memberships: [] },
  { email: 'daniel.reyes@alliance.example.org', name: 'Daniel Reyes', groups: ['staff'], title: 'certification staff', memberships: [] },
  {
    email: 'priya.natarajan@reviewers.example.org',
    name: 'Priya Natarajan',
    groups: ['reviewer'],
    title: 'reviewer, lead of the Bayshore CS review (open it, score, submit)',
    memberships: [],
    reviewer: {
      sectors: ['information_communication_technologies', 'engineering_architecture'],
      conflicts: { districts: [], pathways: [] },
      unavailable: [],
      maxOpenAssignments: 3,
      leadEligible: true,
    },
  },
  {
    email: 'tom.whitfield@reviewers.example.org',
    name: 'Tom Whitfield',
    groups: ['reviewer'],
    title: 'reviewer, co-reviewer of the Bayshore CS review',
    memberships: [],
    reviewer: {
      district: 'alder-creek',
      sectors: ['information_communication_technologies', 'business_finance'],
      conflicts: { districts: [], pathways: [] },
      unavailable: [{ fromDays: 30, toDays: 44 }],
      maxOpenAssignments: 2,
      leadEligible: false,
    },
  },
  {
    email: 'imani.okoye@reviewers.example.org',
    name: 'Imani Okoye',
    groups: ['reviewer'],
    title: 'reviewer in the pool (no assignment yet)',
    memberships: [],
    reviewer: {
      sectors: ['health_science_medical_technology', 'public_services'],
      conflicts: { districts: ['costa-verde'], pathways: [] },
      unavailable: [],
      maxOpenAssignments: 3,
      leadEligible: true,
    },
  },
  {
    email: 'angela.ruiz@costaverde.example.org',
    name: 'Angela Ruiz',
    groups: ['district'],
    title: 'district lead, Costa Verde',
    memberships: [{ kind: 'district', district: 'costa-verde', role: 'lead' }],
  },
  {
    email: 'kevin.cho@costaverde.example.org',
    name: 'Kevin Cho',
    groups: ['district'],
    title: 'district data contact, Costa Verde',
    memberships: [{ kind: 'district', district: 'costa-verde', role: 'data' }],
  },
  {
    email: 'samuel.ortega@aldercreek.example.org',
    name: 'Samuel Ortega',
    groups: ['district'],
    title: 'district lead, Alder Creek',
    memberships: [{ kind: 'district', district: 'alder-creek', role: 'lead' }],
  },
  {
    email: 'leticia.grant@bayshore.example.org',
    name: 'Leticia Grant',
    groups: ['district'],
    title: 'district lead, Bayshore',
    memberships: [{ kind: 'district', district: 'bayshore', role: 'lead' }],
  },
  {
    email: 'erin.walsh@cedarhollow.example.org',
    name: 'Erin Walsh',
    groups: ['district'],
    title: 'district lead, Cedar Hollow',
    memberships: [{ kind: 'district', district: 'cedar-hollow', role: 'lead' }],
  },
  {
    email: 'lauren.price@costaverde.example.org',
    name: 'Lauren Price',
    groups: ['pathway'],
    title: 'pathway lead, Health and Medical Sciences',
    memberships: [{ kind: 'pathway', pathway: 'cv-health', role: 'lead' }],
  },
  {
    email: 'noah.kim@costaverde.example.org',
    name: 'Noah Kim',
    groups: ['pathway'],
    title: 'pathway member, Health and Medical Sciences',
    memberships: [{ kind: 'pathway', pathway: 'cv-health', role: 'member' }],
  },
  {
    email: 'rosa.delgado@costaverde.example.org',
    name: 'Rosa Delgado',
    groups: ['pathway'],
    title: 'pathway lead, Law and Public Service',
    memberships: [{ kind: 'pathway', pathway: 'mh-law', role: 'lead' }],
  },
  {
    email: 'marcus.bell@costaverde.example.org',
    name: 'Marcus Bell',
    groups: ['pathway'],
    title: 'pathway lead, IT and Cybersecurity',
    memberships: [
      { kind: 'pathway', pathway: 'eg-cyber', role: 'lead' },
      { kind: 'pathway', pathway: 'cv-energy', role: 'lead' },
    ],
  },
  {
    email: 'hannah.brooks@costaverde.example.org',
    name: 'Hannah Brooks',
    groups: ['pathway'],
    title: 'pathway lead, Hospitality and Culinary Arts',
    memberships: [{ kind: 'pathway', pathway: 'np-hospitality', role: 'lead' }],
  },
  {
    email: 'diego.alvarez@aldercreek.example.org',
    name: 'Diego Alvarez',
    groups: ['pathway'],
    title: 'pathway lead, Agriscience; lead, Construction Trades',
    memberships: [
      { kind: 'pathway', pathway: 'ac-agri', role: 'lead' },
      { kind: 'pathway', pathway: 'ac-build', role: 'lead' },
    ],
  },
  {
    email: 'grace.lin@aldercreek.example.org',
    name: 'Grace Lin',
    groups: ['pathway'],
    title: 'pathway lead, Arts, Media and Entertainment',
    memberships: [{ kind: 'pathway', pathway: 'jr-arts', role: 'lead' }],
  },
  {
    email: 'jenna.liu@bayshore.example.org',
    name: 'Jenna Liu',
    groups: ['pathway'],
    title: 'pathway lead, Engineering and Architecture',
    memberships: [{ kind: 'pathway', pathway: 'bt-engineering', role: 'lead' }],
  },
  {
    email: 'ava.thompson@bayshore.example.org',
    name: 'Ava Thompson',
    groups: ['pathway'],
    title: 'pathway lead, Computer Science; member, Engineering',
    memberships: [
      { kind: 'pathway', pathway: 'bt-cs', role: 'lead' },
      { kind: 'pathway', pathway: 'bt-engineering', role: 'member' },
    ],
  },
  {
    email: 'omar.haddad@bayshore.example.org',
    name: 'Omar Haddad',
    groups: ['pathway'],
    title: 'pathway lead, Education; lead, Maritime',
    memberships: [
      { kind: 'pathway', pathway: 'fd-education', role: 'lead' },
      { kind: 'pathway', pathway: 'hp-maritime', role: 'lead' },
    ],
  },
  {
    email: 'beth.novak@cedarhollow.example.org',
    name: 'Beth Novak',
    groups: ['pathway'],
    title: 'pathway lead, Business and Finance',
    memberships: [{ kind: 'pathway', pathway: 'ch-finance', role: 'lead' }],
  },
  {
    email: 'sofia.marquez@bayshore.example.org',
    name: 'Sofia Marquez',
    groups: ['pathway'],
    title: 'invited to the Maritime team (list and accept her invitation)',
    memberships: [],
  },
];

export const seedInvitations: SeedInvitation[] = [
  {
    key: 'hp-maritime-sofia',
    pathway: 'hp-maritime',
    email: 'sofia.marquez@bayshore.example.org',
    role: 'member',
    by: 'omar.haddad@bayshore.example.org',
  },
];

export const seedApplications: SeedApplication[] = [
  { pathway: 'mh-law', target: 'silver', state: 'draft', answered: 6, by: 'rosa.delgado@costaverde.example.org' },
  { pathway: 'eg-cyber', target: 'renewal', state: 'draft', answered: 2, by: 'marcus.bell@costaverde.example.org' },
  { pathway: 'np-hospitality', target: 'candidacy', state: 'submitted', by: 'hannah.brooks@costaverde.example.org' },
  {
    pathway: 'bt-cs',
    target: 'silver',
    state: 'in_review',
    by: 'ava.thompson@bayshore.example.org',
    reviewers: ['priya.natarajan@reviewers.example.org', 'tom.whitfield@reviewers.example.org'],
  },
  { pathway: 'hp-maritime', target: 'candidacy', state: 'withdrawn', answered: 1, by: 'omar.haddad@bayshore.example.org' },
  { pathway: 'jr-arts', target: 'candidacy', state: 'draft', answered: 0, by: 'grace.lin@aldercreek.example.org' },
];

/**
 * The network benefits catalog of the demo (docs/benefits.md): what each level unlocks. The
 * titles are illustrative; a network writes its own with POST /benefits.
 */
export const seedBenefits: BenefitContent[] = [
  {
    title: 'Pathway coaching',
    description: 'A Linked Learning coach visits the pathway team each term to work on its improvement plan.',
    kind: 'coaching',
    minLevel: 'candidacy',
    active: true,
  },
  {
    title: 'Network convenings',
    description: "Seats for the pathway team at the network's practitioner convenings.",
    kind: 'convening',
    minLevel: 'silver',
    active: true,
  },
  {
    title: 'Certification mark',
    description: "Use of the certification mark for the pathway's level on its website and materials.",
    kind: 'certification_mark',
    minLevel: 'silver',
    active: true,
  },
  {
    title: 'Student scholarship nominations',
    description: "Nominate graduating students of the pathway for the network's college and career scholarships.",
    kind: 'scholarship',
    minLevel: 'silver',
    capacity: { perPathway: 5, period: 'year' },
    active: true,
  },
  {
    title: 'Innovation grant',
    description: 'Apply for a one-time grant that funds a new work-based learning partnership.',
    kind: 'grant',
    minLevel: 'gold',
    capacity: { perPathway: 1, period: 'total' },
    active: true,
  },
];
