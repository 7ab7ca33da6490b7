/**
 * The application's message thread: reading it (reviewers shown to the team by role unless
 * names are revealed) and posting to it (in-app notices to everyone on the thread, and a
 * MessagePosted event the notifier batches into emails).
 */
import { publish } from '#events/publish.ts';
import type { AccessContext } from '#core/access.ts';
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { logger } from '#lib/logger.ts';
import type { Principal } from '#lib/principal.ts';
import type { Application } from '#store/application-reads.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import {
  getThreadSettings,
  listMessages as listStoredMessages,
  markMessageAnnounced,
  messageView,
  newMessage,
  notify,
  notifyStaff,
  postMessage as storeMessage,
  type Message,
  type MessageAuthor,
} from '#store/messages.ts';
import { readRound, seatHolder } from '#store/reviews.ts';
import type { Deferred } from '../deferred.ts';
import { threadParticipants } from './participants.ts';
import { loadThread, roleOf } from './thread-access.ts';

/** A message as one viewer sees it. */
export type MessageView = ReturnType<typeof messageView>;

export async function listMessages(principal: Principal, applicationId: string, page: { limit?: number; cursor?: string }) {
  const { application, access } = await loadThread(principal, applicationId, 'application.thread.read');
  const [messages, settings] = await Promise.all([
    listStoredMessages(application.id, page.limit, page.cursor),
    getThreadSettings(application.id),
  ]);
  const viewer = roleOf(access, application);
  return {
    items: messages.items.map((m) => messageView(m, viewer, settings)),
    ...(messages.nextCursor ? { nextCursor: messages.nextCursor } : {}),
  };
}

/** The author as the thread shows them: a seated reviewer carries their seat and review role. */
async function authorOf(principal: Principal, access: AccessContext, a: Application): Promise<MessageAuthor> {
  const role = roleOf(access, a);
  const author: MessageAuthor = { sub: principal.sub, role, ...(principal.name ? { name: principal.name } : {}) };
  if (role === 'reviewer' && a.submissionNumber > 0) {
    const view = await readRound(a.id, a.submissionNumber);
    const mine = view?.seats.map((s) => view && seatHolder(view, s)).find((r) => r?.reviewerSub === principal.sub);
    if (mine) Object.assign(author, { reviewerRole: mine.role, seat: mine.seat });
  }
  return author;
}

/**
 * Posts once per Idempotency-Key (`idempotency` is read after authorization); `answer`
 * renders the posted message, recorded with it so a retry replays that answer.
 */
export async function postMessage(
  principal: Principal,
  input: { applicationId: string; body: string },
  idempotency: Deferred<IdempotencyContext>,
  answer: (posted: MessageView) => RecordedAnswer,
): Promise<RecordedAnswer> {
  const { application, access } = await loadThread(principal, input.applicationId, 'application.thread.post');
  return idempotent(idempotency(), async (record) => {
    const author = await authorOf(principal, access, application);
    const message = newMessage({ applicationId: application.id, author, body: input.body });
    const settings = await getThreadSettings(application.id);
    const result = answer(messageView(message, author.role, settings));
    // The idempotency record is written with the message: a retry replays this answer.
    await storeMessage(message, record(result));
    await announce(principal, application, message);
    return result;
  });
}

/** In-app notices to everyone else on the thread (and staff), then MessagePosted for the emails. */
async function announce(principal: Principal, application: Application, message: Message): Promise<void> {
  const recipients = (await threadParticipants(application)).filter((s) => s !== principal.sub);
  const note = {
    kind: 'message.posted' as const,
    title: `New message on ${application.pathwayName}'s application`,
    body: message.body.slice(0, 200),
    applicationId: application.id,
    link: `/applications/${application.id}/messages`,
  };
  await notify(recipients, note);
  if (message.author.role !== 'staff') await notifyStaff(note);
  try {
    // The notifier batches the emails per thread and person (functions/notifications/message-emails.ts).
    await publish([
      {
        detailType: 'MessagePosted',
        detail: {
          applicationId: application.id,
          pathwayId: application.pathwayId,
          messageId: message.id,
          postedAt: message.at,
          authorSub: message.author.sub,
          authorRole: message.author.role,
        },
      },
    ]);
    await markMessageAnnounced(message);
  } catch (error) {
    // The message and its in-app notices are recorded; a lost email must not fail the post:
    // the message email job queues an unannounced message itself after two minutes.
    logger.error('MessagePosted could not be published', { error, applicationId: application.id, messageId: message.id });
  }
}
