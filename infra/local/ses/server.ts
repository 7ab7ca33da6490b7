/**
 * Local Amazon SES (API v2) endpoint: SendEmail answered on localhost in the real REST-JSON
 * protocol (`POST /v2/email/outbound-emails`), so `SESv2Client` (with `endpoint`) and
 * `aws sesv2 send-email --endpoint-url` work unchanged. Nothing is delivered: every
 * accepted email is written to the outbox folder as `<time>-<messageId>.eml` (a readable
 * RFC 5322 message) and `.json`, and logged in one line. SES's mailbox simulator
 * addresses (`bounce@simulator.amazonses.com`, ...) produce the bounce or complaint
 * records SES would notify, readable with `bounces()` / `complaints()`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { now } from '#lib/clock.ts';
import { listen } from '../ports.ts';
import { parseAddress, simulatorOutcome, type Address } from './addresses.ts';
import { buildMime } from './mime.ts';

export interface SesServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where `.eml` and `.json` files are written (created when missing). */
  outboxDir: string;
  /** The Date of messages and outbox file names. Default: functions/lib/clock.ts `now()` (the dev clock). */
  clock?: () => Date;
  log?: (line: string) => void;
}

export interface SentEmail {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  /** Recipients not written into the message, as with SES. */
  bcc: string[];
  replyTo: string[];
  subject: string;
  text: string | undefined;
  html: string | undefined;
  tags: { name: string; value: string }[];
  configurationSetName: string | undefined;
  sentAt: string;
  emlFile: string;
  jsonFile: string;
}

/** Shaped like the `bounce` object of an SES bounce notification. */
export interface BounceRecord {
  messageId: string;
  bounceType: 'Permanent';
  bounceSubType: 'General' | 'OnAccountSuppressionList';
  bouncedRecipients: { emailAddress: string; action: 'failed'; status: string; diagnosticCode: string }[];
  timestamp: string;
}

/** Shaped like the `complaint` object of an SES complaint notification. */
export interface ComplaintRecord {
  messageId: string;
  complainedRecipients: { emailAddress: string }[];
  complaintFeedbackType: 'abuse';
  timestamp: string;
}

export interface LocalSes {
  /** e.g. http://127.0.0.1:4011, for AWS_ENDPOINT_URL_SESV2 or `--endpoint-url`. */
  endpoint: string;
  port: number;
  outboxDir: string;
  /** Every email accepted, oldest first. */
  sent(): SentEmail[];
  bounces(): BounceRecord[];
  complaints(): ComplaintRecord[];
  stop(): Promise<void>;
}

type SesErrorType = 'BadRequestException' | 'MessageRejected' | 'NotFoundException' | 'InternalFailure';

class SesError extends Error {
  constructor(
    readonly type: SesErrorType,
    message: string,
    readonly status = type === 'NotFoundException' ? 404 : type === 'InternalFailure' ? 500 : 400,
  ) {
    super(message);
  }
}

/** SES v2 takes messages up to 40 MB. */
const MAX_BODY_BYTES = 40 * 1024 * 1024;
const MAX_RECIPIENTS = 50;
const TAG_PART = /^[A-Za-z0-9_-]{1,256}$/;

