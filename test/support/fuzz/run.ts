/**
 * Sends fuzz requests with bounded concurrency and judges every answer against the
 * promises: never a 5xx; every 4xx is problem+json whose `status` matches (validation
 * problems name the failing fields); a bad token never gets past the authorizer; and an
 * answer to a confined caller holds neither tenant B's canary nor any of B's ids the
 * request did not name itself; every body is valid UTF-8 and every JSON body parses and is
 * I-JSON (no lone surrogates); a body with a lone surrogate is refused, naming it.
 */
import { illFormedIn, type FuzzRequest } from './requests.ts';
import { CANARY, confinedCallers, type FuzzWorld } from './world.ts';

export interface FuzzAnswer {
  status: number;
  contentType: string;
  text: string;
  /** Broken promises of the answer's encoding (decodeAnswer). */
  encodingRules?: string[];
}

export interface Violation {
  rule: string;
  request: FuzzRequest;
  status: number;
  body: string;
}

export interface FuzzFigures {
  requests: number;
  byClass: Record<string, number>;
  byStatus: Record<string, number>;
  byShape: Record<string, number>;
  byOperation: Record<string, number>;
  durationMs: number;
  transportRetries: number;
}

const FIELD_PLACES = new Set(['body', 'path', 'query', 'header']);
const PROBLEM_TYPE = /^application\/problem\+json\b/i;

function describeRequest(r: FuzzRequest): string {
  const body = r.body === undefined ? '' : ` body=${(Buffer.isBuffer(r.body) ? `<${r.body.length} bytes>` : r.body).slice(0, 200)}`;
  const headers = Object.entries(r.headers)
    .filter(([k]) => k !== 'authorization')
    .map(([k, v]) => `${k}: ${v.slice(0, 60)}`)
    .join('; ');
  return `${r.op} as ${r.caller}${r.badToken ? ` (bad token: ${r.badToken})` : ''}: ${r.method} ${r.url.slice(0, 300)} [${headers}]${body}`;
}

export function formatViolation(v: Violation): string {
  return `${v.rule}: ${describeRequest(v.request)} -> ${v.status} ${v.body.slice(0, 400)}`;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The answer's bytes as text, judged as strict clients read them: valid UTF-8 (a fatal
 * decoder), JSON that parses for JSON types, and in it no string or field name with a lone
 * surrogate (what a `\ud800`-`\udfff` escape outside a valid pair decodes to), so every
 * JSON answer is I-JSON (RFC 7493).
 */
export function decodeAnswer(bytes: Uint8Array, contentType: string): { text: string; rules: string[] } {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { text: Buffer.from(bytes).toString('utf8'), rules: ['the body is valid UTF-8'] };
  }
  if (!JSON_TYPE.test(contentType) || text === '') return { text, rules: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { text, rules: ['a JSON answer parses'] };
  }
  const at = illFormedIn(parsed);
  return { text, rules: at === undefined ? [] : [`a JSON answer has no lone-surrogate escape (at ${at || 'the top'})`] };
}

