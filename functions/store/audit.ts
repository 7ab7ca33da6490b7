/**
 * The audit trail: who changed what, when. Each change writes its audit event in the
 * same transaction as the change itself, so the trail can never miss or invent one.
 */
import { newId } from '#core/ids.ts';
import type { Actor } from '#lib/principal.ts';
import { put, type TransactItem } from './db.ts';
import * as keys from './keys.ts';

export type AuditScope = { kind: 'pathway' | 'district' | 'school' | 'framework' | 'benefit'; id: string };

export interface FieldChange {
  field: string;
  from?: unknown;
  to?: unknown;
}

export interface AuditEvent {
  id: string;
  at: string;
  actor: Actor;
  /** e.g. `pathway.updated`, `membership.invited`, `application.submitted`. */
  action: string;
  entity: { kind: string; id: string };
  changes: FieldChange[];
}

/** Field-by-field differences between two versions of an entity, for the listed fields. */
export function diff(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  fields: readonly string[],
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of fields) {
    const from = before?.[field];
    const to = after[field];
    if (JSON.stringify(from) !== JSON.stringify(to)) out.push({ field, from, to });
  }
  return out;
}

export function auditItem(scope: AuditScope, event: Omit<AuditEvent, 'id'>): TransactItem {
  const id = newId('audit', Date.parse(event.at));
  return put({ ...keys.auditEvent(scope, event.at, id), _type: 'audit', ...event, id, scope });
}
