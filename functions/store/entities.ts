/**
 * Stored shapes of the registry and people entities, shared by every repository and
 * handler. API answers are these minus the storage attributes (see db.ts stripKeys).
 */
import type { Level } from '#core/levels.ts';
import type { PathwayModel, PathwayStatus, Sector } from '#core/pathway-vocabulary.ts';

// The vocabulary lives in core; re-exported so the store's modules keep one place to import from.
export { sectors, pathwayModels, pathwayStatuses } from '#core/pathway-vocabulary.ts';
export type { Sector, PathwayModel, PathwayStatus } from '#core/pathway-vocabulary.ts';

interface Versioned {
  /** Optimistic concurrency: bumped on every write; updates must name the version they edited. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface District extends Versioned {
  id: string;
  name: string;
  /** Two-letter US state code. */
  state: string;
  countyOrRegion?: string;
}

export interface School extends Versioned {
  id: string;
  districtId: string;
  name: string;
}

export interface Pathway extends Versioned {
  id: string;
  districtId: string;
  schoolId: string;
  name: string;
  sector: Sector;
  /** e.g. [9, 10, 11, 12] */
  gradesServed: number[];
  model: PathwayModel;
  enrollment: number;
  status: PathwayStatus;
  /** The highest level currently valid, or null; kept in step by the pipeline and the sweep. */
  certificationLevel: Level | null;
  /** ISO date (YYYY-MM-DD) the current level is valid until. */
  certifiedUntil: string | null;
  /** Denormalized for the directory and filters. */
  schoolName: string;
  districtName: string;
  state: string;
}

export interface Person {
  sub: string;
  email?: string;
  name?: string;
  createdAt: string;
}

export type PathwayRole = 'lead' | 'member';
export type DistrictRole = 'lead' | 'data';

export type Membership =
  | {
      kind: 'pathway';
      sub: string;
      pathwayId: string;
      districtId: string;
      schoolId: string;
      role: PathwayRole;
      since: string;
      email?: string;
      name?: string;
    }
  | { kind: 'district'; sub: string; districtId: string; role: DistrictRole; since: string; email?: string; name?: string };

/** A reviewer's assignment to an application; `active` is false once recused, reassigned or done. */
export interface Assignment {
  sub: string;
  applicationId: string;
  pathwayId: string;
  active: boolean;
  role: 'lead' | 'reviewer';
  assignedAt: string;
  dueAt?: string;
}