export function judge(r: FuzzRequest, a: FuzzAnswer, world: FuzzWorld, jwtOps: ReadonlySet<string>): string[] {
  const rules: string[] = [];
  if (a.status >= 500) rules.push('no 5xx');
  if (r.illFormed && a.status < 300) rules.push('a body with a lone surrogate is never accepted');
  if (a.status >= 400 && a.status < 500) {
    if (!PROBLEM_TYPE.test(a.contentType)) rules.push('4xx is problem+json');
    else {
      let problem:
        { status?: unknown; title?: unknown; type?: unknown; errors?: { in?: unknown; field: string; code?: unknown }[] } | undefined;
      try {
        problem = JSON.parse(a.text) as typeof problem;
      } catch {
        rules.push('problem body is JSON');
      }
      if (problem) {
        if (problem.status !== a.status) rules.push('problem status matches the HTTP status');
        if (typeof problem.title !== 'string' || typeof problem.type !== 'string') rules.push('problem has type and title');
        const isValidation = problem.type === 'urn:pathcert:problem:validation' || problem.type === 'urn:pathcert:problem:malformed-json';
        if (isValidation) {
          const errors = problem.errors;
          if (!Array.isArray(errors) || errors.length === 0) rules.push('validation problem lists its errors');
          else if (!errors.every((e) => typeof e.field === 'string' && FIELD_PLACES.has(String(e.in))))
            rules.push('each validation error names its field');
          else if (
            r.illFormed &&
            problem.type === 'urn:pathcert:problem:validation' &&
            !errors.some((e) => e.in === 'body' && e.code === 'ill_formed_unicode')
          ) {
            rules.push('a lone surrogate in the body is named (ill_formed_unicode)');
          } else if (
            r.expectField &&
            errors.some((e) => e.in === 'body') &&
            !errors.some((e) => e.in === 'body' && (e.field === r.expectField || e.field.startsWith(`${r.expectField}.`)))
          ) {
            rules.push('a missing required field is named');
          }
        }
      }
    }
  }
  if (r.badToken && jwtOps.has(r.op) && r.routable) {
    // The authorizer answers first; only an oversized body is refused before it looks.
    if (a.status !== 401 && a.status !== 413) rules.push('a bad token is 401');
  }
  if (confinedCallers.has(r.caller) && !r.badToken) {
    const sent = `${decodeURIComponentSafe(r.url)} ${Buffer.isBuffer(r.body) ? '' : (r.body ?? '')}`.toLowerCase();
    const got = a.text.toLowerCase();
    if (got.includes(CANARY) && !sent.includes(CANARY)) rules.push('no tenant-B data (canary) reaches a tenant-A caller');
    for (const id of world.tenantBIds) {
      if (got.includes(id.toLowerCase()) && !sent.includes(id.toLowerCase()))
        rules.push(`no tenant-B id (${id}) reaches a tenant-A caller`);
    }
  }
  return rules;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Runs every request, `concurrency` at a time, and returns the violations and the figures. */
export async function runFuzz(
  baseUrl: string,
  requests: FuzzRequest[],
  world: FuzzWorld,
  jwtOps: ReadonlySet<string>,
  concurrency: number,
): Promise<{ violations: Violation[]; figures: FuzzFigures }> {
  const started = performance.now();
  const violations: Violation[] = [];
  const figures: FuzzFigures = { requests: 0, byClass: {}, byStatus: {}, byShape: {}, byOperation: {}, durationMs: 0, transportRetries: 0 };
  const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const r = requests[next++]!;
      let answer: FuzzAnswer | undefined;
      // A kept-alive socket the server closed at the same moment fails on the client's side
      // before anything reached the API: one retry, counted; a second failure is reported.
      for (let attempt = 1; !answer; attempt++) {
        try {
          const res = await fetch(`${baseUrl}${r.url}`, { method: r.method, headers: r.headers, body: r.body });
          const contentType = res.headers.get('content-type') ?? '';
          const decoded = decodeAnswer(new Uint8Array(await res.arrayBuffer()), contentType);
          answer = { status: res.status, contentType, text: decoded.text, encodingRules: decoded.rules };
        } catch (error) {
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          if (attempt < 2) {
            figures.transportRetries++;
            continue;
          }
          answer = {
            status: 599,
            contentType: '',
            text: `transport error: ${(error as Error).message} (${cause?.code ?? ''} ${cause?.message ?? ''})`,
          };
        }
      }
      figures.requests++;
      bump(figures.byClass, `${Math.floor(answer.status / 100)}xx`);
      bump(figures.byStatus, String(answer.status));
      bump(figures.byShape, r.shape.split(':')[0]!);
      bump(figures.byOperation, r.op);
      for (const rule of [...(answer.encodingRules ?? []), ...judge(r, answer, world, jwtOps)])
        violations.push({ rule, request: r, status: answer.status, body: answer.text });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  figures.durationMs = Math.round(performance.now() - started);
  return { violations, figures };
}
