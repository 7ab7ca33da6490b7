import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const tableRows = (text: string, prefix: RegExp) =>
  text
    .split('\n')
    .filter((l) => prefix.test(l))
    .map((l) => l.replace(prefix, '|').trim());

describe('access patterns documentation', () => {
  it('mirrors the table in functions/store/keys.ts row for row', () => {
    const code = tableRows(readFileSync('functions/store/keys.ts', 'utf8'), /^ \* \|/);
    const docs = tableRows(readFileSync('docs/access-patterns.md', 'utf8'), /^\|/);
    expect(code.length).toBeGreaterThan(10);
    expect(docs).toEqual(code);
  });
});
