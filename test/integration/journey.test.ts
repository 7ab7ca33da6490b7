/**
 * docs/journey.md, run: every call of the guide, in order, against the local platform
 * (review pipeline included). A call that answers another status, a value the guide
 * checks that differs, or a poll that never reaches its value fails this test, so the
 * guide cannot drift from the API.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '#lib/principal.ts';
import { pdfBytes } from '../support/evidence.ts';
import { pick, readJourney, substitute, type JourneyStep } from '../support/journey-runner.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/** The guide's cast: who signs in with which email and Cognito groups. */
const CAST: Record<string, { email: string; groups: Role[]; name: string }> = {
  staff: { email: 'sam@alliance.example.org', groups: ['staff'], name: 'Sam Staff' },
  lead: { email: 'lee@valley-high.example.org', groups: [], name: 'Lee Lead' },
  data: { email: 'dana@valley-usd.example.org', groups: [], name: 'Dana Data' },
  reviewer1: { email: 'rita@reviewers.example.org', groups: ['reviewer'], name: 'Rita Reviewer' },
  reviewer2: { email: 'ravi@reviewers.example.org', groups: ['reviewer'], name: 'Ravi Reviewer' },
};

let t: TestPlatform;
const tokens: Record<string, string> = {};
const vars: Record<string, unknown> = {};

beforeAll(async () => {
  t = await startTestPlatform({ withStepFunctions: true, stepFunctionsWaitTimeScale: 0 });
  for (const [who, c] of Object.entries(CAST)) tokens[who] = await t.platform.issuer.issueToken({ ...c, expiresIn: '2h' });
  // Values a reader would choose; unique per run so the guide's names never collide.
  vars.run = String(Date.now()).slice(-6);
});
afterAll(() => t?.stop());

interface Answer {
  status: number;
  json: unknown;
  text: string;
}

async function call(step: JourneyStep): Promise<Answer> {
  const line = step.line;
  const url = substitute(step.target, vars, line);
  const headers: Record<string, string> = {};
  for (const [name, value] of step.headers) headers[name.toLowerCase()] = substitute(value, vars, line);
  if (step.actor !== 'anyone') {
    const token = tokens[step.actor];
    if (!token)
      throw new Error(`docs/journey.md:${line}: unknown caller "${step.actor}" (the cast is ${Object.keys(CAST).join(', ')}, anyone)`);
    headers.authorization = `Bearer ${token}`;
  }
  let response: Response;
  if (step.file) {
    // The presigned form: its fields as the guide's URL variable holds them, then the file.
    const formName = /^\{\{(\w+)\.url\}\}$/.exec(step.target)?.[1];
    const upload = formName ? (vars[formName] as { url: string; fields: Record<string, string> } | undefined) : undefined;
    if (!upload) throw new Error(`docs/journey.md:${line}: a file upload posts to {{<saved form>.url}}`);
    const form = new FormData();
    for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
    // A PDF that passes verification, or text of the declared size that is not the CSV template.
    const bytes =
      step.file.type === 'application/pdf'
        ? pdfBytes(step.file.size)
        : Buffer.from('not,the,template\n'.padEnd(step.file.size, 'x'), 'utf8');
    form.append('file', new Blob([bytes], { type: step.file.type }), step.file.name);
    delete headers['content-type'];
    delete headers.authorization; // S3 reads the signed fields, not a token
    response = await fetch(url, { method: step.method, body: form });
  } else {
    const absolute = url.startsWith('http') ? url : `${t.platform.apiUrl}${url}`;
    const body = step.body === undefined ? undefined : substitute(step.body, vars, line);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    response = await fetch(absolute, { method: step.method, headers, body });
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

const matches = (actual: unknown, expected: string) => String(actual) === expected || JSON.stringify(actual) === expected;

describe('docs/journey.md', () => {
  const steps = readJourney();

  it('has the whole journey: at least 40 calls', () => {
    expect(steps.length).toBeGreaterThanOrEqual(40);
  });

  it('names every notification kind the code can write (the NotificationKind unions)', () => {
    // The kinds are types, not values: read them from the two unions' source.
    const union = (file: string) => {
      const source = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
      const block = /export type NotificationKind =([^;]*);/.exec(source)?.[1] ?? '';
      return [...block.matchAll(/\|\s*'([a-z_.]+)'/g)].map((m) => m[1]!);
    };
    const kinds = [...union('functions/core/notifications/templates.ts'), ...union('functions/store/messages.ts')];
    expect(kinds.length).toBeGreaterThanOrEqual(17);
    const guide = readFileSync(new URL('../../docs/journey.md', import.meta.url), 'utf8');
    expect(kinds.filter((k) => !guide.includes(`\`${k}\``))).toEqual([]);
  });

  // Each call builds on the ones before: after a failure the rest are skipped, not failed.
  let broken = false;
  for (const step of steps) {
    const name = `line ${step.line}: ${step.actor} ${step.method} ${step.target} → ${step.status}`;
    it(name, async (ctx) => {
      if (broken) ctx.skip();
      broken = true;
      let answer = await call(step);
      if (step.until) {
        const [path, raw] = step.until;
        const value = substitute(raw, vars, step.line);
        const deadline = Date.now() + 40_000;
        while (!(answer.status === step.status && matches(pick(answer.json, path), value)) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          answer = await call(step);
        }
        expect(pick(answer.json, path), `${name}: polled ${path} until ${value}; last answer ${answer.text.slice(0, 800)}`).toSatisfy((v) =>
          matches(v, value),
        );
      }
      expect(answer.status, `${name}: ${answer.text.slice(0, 1500)}`).toBe(step.status);
      for (const [path, raw] of step.expect) {
        const value = substitute(raw, vars, step.line);
        expect(pick(answer.json, path), `${name}: ${path} in ${answer.text.slice(0, 800)}`).toSatisfy((v) => matches(v, value));
      }
      for (const [as, path] of step.save) {
        const value = pick(answer.json, path);
        expect(value, `${name}: saves ${as} = ${path} from ${answer.text.slice(0, 800)}`).toBeDefined();
        vars[as] = value;
      }
      broken = false;
    });
  }
});
