/** Staff start a new framework version as a draft (idempotent with an Idempotency-Key). */
import type { FrameworkContent } from '#core/framework.ts';
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import { createDraft, type StoredFramework } from '#store/frameworks.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import { authorize, loadAccess } from '../access.ts';
import type { Deferred } from '../deferred.ts';

/**
 * `answer` renders the created draft; that rendering is stored with the draft as the
 * answer a retry with the same key replays.
 */
export async function createFramework(
  principal: Principal,
  content: FrameworkContent,
  idempotency: Deferred<IdempotencyContext>,
  answer: (created: StoredFramework) => RecordedAnswer,
): Promise<RecordedAnswer> {
  authorize(await loadAccess(principal), 'framework.create', { kind: 'network' });
  return idempotent(idempotency(), async (record) => {
    let first: RecordedAnswer | undefined;
    const f = await createDraft(content, actorOf(principal), (created) => {
      first = answer(created);
      return record(first);
    });
    return first ?? answer(f);
  });
}
