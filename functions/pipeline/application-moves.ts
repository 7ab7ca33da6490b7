/**
 * Status moves the pipeline makes on the application header, checked against the core
 * transition table and written conditionally (the header's version and current status),
 * with their audit event. A move that already happened is not an error: tasks repeat.
 */
import type { ApplicationStatus, TransitionActor } from '#core/application-status.ts';
import { checkTransition } from '#core/application-status.ts';
import { nowIso } from '#lib/clock.ts';
import { auditItem, type AuditEvent } from '#store/audit.ts';
import { statusUpdate } from '#store/applications.ts';
import type { Application } from '#store/application-reads.ts';
import type { TransactItem } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { PipelineError } from './errors.ts';

export const systemActor: AuditEvent['actor'] = { sub: 'system', name: 'Review pipeline' };

/** The items of a status move (plus its audit event); throws for a move the rules forbid. */
export function moveItems(
  app: Application,
  to: ApplicationStatus,
  actor: TransitionActor,
  by: AuditEvent['actor'],
  action: string,
  set: Record<string, unknown> = {},
): TransactItem[] {
  const check = checkTransition(app.status, to, actor);
  if (!check.ok) throw new PipelineError('InvalidTransition', check.message);
  const at = nowIso();
  const indexes = keys.applicationIndexes({ ...app, status: to, queuedAt: at });
  return [
    statusUpdate(keys.application(app.id), app.version, app.status, {
      status: to,
      updatedAt: at,
      statusChangedAt: at,
      queuedAt: at,
      GSI3PK: indexes.GSI3PK,
      GSI3SK: indexes.GSI3SK,
      ...set,
    }),
    auditItem(
      { kind: 'pathway', id: app.pathwayId },
      {
        at,
        actor: by,
        action,
        entity: { kind: 'application', id: app.id },
        changes: [{ field: 'status', from: app.status, to }],
      },
    ),
  ];
}
