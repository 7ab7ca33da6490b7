/**
 * Reading application headers by id (pattern 17), apart from the application writes and
 * their submission rules: a function that only reads applications (the conflict checks of
 * people and reviewers, the pipeline's tasks) does not load the framework schemas with them.
 */
import type { ApplicationStatus } from '#core/application-status.ts';
import type { ApplicationTarget, Level } from '#core/levels.ts';
import type { ReviewFailure } from '#core/review/execution-status.ts';
import type { AuditEvent } from './audit.ts';
import { getItem, stripKeys, type Item } from './db.ts';
import * as keys from './keys.ts';
import { batchGet } from './registry.ts';

/** An application's header item. */
export interface Application {
  id: string;
  pathwayId: string;
  districtId: string;
  schoolId: string;
  pathwayName: string;
  target: ApplicationTarget;
  /** The level assessed: the target, or for renewal the level being renewed. */
  level: Level;
  renewal: boolean;
  /** The pinned framework version: every response is judged against it, whatever is published later. */
  frameworkId: string;
  frameworkVersion: string;
  status: ApplicationStatus;
  version: number;
  /** 0 until the first submission; counts resubmissions after revise and resubmit. */
  submissionNumber: number;
  createdAt: string;
  updatedAt: string;
  statusChangedAt: string;
  /** The time the application entered its current queue (GSI3 sort key): creation, submission, withdrawal. */
  queuedAt: string;
  submittedAt?: string;
  withdrawnAt?: string;
  createdBy: AuditEvent['actor'];
  /** The last review execution's recorded failure, until a new execution clears it (pipeline/record-failure.ts). */
  reviewFailure?: ReviewFailure;
}

export const asApplication = (item: Item) => stripKeys(item) as unknown as Application;

export async function getApplication(id: string, consistent = false): Promise<Application | undefined> {
  const item = await getItem(keys.application(id), consistent);
  return item ? asApplication(item) : undefined;
}

/** Applications by id in one BatchGet (per 100), keyed by id; missing ones are absent. */
export async function getApplications(ids: readonly string[], consistent = false): Promise<Map<string, Application>> {
  const items = await batchGet(
    ids.map((id) => keys.application(id)),
    consistent,
  );
  return new Map(items.map((i) => [String(i.id), asApplication(i)]));
}
