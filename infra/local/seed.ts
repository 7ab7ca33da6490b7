/**
 * Demo data for the local platform. `npm start` calls `seedIfEmpty` once the platform
 * runs: a store without any district gets the demo data (seed/data.ts), a store with
 * data is left alone. `npm run seed` (seed-cli.ts) applies the same data to an existing
 * store; both print a dev token for every demo person and the demo walk-throughs (a
 * review to score, an invitation to accept).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { listDistricts } from '#store/registry.ts';
import type { DevIssuer } from './dev-issuer.ts';
import { PERSISTENT_PORTS, type Platform } from './platform.ts';
import { seedDemoData, type SeedSummary } from './seed/apply.ts';

export { seedDemoData, seedId, seedDistrictId, seedPathwayId, seedSchoolId } from './seed/apply.ts';

const TOKEN_LIFETIME = '12h';

/** Seeds only a store that has no district yet. Returns the summary, or undefined when it did nothing. */
export async function seedIfEmpty(platform: Platform, log: (line: string) => void = console.log): Promise<SeedSummary | undefined> {
  const any = await listDistricts(1);
  if (any.items.length > 0) return undefined;
  // The platform's event bus and KMS are up: the demo invitation is emailed as a real one
  // is, and the valid certifications get their signed credentials.
  const summary = await seedDemoData(log, { announceInvitations: true, issueCredentials: true });
  await printTokens(summary, platform.issuer, platform.dataDir, log, platform.apiUrl);
  return summary;
}

/**
 * Prints who is who with a token each (valid 12 h; `npm run seed` or `npm run token`
 * prints new ones), and keeps the list in <dataDir>/seed-tokens.json for scripts.
 */
export async function printTokens(
  summary: SeedSummary,
  issuer: Pick<DevIssuer, 'issueToken'>,
  dataDir?: string,
  log: (text: string) => void = console.log,
  apiUrl = `http://127.0.0.1:${PERSISTENT_PORTS.http}`,
): Promise<void> {
  const rows = [];
  for (const p of summary.people) {
    const token = await issuer.issueToken({ email: p.email, name: p.name, groups: p.groups, expiresIn: TOKEN_LIFETIME });
    rows.push({ name: p.name, email: p.email, groups: p.groups, title: p.title, sub: p.sub, token });
  }
  const lines = ['', `Demo people (tokens valid ${TOKEN_LIFETIME}):`, ''];
  for (const r of rows) {
    lines.push(`  ${r.name} <${r.email}> — ${r.title}`);
    lines.push(`    TOKEN=${r.token}`);
  }
  if (dataDir) {
    const file = path.join(dataDir, 'seed-tokens.json');
    await writeFile(file, `${JSON.stringify(rows, null, 2)}\n`, { mode: 0o600 });
    lines.push('', `The same list, as JSON: ${file}`);
  }
  lines.push('New tokens any time: npm run seed   (or npm run token -- --role <role> --user <email>)', '');
  lines.push(...demoCommands(summary, rows, apiUrl));
  log(lines.join('\n'));
}

/** The demo walk-through, with the tokens above: a review to score and an invitation to accept. */
function demoCommands(summary: SeedSummary, rows: { email: string; name: string; token: string }[], apiUrl: string): string[] {
  const lines: string[] = [];
  for (const r of summary.demo.reviews) {
    const lead = rows.find((x) => x.email === r.reviewers[0]);
    if (!lead) continue;
    const app = `${apiUrl}/applications/${r.applicationId}`;
    lines.push(
      `Score the ${r.pathwayName} review as ${lead.name} (the lead reviewer):`,
      `  REVIEWER=${lead.token}`,
      `  curl -s -H "Authorization: Bearer $REVIEWER" ${apiUrl}/me/reviews`,
      `  curl -s -H "Authorization: Bearer $REVIEWER" ${app}/review          # the submission, rubric and the review's version (ETag)`,
      `  curl -s -X PUT -H "Authorization: Bearer $REVIEWER" -H 'If-Match: "1"' -H 'content-type: application/json' \\`,
      `       -d '{"scores":[{"criterionId":"...","level":"meeting","comment":"..."}]}' ${app}/review`,
      `  curl -s -X POST -H "Authorization: Bearer $REVIEWER" -H 'If-Match: "<version>"' ${app}/review/submit`,
      '',
    );
  }
  for (const i of summary.demo.invitations) {
    const invitee = rows.find((x) => x.email === i.email);
    if (!invitee) continue;
    lines.push(
      `Accept ${invitee.name}'s invitation to the ${i.pathwayName} team:`,
      `  INVITEE=${invitee.token}`,
      `  curl -s -H "Authorization: Bearer $INVITEE" ${apiUrl}/me/invitations`,
      `  curl -s -X POST -H "Authorization: Bearer $INVITEE" ${apiUrl}/me/invitations/${i.invitationId}/accept`,
      '',
    );
  }
  return lines;
}
