/**
 * The local SES v2 endpoint, driven through the real SESv2Client (and the AWS CLI when one
 * is usable): emails land in the outbox as readable .eml + .json, SES's validation errors,
 * and the mailbox simulator's bounces and complaints. Last, the platform wiring: the
 * functions' own clients (functions/lib) reach the platform's SES and EventBridge.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadRequestException, GetAccountCommand, SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { awsCli, awsCliUnavailable } from '../support/aws-cli.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSesServer, type LocalSes } from '../../infra/local/ses/server.ts';
import { sesClient } from '#lib/aws-clients.ts';
import { publish } from '#events/publish.ts';
import { newId } from '#core/ids.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const outboxDir = mkdtempSync(join(tmpdir(), 'pathcert-outbox-'));
const lines: string[] = [];
let clockMs = Date.parse('2026-03-01T07:00:05.123Z');
let ses: LocalSes;
let client: SESv2Client;

beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  ses = await startSesServer({ outboxDir, clock: () => new Date(clockMs), log: (l) => lines.push(l) });
  client = new SESv2Client({
    endpoint: ses.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await ses?.stop();
  rmSync(outboxDir, { recursive: true, force: true });
});

const email = (overrides: Partial<SendEmailCommandInput> = {}): SendEmailCommandInput => ({
  FromEmailAddress: 'pathcert <no-reply@pathcert.local>',
  Destination: { ToAddresses: ['ana@example.org'] },
  Content: {
    Simple: {
      Subject: { Data: 'Your review is due', Charset: 'UTF-8' },
      Body: {
        Text: { Data: 'Hello Ana,\nyour review is due on 2026-03-08.' },
        Html: { Data: '<p>Hello Ana,</p><p>your review is due.</p>' },
      },
    },
  },
  ...overrides,
});

describe('SendEmail', () => {
  it('writes the email to the outbox as a readable message with text and HTML parts, and a JSON file', async () => {
    const answer = await client.send(
      new SendEmailCommand(
        email({
          Destination: {
            ToAddresses: ['Ana Díaz <ana@example.org>'],
            CcAddresses: ['lead@example.org'],
            BccAddresses: ['audit@example.org'],
          },
          ReplyToAddresses: ['staff@pathcert.local'],
          EmailTags: [{ Name: 'kind', Value: 'review-reminder' }],
        }),
      ),
    );
    expect(answer.MessageId).toMatch(/^0100[0-9a-f]{12}-[0-9a-f-]{36}-000000$/);

    const sent = ses.sent().find((m) => m.messageId === answer.MessageId)!;
    expect(sent.emlFile).toBe(join(outboxDir, `2026-03-01T07-00-05-123Z-${answer.MessageId}.eml`));
    expect(readdirSync(outboxDir)).toEqual(
      expect.arrayContaining([`2026-03-01T07-00-05-123Z-${answer.MessageId}.eml`, `2026-03-01T07-00-05-123Z-${answer.MessageId}.json`]),
    );

    const eml = readFileSync(sent.emlFile, 'utf8');
    const [head, ...rest] = eml.split('\r\n\r\n');
    const body = rest.join('\r\n\r\n');
    expect(head).toContain('From: "pathcert" <no-reply@pathcert.local>');
    expect(head).toContain(`To: =?UTF-8?B?${Buffer.from('Ana Díaz').toString('base64')}?= <ana@example.org>`);
    expect(head).toContain('Cc: lead@example.org');
    expect(head).toContain('Reply-To: staff@pathcert.local');
    expect(head).toContain('Subject: Your review is due');
    expect(head).toContain('Date: Sun, 01 Mar 2026 07:00:05 +0000');
    expect(head).toContain(`Message-ID: <${answer.MessageId}@email.amazonses.com>`);
    expect(head).toMatch(/Content-Type: multipart\/alternative; boundary="([^"]+)"/);
    expect(eml).not.toContain('audit@example.org');
    const boundary = /boundary="([^"]+)"/.exec(head!)![1]!;
    const parts = body.split(`--${boundary}`).slice(1, -1);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toContain('Content-Type: text/plain; charset=UTF-8');
    expect(parts[0]).toContain('Hello Ana,\r\nyour review is due on 2026-03-08.');
    expect(parts[1]).toContain('Content-Type: text/html; charset=UTF-8');
    expect(parts[1]).toContain('<p>Hello Ana,</p><p>your review is due.</p>');
    expect(body.trimEnd().endsWith(`--${boundary}--`)).toBe(true);

    const json = JSON.parse(readFileSync(sent.jsonFile, 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({
      messageId: answer.MessageId,
      from: 'pathcert <no-reply@pathcert.local>',
      to: ['Ana Díaz <ana@example.org>'],
      cc: ['lead@example.org'],
      bcc: ['audit@example.org'],
      subject: 'Your review is due',
      text: 'Hello Ana,\nyour review is due on 2026-03-08.',
      tags: [{ name: 'kind', value: 'review-reminder' }],
      sentAt: '2026-03-01T07:00:05.123Z',
    });
    expect(
      lines.some(
        (l) =>
          l.includes('to=ana@example.org,lead@example.org,audit@example.org') && l.includes('"Your review is due"') && l.includes('.eml'),
      ),
    ).toBe(true);
  });

  it('writes a single-part message for text only, encoding a non-ASCII subject', async () => {
    clockMs += 1000;
    const answer = await client.send(
      new SendEmailCommand(
        email({ Content: { Simple: { Subject: { Data: 'Certificación renovada ✓' }, Body: { Text: { Data: 'Felicidades — ¡oro!' } } } } }),
      ),
    );
    const sent = ses.sent().find((m) => m.messageId === answer.MessageId)!;
    const eml = readFileSync(sent.emlFile, 'utf8');
    expect(eml).not.toContain('multipart');
    expect(eml).toContain('Content-Type: text/plain; charset=UTF-8');
    expect(eml).toContain('Content-Transfer-Encoding: 8bit');
    expect(eml).toContain('Felicidades — ¡oro!');
    const subject = /Subject: ((?:.|\r\n )+)/.exec(eml)![1]!;
    const decoded = [...subject.matchAll(/=\?UTF-8\?B\?([^?]+)\?=/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('');
    expect(decoded).toBe('Certificación renovada ✓');
  });

  it.each([
    ['a recipient without @domain', email({ Destination: { ToAddresses: ['ana.example.org'] } }), "Missing final '@domain'"],
    ['a malformed recipient', email({ Destination: { ToAddresses: ['ana@@example.org'] } }), 'Illegal address'],
    ['a recipient with spaces', email({ Destination: { ToAddresses: ['ana maria@example.org'] } }), 'Illegal address'],
    ['a domain without a dot', email({ Destination: { CcAddresses: ['ana@localhost'] } }), 'Illegal address'],
    ['a malformed sender', email({ FromEmailAddress: 'no-reply@' }), 'Missing domain'],
    ['a malformed reply-to', email({ ReplyToAddresses: ['x@-bad-.org'] }), 'Illegal address'],
    ['no recipients', email({ Destination: {} }), 'at least one recipient'],
    ['no body', email({ Content: { Simple: { Subject: { Data: 's' }, Body: {} } } }), 'Text or Html'],
    ['no sender', email({ FromEmailAddress: undefined }), 'FromEmailAddress'],
    ['a bad tag', email({ EmailTags: [{ Name: 'has space', Value: 'v' }] }), 'Tag names'],
  ])('rejects %s with BadRequestException', async (_, input, message) => {
    const before = ses.sent().length;
    const error = await client.send(new SendEmailCommand(input)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as Error).message).toContain(message);
    expect(ses.sent()).toHaveLength(before);
  });

  it('rejects more than 50 recipients with MessageRejected', async () => {
    const many = Array.from({ length: 51 }, (_, i) => `r${i}@example.org`);
    const error = await client.send(new SendEmailCommand(email({ Destination: { ToAddresses: many } }))).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'MessageRejected' });
  });

  it('answers GetAccount', async () => {
    const account = await client.send(new GetAccountCommand({}));
    expect(account).toMatchObject({ SendingEnabled: true, ProductionAccessEnabled: true });
  });
});

describe('mailbox simulator', () => {
  it('records a bounce for bounce@simulator.amazonses.com, as SES would notify it', async () => {
    const answer = await client.send(
      new SendEmailCommand(email({ Destination: { ToAddresses: ['ana@example.org', 'bounce+reviewer@simulator.amazonses.com'] } })),
    );
    expect(ses.bounces()).toEqual([
      {
        messageId: answer.MessageId,
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [
          {
            emailAddress: 'bounce+reviewer@simulator.amazonses.com',
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          },
        ],
        timestamp: expect.any(String),
      },
    ]);
  });

  it('records complaints and suppression-list bounces; success@ produces nothing', async () => {
    const bounces = ses.bounces().length;
    await client.send(new SendEmailCommand(email({ Destination: { ToAddresses: ['success@simulator.amazonses.com'] } })));
    expect(ses.bounces()).toHaveLength(bounces);
    expect(ses.complaints()).toEqual([]);

    const answer = await client.send(
      new SendEmailCommand(
        email({
          Destination: { ToAddresses: ['complaint@simulator.amazonses.com'], BccAddresses: ['suppressionlist@simulator.amazonses.com'] },
        }),
      ),
    );
    expect(ses.complaints()).toMatchObject([
      { messageId: answer.MessageId, complainedRecipients: [{ emailAddress: 'complaint@simulator.amazonses.com' }] },
    ]);
    expect(ses.bounces().at(-1)).toMatchObject({ messageId: answer.MessageId, bounceSubType: 'OnAccountSuppressionList' });
  });
});

describe('AWS CLI', () => {
  it('sends an email with `aws sesv2 send-email`', async (context) => {
    const unavailable = await awsCliUnavailable();
    if (unavailable) {
      context.skip(unavailable);
      return;
    }
    const sent = await awsCli(() => ses.endpoint)(
      'sesv2',
      'send-email',
      '--from-email-address',
      'no-reply@pathcert.local',
      '--destination',
      JSON.stringify({ ToAddresses: ['cli@example.org'] }),
      '--content',
      JSON.stringify({ Simple: { Subject: { Data: 'From the CLI' }, Body: { Text: { Data: 'hi' } } } }),
    );
    const messageId = sent.MessageId as string;
    expect(ses.sent().find((m) => m.messageId === messageId)).toMatchObject({ to: ['cli@example.org'], subject: 'From the CLI' });
  });
});

describe('platform wiring', () => {
  let test: TestPlatform;

  beforeAll(async () => {
    test = await startTestPlatform();
  });

  afterAll(async () => {
    await test?.stop();
  });

  it('points the functions at the local SES and EventBridge', async () => {
    const { platform } = test;
    expect(process.env).toMatchObject({
      EVENT_BUS_NAME: 'pathcert-local',
      AWS_ENDPOINT_URL_EVENTBRIDGE: platform.events.endpoint,
      AWS_ENDPOINT_URL_SESV2: platform.ses.endpoint,
      SES_SENDER: 'no-reply@pathcert.local',
    });

    const answer = await sesClient().send(
      new SendEmailCommand({
        FromEmailAddress: process.env.SES_SENDER,
        Destination: { ToAddresses: ['lead@example.org'] },
        Content: { Simple: { Subject: { Data: 'Wired' }, Body: { Text: { Data: 'ok' } } } },
      }),
    );
    expect(platform.ses.sent().map((m) => m.messageId)).toEqual([answer.MessageId]);
    expect(platform.ses.outboxDir).not.toBe(outboxDir);

    const [eventId] = await publish([
      {
        detailType: 'RenewalOpened',
        detail: {
          certificationId: newId('certification'),
          pathwayId: newId('pathway'),
          districtId: newId('district'),
          level: 'silver',
          expiresOn: '2026-09-01',
        },
      },
    ]);
    expect(platform.events.published().map((e) => e.id)).toEqual([eventId]);
    expect(platform.events.busName).toBe('pathcert-local');
  });
});
