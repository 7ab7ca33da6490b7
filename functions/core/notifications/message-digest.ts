/**
 * The email of a batched message window (functions/core/notifications/message-batching.ts):
 * every message of the window with its author (as the recipient may see them: reviewers
 * by panel role for the team), time and text, and a link to the thread. Pure; the message
 * text is the users' own, so the HTML escapes every piece of it.
 */
import { absoluteLink, escapeHtml } from './templates.ts';

/** The email tag `kind` of these emails (not an in-app kind: the thread's `message.posted` notices stay in-app). */
export const MESSAGE_DIGEST_KIND = 'message.digest';

export interface DigestMessage {
  /** The author as this recipient may see them (messageView's label). */
  author: string;
  /** ISO 8601. */
  at: string;
  body: string;
}

export interface DigestContext {
  recipientName?: string | undefined;
  pathwayName?: string | undefined;
  applicationId: string;
  /** Frontend base URL (APP_BASE_URL). */
  baseUrl: string;
}

/** `2026-12-06T09:05:00.000Z` as `6 Dec 2026, 09:05 UTC` (emails go to people in any time zone). */
export function formatMessageTime(isoTime: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(isoTime);
  if (!m) return isoTime;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${Number(m[3])} ${months[Number(m[2]) - 1] ?? m[2]} ${m[1]}, ${m[4]}:${m[5]} UTC`;
}

export const threadPath = (applicationId: string) => `/applications/${applicationId}/messages`;

export function renderMessageDigest(
  messages: readonly DigestMessage[],
  ctx: DigestContext,
): { subject: string; text: string; html: string } {
  if (messages.length === 0) throw new Error('a digest needs at least one message');
  const pathway = ctx.pathwayName ?? 'your pathway';
  const count = messages.length === 1 ? 'New message' : `${messages.length} new messages`;
  const subject = `${count} on ${pathway}'s application`;
  const url = absoluteLink(ctx.baseUrl, threadPath(ctx.applicationId));
  const greeting = ctx.recipientName ? `Hello ${ctx.recipientName},` : 'Hello,';
  const intro =
    messages.length === 1
      ? `There is a new message on the application thread of ${pathway}:`
      : `There are ${messages.length} new messages on the application thread of ${pathway}:`;
  const footer =
    'You receive this because you take part in this application thread. Switch message emails off (category "messages") in your notification settings.';
  const body = (s: string) => s.replace(/\r\n?/g, '\n');

  const text = [
    greeting,
    '',
    intro,
    '',
    ...messages.flatMap((m) => [
      `${m.author}, ${formatMessageTime(m.at)}:`,
      ...body(m.body)
        .split('\n')
        .map((l) => `  ${l}`),
      '',
    ]),
    `Reply in the thread: ${url}`,
    '',
    '— pathcert',
    '',
    footer,
  ].join('\n');

  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    `<h2 style="font-size: 1.1em">${escapeHtml(subject)}</h2>`,
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    ...messages.map(
      (m) =>
        `<div style="margin: 0 0 1em 0"><p style="margin: 0"><strong>${escapeHtml(m.author)}</strong> <span style="color: #666">${escapeHtml(formatMessageTime(m.at))}</span></p>` +
        `<p style="margin: 0; white-space: pre-wrap">${escapeHtml(body(m.body))}</p></div>`,
    ),
    `<p><a href="${escapeHtml(url)}">Reply in the thread</a></p>`,
    '<p>— pathcert</p>',
    `<p style="color: #666; font-size: 0.85em">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
