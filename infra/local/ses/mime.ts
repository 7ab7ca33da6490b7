/**
 * Writes an email as an RFC 5322 / MIME message a person can read in an editor and open
 * in a mail client: CRLF lines, non-ASCII header text as RFC 2047 encoded words, bodies as
 * 8bit UTF-8 (quoted-printable only when a line is too long for 8bit), text and HTML as
 * multipart/alternative. Bcc recipients are not written, as SES does not write them.
 */
import { randomBytes } from 'node:crypto';

export interface MimeMessage {
  from: string;
  to: string[];
  cc: string[];
  replyTo: string[];
  subject: string;
  text: string | undefined;
  html: string | undefined;
  messageId: string;
  date: Date;
  /** Extra headers (e.g. X-SES-CONFIGURATION-SET). */
  headers?: Record<string, string>;
}

const CRLF = '\r\n';
/** RFC 5322's hard limit on a line, in octets, without the CRLF. */
const MAX_LINE_OCTETS = 998;

export function buildMime(message: MimeMessage): string {
  const headers: string[] = [
    `From: ${encodeAddressList([message.from])}`,
    ...(message.to.length ? [`To: ${encodeAddressList(message.to)}`] : []),
    ...(message.cc.length ? [`Cc: ${encodeAddressList(message.cc)}`] : []),
    ...(message.replyTo.length ? [`Reply-To: ${encodeAddressList(message.replyTo)}`] : []),
    `Subject: ${encodeWords(message.subject)}`,
    `Date: ${rfc5322Date(message.date)}`,
    `Message-ID: <${message.messageId}@email.amazonses.com>`,
    'MIME-Version: 1.0',
    ...Object.entries(message.headers ?? {}).map(([k, v]) => `${k}: ${encodeWords(v)}`),
  ];
  const parts: { type: string; body: string }[] = [];
  if (message.text !== undefined) parts.push({ type: 'text/plain', body: message.text });
  if (message.html !== undefined) parts.push({ type: 'text/html', body: message.html });

  if (parts.length === 1) {
    const part = encodePart(parts[0]!);
    return [...headers, ...part.headers].join(CRLF) + CRLF + CRLF + part.body + CRLF;
  }
  const boundary = `=_pathcert_${randomBytes(12).toString('hex')}`;
  const lines = [
    ...headers,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    'This is a multi-part message in MIME format.',
  ];
  for (const p of parts) {
    const part = encodePart(p);
    lines.push(`--${boundary}`, ...part.headers, '', part.body);
  }
  lines.push(`--${boundary}--`, '');
  return lines.join(CRLF);
}

function encodePart(part: { type: string; body: string }): { headers: string[]; body: string } {
  const body = part.body.replace(/\r?\n|\r/g, CRLF);
  // eslint-disable-next-line no-control-regex -- 7-bit text: control characters included
  const ascii = /^[\x00-\x7f]*$/.test(body);
  const fits = body.split(CRLF).every((line) => Buffer.byteLength(line, 'utf8') <= MAX_LINE_OCTETS);
  const encoding = fits ? (ascii ? '7bit' : '8bit') : 'quoted-printable';
  return {
    headers: [`Content-Type: ${part.type}; charset=UTF-8`, `Content-Transfer-Encoding: ${encoding}`],
    body: encoding === 'quoted-printable' ? quotedPrintable(body) : body,
  };
}

/** RFC 2045 quoted-printable with soft line breaks at 76 characters. */
export function quotedPrintable(text: string): string {
  return text
    .split(CRLF)
    .map((line) => {
      let encoded = '';
      const bytes = Buffer.from(line, 'utf8');
      bytes.forEach((b, i) => {
        const last = i === bytes.length - 1;
        const printable = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
        encoded += printable ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
      });
      const out: string[] = [];
      while (encoded.length > 76) {
        let cut = 75;
        // Never split an =XX escape.
        if (encoded[cut - 1] === '=') cut -= 1;
        else if (encoded[cut - 2] === '=') cut -= 2;
        out.push(`${encoded.slice(0, cut)}=`);
        encoded = encoded.slice(cut);
      }
      out.push(encoded);
      return out.join(CRLF);
    })
    .join(CRLF);
}

/** Header text: as is when ASCII, else RFC 2047 base64 encoded words (whole characters per word). */
export function encodeWords(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  const words: string[] = [];
  let chunk = '';
  for (const ch of clean) {
    // 45 bytes of UTF-8 → 60 base64 characters, so each word stays under 75.
    if (Buffer.byteLength(chunk + ch, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(`${CRLF} `);
}

function encodeAddressList(addresses: string[]): string {
  return addresses
    .map((a) => {
      const named = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<>"]*?))\s*<([^<>]*)>\s*$/.exec(a);
      if (!named) return a.trim();
      const name = (named[1]?.replace(/\\(.)/g, '$1') ?? named[2] ?? '').trim();
      if (!name) return `<${named[3]!.trim()}>`;
      const display = /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : encodeWords(name);
      return `${display} <${named[3]!.trim()}>`;
    })
    .join(`,${CRLF} `);
}

/** e.g. `Mon, 23 Nov 2026 10:11:32 +0000`. */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}
