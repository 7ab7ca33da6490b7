/**
 * One home for settings: the config schema and README's configuration table name the same
 * variables, and a bad value fails naming its variable.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { config, setting, settingsSchema } from '#lib/config.ts';

/** The variables README's "Configuration (function environment)" table lists in its first column. */
function readmeVariables(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('## Configuration (function environment)');
  const end = readme.indexOf('\n## ', start + 1);
  const rows = readme
    .slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('| `'));
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!));
}

const saved = { ...process.env };
afterEach(() => {
  for (const name of Object.keys(settingsSchema)) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('settings', () => {
  it("README's configuration table lists exactly the schema's variables", () => {
    expect(readmeVariables().sort()).toEqual(Object.keys(settingsSchema).sort());
  });

  it('parses overrides and defaults', () => {
    delete process.env.REVIEWERS_PER_LEVEL;
    expect(config.reviewersPerLevel).toBeUndefined();
    process.env.REVIEWERS_PER_LEVEL = 'gold=3, silver=1';
    expect(config.reviewersPerLevel).toEqual({ gold: 3, silver: 1 });
    process.env.REVIEW_DUE_DAYS = '14';
    delete process.env.REVIEW_GRACE_DAYS;
    delete process.env.STAFF_ALERT_DAYS;
    expect(config.reviewDue).toEqual({ dueDays: 14 });
    process.env.CERTIFICATION_VALIDITY_MONTHS = 'gold=48, platinum=1';
    expect(config.certificationValidityMonths).toEqual({ gold: 48 });
    process.env.RECERTIFICATION_NOTICE_DAYS = 'x,-1';
    expect(config.recertificationNoticeDays).toBeUndefined();
    delete process.env.PATHCERT_PROGRESS_LEVELS;
    expect(setting('PATHCERT_PROGRESS_LEVELS')).toEqual(['silver', 'gold']);
  });

  it('rereads a variable when it changes', () => {
    process.env.MAX_BODY_BYTES = '1000';
    expect(config.maxBodyBytes).toBe(1000);
    process.env.MAX_BODY_BYTES = '2000';
    expect(config.maxBodyBytes).toBe(2000);
  });

  it('fails naming the variable', () => {
    delete process.env.EVENT_BUS_NAME;
    expect(() => config.eventBusName).toThrow('Missing required environment variable EVENT_BUS_NAME');
    process.env.REVIEWERS_PER_LEVEL = 'gold=9';
    expect(() => config.reviewersPerLevel).toThrow(/^REVIEWERS_PER_LEVEL "gold=9" is not/);
    process.env.PATHCERT_PROGRESS_TARGET = 'many';
    expect(() => setting('PATHCERT_PROGRESS_TARGET')).toThrow(/PATHCERT_PROGRESS_TARGET must be a whole number/);
    process.env.PATHCERT_PUBLIC_BASE_URL = 'not a url';
    expect(() => config.publicBaseUrl).toThrow(/PATHCERT_PUBLIC_BASE_URL must be a URL/);
  });
});
