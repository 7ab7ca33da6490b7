import { pathwayRole, type AccessContext } from '../../core/access.ts';
import { authorize, loadAccess } from '../../use-cases/access.ts';
import { httpHandler, implement, type HttpResult } from '../../lib/http.ts';
import type { Principal } from '../../lib/principal.ts';
import { publish } from '../../../events/publish.ts';
import { logger } from '../../lib/logger.ts';
import { problems } from '../../lib/problem.ts';
import { getApplication, type Application } from '../../store/applications.ts';
import { listPathwayCertifications } from '../../store/certifications.ts';
import { getPathway } from '../../store/registry.ts';
import { getPublishedFramework } from '../../store/frameworks.ts';
import { idempotencyContext } from '../../lib/idempotency-key.ts';
import { idempotent } from '../../store/idempotency.ts';
import {
  createSession,
  newMessage,
  newSession,
  getThreadSettings,
  listMessages,
  listSessions,
  messageView,
  notify,
  notifyStaff,
  postMessage,
  putThreadSettings,
  markMessageAnnounced,
  threadParticipants,
  type AuthorRole,
  type MessageAuthor,
} from '../../store/messages.ts';
import { getDecision, readRound, seatHolder, type ReviewDecision } from '../../store/reviews.ts';
import { etag, expectedVersionOrNew } from '../../lib/preconditions.ts';
import { pathwayTarget } from '../../use-cases/targets.ts';
import { applicationTarget } from '../../use-cases/applications/load-application.ts';
import { renderLetter } from './letter.ts';
import {
  createSessionRoute,
  getDecisionLetterRoute,
  getDecisionRoute,
  listCertificationsRoute,
  listMessagesRoute,
  listSessionsRoute,
  postMessageRoute,
  threadSettingsRoute,
} from './routes.ts';

type ThreadAction = 'application.thread.read' | 'application.thread.post' | 'application.decision.read' | 'application.assign';

async function load(principal: Principal, id: string, action: ThreadAction) {
  const application = await getApplication(id, true);
  if (!application) throw problems.notFound('application');
  const access = await loadAccess(principal);
  authorize(access, action, applicationTarget(application), 'application');
  return { application, access };
}

/** How the caller takes part: staff first, then as a reviewer, then as the team. */
function roleOf(access: AccessContext, a: Application): AuthorRole {
  if (access.groups.includes('staff')) return 'staff';
  if (access.assignments.some((x) => x.active && x.applicationId === a.id)) return 'reviewer';
  if (pathwayRole(access, a.pathwayId)) return 'team';
  return 'district';
}

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

/** Everyone on the thread: the pathway's members and the current panel (staff have their shared inbox). */
async function participants(a: Application): Promise<string[]> {
  const { team, panel } = await threadParticipants(a);
  return [...team, ...panel];
}

/** The latest decision the caller may read: applied ones for the team, any recorded one for staff. */
async function latestDecision(a: Application, staff: boolean): Promise<ReviewDecision | undefined> {
  for (let n = a.submissionNumber; n >= 1; n--) {
    const d = await getDecision(a.id, n);
    if (d && (d.applied || staff)) return d;
  }
  return undefined;
}

