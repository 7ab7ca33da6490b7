import { newId } from '#core/ids.ts';
import type { PathwayModel, PathwayStatus, Sector } from '#core/pathway-vocabulary.ts';
import { nowIso } from '#lib/clock.ts';
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import type { Pathway } from '#store/entities.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import * as registry from '#store/registry.ts';
import { authorize } from '../access.ts';
import { schoolTarget } from '../targets.ts';
import type { Deferred } from '../deferred.ts';
import type { RenderCreated } from './answers.ts';
import { readDistrict, schoolWithAccess } from './records.ts';

export interface NewPathway {
  name: string;
  sector: Sector;
  gradesServed: readonly number[];
  model: PathwayModel;
  enrollment: number;
  status?: PathwayStatus;
}

/**
 * A pathway of the school (once per Idempotency-Key), uncertified, carrying its school's
 * and district's names for the directory and filters.
 */
export async function createPathway(
  principal: Principal,
  schoolId: string,
  input: NewPathway,
  idempotency: Deferred<IdempotencyContext>,
  render: RenderCreated<Pathway>,
): Promise<RecordedAnswer> {
  const [s, access] = await schoolWithAccess(principal, schoolId);
  authorize(access, 'pathway.create', schoolTarget(s), 'school');
  const d = await readDistrict(s.districtId);
  return idempotent(idempotency(), async (record) => {
    const at = nowIso();
    const p: Pathway = {
      id: newId('pathway'),
      districtId: d.id,
      schoolId: s.id,
      name: input.name,
      sector: input.sector,
      gradesServed: [...input.gradesServed].sort((a, b) => a - b),
      model: input.model,
      enrollment: input.enrollment,
      status: input.status ?? 'active',
      certificationLevel: null,
      certifiedUntil: null,
      schoolName: s.name,
      districtName: d.name,
      state: d.state,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    const answer = render(p);
    await registry.createPathway(p, actorOf(principal), record(answer));
    return answer;
  });
}
