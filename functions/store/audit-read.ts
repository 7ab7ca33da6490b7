/**
 * Reading the audit trail: one scope's events in time order (pattern 22). Writing is in
 * audit.ts, always inside the transaction of the change it records.
 */
import type { AuditEvent, AuditScope } from './audit.ts';
import { getItem, queryPage, stripKeys, type Page } from './db.ts';
import * as keys from './keys.ts';

export type AuditView = AuditEvent & { scope: AuditScope };

export async function listAudit(
  scope: AuditScope,
  options: { limit?: number; cursor?: string; newestFirst?: boolean } = {},
): Promise<Page<AuditView>> {
  const page = await queryPage({
    partition: { value: keys.auditPartition(scope) },
    limit: options.limit,
    cursor: options.cursor,
    ascending: !options.newestFirst,
  });
  return { items: page.items.map((i) => stripKeys(i) as unknown as AuditView), nextCursor: page.nextCursor };
}

/**
 * A framework's status, to authorize reading its trail: one GetItem of the framework item,
 * read here so the audit function does not bundle the framework store and its schemas.
 */
export async function frameworkStatus(frameworkId: string): Promise<'published' | 'draft' | undefined> {
  const f = await getItem<{ status?: string }>(keys.framework(frameworkId));
  if (!f) return undefined;
  return f.status === 'published' ? 'published' : 'draft';
}