export async function startSesServer(options: SesServerOptions): Promise<LocalSes> {
  const log = options.log ?? (() => {});
  const clock = options.clock ?? now;
  const outboxDir = path.resolve(options.outboxDir);
  mkdirSync(outboxDir, { recursive: true });
  const sent: SentEmail[] = [];
  const bounces: BounceRecord[] = [];
  const complaints: ComplaintRecord[] = [];

  const sendEmail = (body: Record<string, unknown>): { MessageId: string } => {
    const request = readSendEmail(body);
    const date = clock();
    const messageId = sesMessageId(date);
    const stamp = date.toISOString().replace(/[:.]/g, '-');
    const base = path.join(outboxDir, `${stamp}-${messageId}`);
    const configurationHeaders: Record<string, string> = request.configurationSetName
      ? { 'X-SES-CONFIGURATION-SET': request.configurationSetName }
      : {};
    const mime = buildMime({
      from: request.from.raw,
      to: request.to.map((a) => a.raw),
      cc: request.cc.map((a) => a.raw),
      replyTo: request.replyTo.map((a) => a.raw),
      subject: request.subject,
      text: request.text,
      html: request.html,
      messageId,
      date,
      headers: configurationHeaders,
    });
    const email: SentEmail = {
      messageId,
      from: request.from.raw,
      to: request.to.map((a) => a.raw),
      cc: request.cc.map((a) => a.raw),
      bcc: request.bcc.map((a) => a.raw),
      replyTo: request.replyTo.map((a) => a.raw),
      subject: request.subject,
      text: request.text,
      html: request.html,
      tags: request.tags,
      configurationSetName: request.configurationSetName,
      sentAt: date.toISOString(),
      emlFile: `${base}.eml`,
      jsonFile: `${base}.json`,
    };
    writeFileSync(email.emlFile, mime);
    writeFileSync(email.jsonFile, `${JSON.stringify(email, null, 2)}\n`);
    sent.push(email);
    simulate(email, [...request.to, ...request.cc, ...request.bcc], date);
    log(
      `ses: email to=${[...email.to, ...email.cc, ...email.bcc].map(bare).join(',')} subject=${JSON.stringify(email.subject)} file=${displayPath(email.emlFile)}`,
    );
    return { MessageId: messageId };
  };

  const simulate = (email: SentEmail, recipients: Address[], date: Date) => {
    const timestamp = date.toISOString();
    const bounced = recipients.filter((r) => ['bounce', 'suppressionlist'].includes(simulatorOutcome(r.address) ?? ''));
    for (const subType of ['General', 'OnAccountSuppressionList'] as const) {
      const these = bounced.filter((r) => (simulatorOutcome(r.address) === 'bounce') === (subType === 'General'));
      if (these.length === 0) continue;
      bounces.push({
        messageId: email.messageId,
        bounceType: 'Permanent',
        bounceSubType: subType,
        bouncedRecipients: these.map((r) => ({
          emailAddress: r.address,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode:
            subType === 'General'
              ? 'smtp; 550 5.1.1 user unknown'
              : 'Amazon SES did not send the message to this address because it is on the suppression list for your account.',
        })),
        timestamp,
      });
      log(`ses: simulated bounce (${subType}) of ${email.messageId} for ${these.map((r) => r.address).join(',')}`);
    }
    const complained = recipients.filter((r) => simulatorOutcome(r.address) === 'complaint');
    if (complained.length > 0) {
      complaints.push({
        messageId: email.messageId,
        complainedRecipients: complained.map((r) => ({ emailAddress: r.address })),
        complaintFeedbackType: 'abuse',
        timestamp,
      });
      log(`ses: simulated complaint about ${email.messageId} from ${complained.map((r) => r.address).join(',')}`);
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (req.method === 'POST' && url.pathname === '/v2/email/outbound-emails') {
          writeJson(res, 200, sendEmail(await readJson(req)));
        } else if (req.method === 'GET' && url.pathname === '/v2/email/account') {
          writeJson(res, 200, account());
        } else {
          throw new SesError('NotFoundException', `${req.method} ${url.pathname} is not supported by the local SES endpoint`);
        }
      } catch (error) {
        if (error instanceof SesError) return writeError(res, error);
        log(`ses: request failed: ${String(error)}`);
        writeError(res, new SesError('InternalFailure', 'Internal error in the local SES endpoint'));
      }
    })();
  });
  const { port, endpoint } = await listen(server, options);
  log(`ses: endpoint ${endpoint}, outbox ${outboxDir}`);

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    outboxDir,
    sent: () => [...sent],
    bounces: () => [...bounces],
    complaints: () => [...complaints],
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}

interface SendEmailRequest {
  from: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  subject: string;
  text: string | undefined;
  html: string | undefined;
  tags: { name: string; value: string }[];
  configurationSetName: string | undefined;
}

const bad = (message: string) => new SesError('BadRequestException', message);