export const handler = httpHandler([
  implement(listMessagesRoute, async (req) => {
    const { application, access } = await load(req.principal, req.params.applicationId, 'application.thread.read');
    const [page, settings] = await Promise.all([listMessages(application.id, req.query.limit, req.query.cursor), getThreadSettings(application.id)]);
    const viewer = roleOf(access, application);
    return { body: { items: page.items.map((m) => messageView(m, viewer, settings)), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),

  implement(postMessageRoute, async (req) => {
    const { application, access } = await load(req.principal, req.params.applicationId, 'application.thread.post');
    const ctx = idempotencyContext(req.principal.sub, req.headers, { routeKey: req.event.routeKey, path: req.event.rawPath, body: req.body });
    return idempotent(ctx, async (record) => {
      const author = await authorOf(req.principal, access, application);
      const message = newMessage({ applicationId: application.id, author, body: req.body.body });
      const settings = await getThreadSettings(application.id);
      const result: HttpResult = { status: 201, body: messageView(message, author.role, settings) };
      // The idempotency record is written with the message: a retry replays this answer.
      await postMessage(message, record(result));
      const recipients = (await participants(application)).filter((s) => s !== req.principal.sub);
      const note = {
        kind: 'message.posted' as const,
        title: `New message on ${application.pathwayName}'s application`,
        body: req.body.body.slice(0, 200),
        applicationId: application.id,
        link: `/applications/${application.id}/messages`,
      };
      await notify(recipients, note);
      if (author.role !== 'staff') await notifyStaff(note);
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
              authorSub: author.sub,
              authorRole: author.role,
            },
          },
        ]);
        await markMessageAnnounced(message);
      } catch (error) {
        // The message and its in-app notices are recorded; a lost email must not fail the post:
        // the message email job queues an unannounced message itself after two minutes.
        logger.error('MessagePosted could not be published', { error, applicationId: application.id, messageId: message.id });
      }
      return result;
    });
  }),

  implement(threadSettingsRoute, async (req) => {
    const { application } = await load(req.principal, req.params.applicationId, 'application.assign');
    const version = expectedVersionOrNew(req.headers, req.body.version);
    const out = await putThreadSettings({ applicationId: application.id, revealReviewerNames: req.body.revealReviewerNames }, version);
    if (out === 'stale') throw problems.preconditionFailed((await getThreadSettings(application.id)).version);
    return { body: out, headers: { etag: etag(out.version) } };
  }),

  implement(listSessionsRoute, async (req) => {
    const { application } = await load(req.principal, req.params.applicationId, 'application.thread.read');
    return { body: { items: await listSessions(application.id) } };
  }),

  implement(createSessionRoute, async (req) => {
    const { application } = await load(req.principal, req.params.applicationId, 'application.assign');
    const ctx = idempotencyContext(req.principal.sub, req.headers, { routeKey: req.event.routeKey, path: req.event.rawPath, body: req.body });
    return idempotent(ctx, async (record) => {
      const session = newSession({
        applicationId: application.id,
        startsAt: req.body.startsAt,
        durationMinutes: req.body.durationMinutes,
        meetingUrl: req.body.meetingUrl,
        ...(req.body.agenda ? { agenda: req.body.agenda } : {}),
        ...(req.body.participants ? { participants: req.body.participants } : {}),
        createdBy: { sub: req.principal.sub, ...(req.principal.name ? { name: req.principal.name } : {}) },
      });
      const result: HttpResult = { status: 201, body: session };
      await createSession(session, record(result));
      await notify(await participants(application), {
        kind: 'session.scheduled',
        title: `Virtual review session for ${application.pathwayName}`,
        body: `${session.startsAt} (${session.durationMinutes} minutes)`,
        applicationId: application.id,
        link: `/applications/${application.id}/sessions`,
      });
      return result;
    });
  }),

  implement(getDecisionRoute, async (req) => {
    const { application, access } = await load(req.principal, req.params.applicationId, 'application.decision.read');
    const d = await latestDecision(application, access.groups.includes('staff'));
    if (!d) throw problems.notFound('decision');
    return {
      body: {
        applicationId: d.applicationId,
        round: d.round,
        level: d.level,
        decision: d.decision,
        letter: d.letter,
        requiredChanges: d.requiredChanges,
        decidedAt: d.decidedAt,
        applied: d.applied ?? null,
        letterUrl: `/applications/${application.id}/decision/letter`,
      },
    };
  }),

  implement(getDecisionLetterRoute, async (req) => {
    const { application, access } = await load(req.principal, req.params.applicationId, 'application.decision.read');
    const d = await latestDecision(application, access.groups.includes('staff'));
    if (!d) throw problems.notFound('decision');
    const framework = await getPublishedFramework(application.frameworkId);
    const titles = new Map((framework?.components ?? []).map((c) => [c.id, c.title]));
    const text = renderLetter(d, { pathwayName: application.pathwayName, componentTitles: titles, certification: d.applied ?? {} });
    const filename = `decision-${application.id}-${d.round}.md`;
    return { body: text, headers: { 'content-disposition': `attachment; filename="${filename}"` } };
  }),

  implement(listCertificationsRoute, async (req) => {
    const pathway = await getPathway(req.params.pathwayId);
    if (!pathway) throw problems.notFound('pathway');
    authorize(await loadAccess(req.principal), 'pathway.read', pathwayTarget(pathway), 'pathway');
    const page = await listPathwayCertifications(pathway.id, req.query.limit, req.query.cursor);
    return {
      body: {
        items: page.items.map((c) => ({
          id: c.id,
          level: c.level,
          issuedOn: c.issuedOn,
          validFrom: c.validFrom,
          expiresOn: c.expiresOn,
          status: c.status,
          continuous: c.continuous,
          applicationId: c.applicationId,
          ...(c.previousCertificationId ? { previousCertificationId: c.previousCertificationId } : {}),
          ...(c.withdrawal ? { withdrawal: { at: c.withdrawal.at, reason: c.withdrawal.reason } } : {}),
        })),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  }),
]);

