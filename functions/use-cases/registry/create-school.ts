import { newId } from '#core/ids.ts';
import { nowIso } from '#lib/clock.ts';
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import type { School } from '#store/entities.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import * as registry from '#store/registry.ts';
import { authorize } from '../access.ts';
import { districtTarget } from '../targets.ts';
import type { Deferred } from '../deferred.ts';
import type { RenderCreated } from './answers.ts';
import { districtWithAccess } from './records.ts';

/** A school of the district (once per Idempotency-Key). */
export async function createSchool(
  principal: Principal,
  districtId: string,
  input: { name: string },
  idempotency: Deferred<IdempotencyContext>,
  render: RenderCreated<School>,
): Promise<RecordedAnswer> {
  const [d, access] = await districtWithAccess(principal, districtId);
  authorize(access, 'school.create', districtTarget(d), 'district');
  return idempotent(idempotency(), async (record) => {
    const at = nowIso();
    const s: School = { id: newId('school'), districtId: d.id, name: input.name, version: 1, createdAt: at, updatedAt: at };
    const answer = render(s);
    await registry.createSchool(s, actorOf(principal), record(answer));
    return answer;
  });
}
