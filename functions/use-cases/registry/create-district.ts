import { newId } from '#core/ids.ts';
import { nowIso } from '#lib/clock.ts';
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import type { District } from '#store/entities.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import * as registry from '#store/registry.ts';
import { authorize, loadAccess } from '../access.ts';
import type { Deferred } from '../deferred.ts';
import type { RenderCreated } from './answers.ts';

export interface NewDistrict {
  name: string;
  state: string;
  countyOrRegion?: string;
}

/** Staff register a district (once per Idempotency-Key). */
export async function createDistrict(
  principal: Principal,
  input: NewDistrict,
  idempotency: Deferred<IdempotencyContext>,
  render: RenderCreated<District>,
): Promise<RecordedAnswer> {
  authorize(await loadAccess(principal), 'district.create', { kind: 'network' });
  return idempotent(idempotency(), async (record) => {
    const at = nowIso();
    const d: District = {
      id: newId('district'),
      name: input.name,
      state: input.state,
      ...(input.countyOrRegion ? { countyOrRegion: input.countyOrRegion } : {}),
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    const answer = render(d);
    await registry.createDistrict(d, actorOf(principal), record(answer));
    return answer;
  });
}
