/**
 * Staff edit a draft framework version and publish it. A published version never changes
 * again (409); a stale revision is 412 (store/frameworks.ts).
 */
import { ConflictError } from '#core/errors.ts';
import type { FrameworkContent } from '#core/framework.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import { publishDraft, replaceDraft, type StoredFramework } from '#store/frameworks.ts';
import type { Deferred } from '../deferred.ts';
import { loadFramework } from './load-framework.ts';

export async function replaceFramework(
  principal: Principal,
  id: string,
  content: FrameworkContent,
  expectedRevision: Deferred<number>,
): Promise<StoredFramework> {
  const before = await loadFramework(principal, id, 'framework.manage', true);
  if (before.status === 'published') {
    throw new ConflictError(`Framework ${before.version} is published and can no longer change; create a new version instead.`, {
      status: before.status,
    });
  }
  return replaceDraft(before, content, expectedRevision(), actorOf(principal));
}

export async function publishFramework(principal: Principal, id: string, expectedRevision: Deferred<number>): Promise<StoredFramework> {
  const before = await loadFramework(principal, id, 'framework.manage', true);
  if (before.status === 'published')
    throw new ConflictError(`Framework ${before.version} is already published.`, { status: before.status });
  return publishDraft(before, expectedRevision(), actorOf(principal));
}
