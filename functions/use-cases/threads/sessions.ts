/** Virtual review sessions of an application: listed on its thread, scheduled by staff. */
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import type { Principal } from '#lib/principal.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import { createSession, listSessions as listStoredSessions, newSession, notify, type ReviewSession } from '#store/messages.ts';
import type { Deferred } from '../deferred.ts';
import { threadParticipants } from './participants.ts';
import { loadThread } from './thread-access.ts';

export async function listSessions(principal: Principal, applicationId: string): Promise<ReviewSession[]> {
  const { application } = await loadThread(principal, applicationId, 'application.thread.read');
  return listStoredSessions(application.id);
}

export type SessionInput = Pick<ReviewSession, 'startsAt' | 'durationMinutes' | 'meetingUrl' | 'agenda' | 'participants'> & {
  applicationId: string;
};

/**
 * Schedules the session once per Idempotency-Key (`idempotency` is read after authorization)
 * and tells everyone on the thread; `answer` renders it, recorded with it for retries.
 */
export async function scheduleSession(
  principal: Principal,
  input: SessionInput,
  idempotency: Deferred<IdempotencyContext>,
  answer: (session: ReviewSession) => RecordedAnswer,
): Promise<RecordedAnswer> {
  const { application } = await loadThread(principal, input.applicationId, 'application.assign');
  return idempotent(idempotency(), async (record) => {
    const session = newSession({
      applicationId: application.id,
      startsAt: input.startsAt,
      durationMinutes: input.durationMinutes,
      meetingUrl: input.meetingUrl,
      ...(input.agenda ? { agenda: input.agenda } : {}),
      ...(input.participants ? { participants: input.participants } : {}),
      createdBy: { sub: principal.sub, ...(principal.name ? { name: principal.name } : {}) },
    });
    const result = answer(session);
    await createSession(session, record(result));
    await notify(await threadParticipants(application), {
      kind: 'session.scheduled',
      title: `Virtual review session for ${application.pathwayName}`,
      body: `${session.startsAt} (${session.durationMinutes} minutes)`,
      applicationId: application.id,
      link: `/applications/${application.id}/sessions`,
    });
    return result;
  });
}
