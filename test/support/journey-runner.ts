/**
 * Runs the calls of docs/journey.md: every ```http block, in order, against a local
 * platform. A block is what a frontend developer reads:
 *
 *   # lead → 201 · save applicationId = id, applicationVersion = version
 *   POST /pathways/{{pathwayId}}/applications
 *   If-Match: "0"
 *
 *   { "target": "candidacy" }
 *
 * The comment line names who calls (their token goes in `Authorization`; `anyone` sends
 * none) and the status the guide promises, then optional clauses separated by `·`:
 * - `save name = path, …` keeps values of the JSON answer (dotted paths, array indexes);
 * - `until path = value` repeats the call (up to 40 s) until the answer has that value:
 *   the guide's polling;
 * - `expect path = value, …` checks values of the answer;
 * - `file name size type`: the block is a multipart POST of the presigned form saved as
 *   the variable in its URL (`POST {{upload.url}}`), with a generated file.
 * `{{name}}` anywhere in the request is a saved value (or one the test provides).
 */
import { readFileSync } from 'node:fs';

export interface JourneyStep {
  /** 1-based line of the block's comment in the guide, for failure messages. */
  line: number;
  actor: string;
  status: number;
  save: [string, string][];
  until?: [string, string];
  expect: [string, string][];
  file?: { name: string; size: number; type: string };
  method: string;
  target: string;
  headers: [string, string][];
  body?: string;
}

export function parseJourney(markdown: string): JourneyStep[] {
  const steps: JourneyStep[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```http') continue;
    const start = i + 1;
    const block: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) block.push(lines[i]!);
    const head = /^#\s*(\S+)\s*→\s*(\d{3})\s*(.*)$/.exec(block[0] ?? '');
    if (!head) throw new Error(`docs/journey.md:${start + 1}: an http block starts with "# <who> → <status>"`);
    const step: JourneyStep = {
      line: start + 1,
      actor: head[1]!,
      status: Number(head[2]),
      save: [],
      expect: [],
      method: '',
      target: '',
      headers: [],
    };
    for (const clause of head[3]!
      .split('·')
      .map((c) => c.trim())
      .filter(Boolean)) {
      const [word, ...rest] = clause.split(/\s+/);
      const pairs = () =>
        rest
          .join(' ')
          .split(',')
          .map((p) => p.split('=').map((s) => s.trim()) as [string, string]);
      if (word === 'save') step.save = pairs();
      else if (word === 'expect') step.expect = pairs();
      else if (word === 'until') step.until = pairs()[0];
      else if (word === 'file') step.file = { name: rest[0]!, size: Number(rest[1]), type: rest[2]! };
      else throw new Error(`docs/journey.md:${start + 1}: unknown clause "${clause}"`);
    }
    const [method, target] = (block[1] ?? '').trim().split(/\s+/);
    if (!method || !target) throw new Error(`docs/journey.md:${start + 2}: expected "<METHOD> <path>"`);
    step.method = method;
    step.target = target;
    let j = 2;
    for (; j < block.length && block[j]!.trim() !== ''; j++) {
      const m = /^([\w-]+):\s*(.*)$/.exec(block[j]!);
      if (!m) throw new Error(`docs/journey.md:${start + j + 1}: expected a header line`);
      step.headers.push([m[1]!, m[2]!]);
    }
    const body = block
      .slice(j + 1)
      .join('\n')
      .trim();
    if (body && !step.file) step.body = body;
    steps.push(step);
  }
  return steps;
}

export function readJourney(): JourneyStep[] {
  return parseJourney(readFileSync(new URL('../../docs/journey.md', import.meta.url), 'utf8'));
}

/** A dotted path into a JSON value: `items.0.id`. */
export function pick(value: unknown, path: string): unknown {
  let v = value;
  for (const part of path.split('.')) {
    if (v === null || v === undefined) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

export function substitute(text: string, vars: Record<string, unknown>, line: number): string {
  return text.replace(/\{\{([\w.]+)\}\}/g, (_, name: string) => {
    const value = pick(vars, name);
    if (value === undefined) throw new Error(`docs/journey.md:${line}: {{${name}}} was not saved by an earlier call`);
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}
