/**
 * The renewal draft the recertification sweep opens when a certification's renewal window
 * starts: an application (target `renewal`, the certification's level, the newest published
 * framework) in `draft`, with the pathway's open-application guard, written in the same
 * transaction as the sweep's record on the certification (functions/recertification/).
 *
 * Decisions:
 * - The id is derived from the certification's (`app_<ulid of cert_…>`): a second sweep, or
 *   a retried one, can only ever name the same application, and the record's condition
 *   (renewalOpened = false) refuses it anyway.
 * - The guard is taken with the usual `attribute_not_exists` condition: when the team
 *   already has an application open (they started the renewal themselves), the sweep records
 *   the window as opened and tells the team, without a second draft.
 */
import type { Level } from '../core/levels.ts';
import { applicationItem, type Actor, type Application } from './applications.ts';
import { auditItem } from './audit.ts';
import { putNew, type TransactItem } from './db.ts';
import type { Pathway } from './entities.ts';
import { keys } from './keys.ts';

/** The one application id a certification's renewal draft can have. */
export function renewalApplicationId(certificationId: string): string {
  const ulid = certificationId.slice(certificationId.indexOf('_') + 1);
  return `app_${ulid}`;
}

export interface RenewalDraftInput {
  certificationId: string;
  level: Level;
  pathway: Pick<Pathway, 'id' | 'districtId' | 'schoolId' | 'name'>;
  framework: { id: string; version: string };
  at: string;
  actor: Actor;
}

/** The draft and the items creating it (application, guard, audit); the caller adds its record. */
export function renewalDraft(input: RenewalDraftInput): { application: Application; items: TransactItem[] } {
  const at = input.at;
  const application: Application = {
    id: renewalApplicationId(input.certificationId),
    pathwayId: input.pathway.id,
    districtId: input.pathway.districtId,
    schoolId: input.pathway.schoolId,
    pathwayName: input.pathway.name,
    target: 'renewal',
    level: input.level,
    renewal: true,
    frameworkId: input.framework.id,
    frameworkVersion: input.framework.version,
    status: 'draft',
    version: 1,
    submissionNumber: 0,
    createdAt: at,
    updatedAt: at,
    statusChangedAt: at,
    queuedAt: at,
    createdBy: input.actor,
  };
  const items: TransactItem[] = [
    putNew(applicationItem(application)),
    putNew({ ...keys.openApplication(application.pathwayId), _type: 'open_application', pathwayId: application.pathwayId, applicationId: application.id, since: at }),
    auditItem({ kind: 'pathway', id: application.pathwayId }, {
      at,
      actor: input.actor,
      action: 'application.opened',
      entity: { kind: 'application', id: application.id },
      changes: [
        { field: 'status', to: 'draft' },
        { field: 'target', to: 'renewal' },
        { field: 'frameworkId', to: application.frameworkId },
        { field: 'renewalOf', to: input.certificationId },
      ],
    }),
  ];
  return { application, items };
}
