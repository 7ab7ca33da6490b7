/**
 * The layers run one way: core ← store ← use cases ← edges. This reads every import
 * specifier (type-only ones too: a type import still ties the layers together) and fails on
 * the upward ones. Issue 17's dependency-rule tool will replace it; until then this keeps
 * the two rules that matter most from regressing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Relative imports of a file, resolved to paths from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/g)].map((m) => m[1]!);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)));
}

function violations(dir: string, forbidden: (target: string) => boolean): string[] {
  return sourceFiles(dir).flatMap((file) => importsOf(file).filter(forbidden).map((target) => `${file} → ${target}`));
}

describe('layers', () => {
  it('the store reaches no edge: no pipeline task, API handler, event handler or event publishing', () => {
    const edges = ['functions/pipeline/', 'functions/api/', 'functions/uploads/', 'functions/notifications/', 'functions/recertification/'];
    expect(violations('functions/store', (t) => edges.some((e) => t.startsWith(e)) || t === 'events/publish.ts')).toEqual([]);
  });

  it('the store speaks no HTTP: it throws domain errors (core/errors.ts), never problems', () => {
    // The HTTP edge maps domain errors to problem+json in one place (lib/domain-problems.ts).
    const http = ['functions/lib/problem.ts', 'functions/lib/domain-problems.ts', 'functions/lib/http.ts', 'functions/lib/route.ts', 'functions/lib/openapi.ts', 'functions/lib/cors.ts', 'functions/lib/validation.ts'];
    expect(violations('functions/store', (t) => http.includes(t))).toEqual([]);
  });

  it('core imports nothing with I/O: no store, lib, pipeline or API code', () => {
    // core still takes the domain event types from events/schemas.ts (type-only); moving
    // them into core is part of issue 17.
    expect(violations('functions/core', (t) => t.startsWith('functions/') && !t.startsWith('functions/core/'))).toEqual([]);
  });
});
