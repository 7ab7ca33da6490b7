/**
 * Staff keep the catalog: create an entry (idempotent with an Idempotency-Key) and replace
 * one's content at the revision they read (412 otherwise).
 */
import { NotFoundError } from '#core/errors.ts';
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import {
  createBenefit as storeNew,
  getBenefit,
  replaceBenefit as storeReplace,
  type Benefit,
  type BenefitContent,
} from '#store/benefits.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import { authorize, loadAccess } from '../access.ts';
import type { Deferred } from '../deferred.ts';
import { NETWORK } from './load.ts';

/** `answer` renders the new entry; a retry with the same key replays that rendering. */
export async function createBenefit(
  principal: Principal,
  content: BenefitContent,
  idempotency: Deferred<IdempotencyContext>,
  answer: (created: Benefit) => RecordedAnswer,
): Promise<RecordedAnswer> {
  authorize(await loadAccess(principal), 'benefit.manage', NETWORK);
  return idempotent(idempotency(), async (record) => {
    let first: RecordedAnswer | undefined;
    const b = await storeNew(content, actorOf(principal), (created) => {
      first = answer(created);
      return record(first);
    });
    return first ?? answer(b);
  });
}

export async function replaceBenefit(
  principal: Principal,
  id: string,
  content: BenefitContent,
  expectedRevision: Deferred<number>,
): Promise<Benefit> {
  authorize(await loadAccess(principal), 'benefit.manage', NETWORK);
  const before = await getBenefit(id, true);
  if (!before) throw new NotFoundError('benefit');
  return storeReplace(before, content, expectedRevision(), actorOf(principal));
}
