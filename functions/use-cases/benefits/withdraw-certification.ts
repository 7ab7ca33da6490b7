/**
 * Staff withdraw a pathway's certification (recertification/withdrawal.ts builds the one
 * transaction and publishes CertificationWithdrawn and BenefitsChanged). Idempotent with an
 * Idempotency-Key: the rendered answer is stored in that same transaction.
 */
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import { withdrawCertification as withdraw, type WithdrawalResult } from '#recertification/withdrawal.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import type { Deferred } from '../deferred.ts';
import { pathwayFor } from '../targets.ts';

export type { WithdrawalResult };

export async function withdrawCertification(
  principal: Principal,
  input: { pathwayId: string; certificationId: string; reason: string },
  idempotency: Deferred<IdempotencyContext>,
  answer: (result: WithdrawalResult) => RecordedAnswer,
): Promise<RecordedAnswer> {
  const { pathway } = await pathwayFor(principal, input.pathwayId, 'certification.withdraw', true);
  return idempotent(idempotency(), async (record) => {
    const w = await withdraw({
      pathwayId: pathway.id,
      certificationId: input.certificationId,
      reason: input.reason,
      actor: actorOf(principal),
      extra: (result) => record(answer(result)),
    });
    return answer(w);
  });
}