function readSendEmail(body: Record<string, unknown>): SendEmailRequest {
  const content = object(body.Content, 'Content');
  if (!content) throw bad('Content is required.');
  const kinds = ['Simple', 'Raw', 'Template'].filter((k) => content[k] !== undefined && content[k] !== null);
  if (kinds.length !== 1) throw bad('Exactly one of Simple, Raw or Template content is required.');
  if (kinds[0] !== 'Simple') throw bad(`${kinds[0]} content is not supported by the local SES endpoint; use Simple content.`);
  const simple = object(content.Simple, 'Content.Simple')!;
  const subject = textContent(simple.Subject, 'Content.Simple.Subject');
  if (subject === undefined) throw bad('Subject is required.');
  const bodyPart = object(simple.Body, 'Content.Simple.Body');
  const text = textContent(bodyPart?.Text, 'Content.Simple.Body.Text');
  const html = textContent(bodyPart?.Html, 'Content.Simple.Body.Html');
  if (text === undefined && html === undefined) throw bad('Body must contain Text or Html.');

  if (typeof body.FromEmailAddress !== 'string' || body.FromEmailAddress === '') throw bad('FromEmailAddress is required.');
  const from = address(body.FromEmailAddress);
  const destination = object(body.Destination, 'Destination') ?? {};
  const to = addresses(destination.ToAddresses, 'ToAddresses');
  const cc = addresses(destination.CcAddresses, 'CcAddresses');
  const bcc = addresses(destination.BccAddresses, 'BccAddresses');
  const recipients = to.length + cc.length + bcc.length;
  if (recipients === 0) throw bad('Destination must contain at least one recipient.');
  if (recipients > MAX_RECIPIENTS) throw new SesError('MessageRejected', `Recipient count exceeds ${MAX_RECIPIENTS}.`);
  const replyTo = addresses(body.ReplyToAddresses, 'ReplyToAddresses');

  const tags: { name: string; value: string }[] = [];
  if (body.EmailTags !== undefined && body.EmailTags !== null) {
    if (!Array.isArray(body.EmailTags)) throw bad('EmailTags must be a list.');
    for (const tag of body.EmailTags as unknown[]) {
      const t = object(tag, 'EmailTags[]')!;
      if (typeof t.Name !== 'string' || typeof t.Value !== 'string' || !TAG_PART.test(t.Name) || !TAG_PART.test(t.Value)) {
        throw bad('Tag names and values may contain only ASCII letters, digits, underscores and dashes (1-256 characters).');
      }
      tags.push({ name: t.Name, value: t.Value });
    }
  }
  const configurationSetName = typeof body.ConfigurationSetName === 'string' ? body.ConfigurationSetName : undefined;
  return { from, to, cc, bcc, replyTo, subject, text, html, tags, configurationSetName };
}

function object(value: unknown, name: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw bad(`${name} must be an object.`);
  return value as Record<string, unknown>;
}

function textContent(value: unknown, name: string): string | undefined {
  const content = object(value, name);
  if (!content) return undefined;
  if (typeof content.Data !== 'string') throw bad(`${name}.Data is required.`);
  const charset = content.Charset;
  if (charset !== undefined && charset !== null && !/^(utf-?8|us-ascii|iso-8859-1)$/i.test(String(charset))) {
    throw bad(`Unsupported charset ${String(charset)}.`);
  }
  return content.Data;
}

function address(raw: string): Address {
  const parsed = parseAddress(raw);
  if ('error' in parsed) throw bad(parsed.error);
  return parsed;
}

function addresses(value: unknown, name: string): Address[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw bad(`${name} must be a list.`);
  return value.map((v) => address(typeof v === 'string' ? v : ''));
}

/** Relative to the working directory when inside it (`.local/outbox/…`), absolute otherwise. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function bare(raw: string): string {
  const parsed = parseAddress(raw);
  return 'error' in parsed ? raw : parsed.address;
}

/** SES message ids look like `010001934bb0d4c2-5d3f…-000000`. */
function sesMessageId(date: Date): string {
  const time = date.getTime().toString(16).padStart(12, '0');
  return `0100${time}-${randomUUID()}-000000`;
}

function account() {
  return {
    DedicatedIpAutoWarmupEnabled: false,
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: true,
    SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 0 },
    SendingEnabled: true,
    SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SesError('MessageRejected', 'Message length is more than 40 MB.');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown = {};
  try {
    if (text.trim()) body = JSON.parse(text);
  } catch {
    throw bad('Request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('Request body is not a JSON object.');
  return body as Record<string, unknown>;
}

function writeJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

function writeError(res: ServerResponse, error: SesError): void {
  const text = JSON.stringify({ message: error.message });
  res.writeHead(error.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    'x-amzn-errortype': error.type,
  });
  res.end(text);
}
