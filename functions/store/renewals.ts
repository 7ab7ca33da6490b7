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
import { idPrefixes } from '#core/ids.ts';
import type { Level } from '#core/levels.ts';
import { draftItems, type Actor } from './applications.ts';
import type { Application } from './application-reads.ts';
import type { TransactItem } from './db.ts';
import type { Pathway } from './entities.ts';

/** The one application id a certification's renewal draft can have. */
export function renewalApplicationId(certificationId: string): string {
  const ulid = certificationId.slice(certificationId.indexOf('_') + 1);
  return `${idPrefixes.application}_${ulid}`;
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
  return draftItems({
    id: renewalApplicationId(input.certificationId),
    pathway: input.pathway,
    target: 'renewal',
    level: input.level,
    renewal: true,
    framework: input.framework,
    at: input.at,
    actor: input.actor,
    extraChanges: [{ field: 'renewalOf', to: input.certificationId }],
  });
}
