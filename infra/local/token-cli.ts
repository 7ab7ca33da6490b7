/**
 * `npm run token -- --role staff --user alice@example.org [--name "Alice"] [--sub ID] [--expires 12h]`
 *
 * Prints a dev token signed with the key in .local/keys (created when missing), which is
 * the key a running `npm start` verifies with. It does not need the local API to run.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { roles } from '#lib/principal.ts';
import { createDevIssuer } from './dev-issuer.ts';
import { repoRoot } from './lambda.ts';

const usage = `Usage: npm run token -- --role <${roles.join('|')}>[,<role>...] --user <email> [--name "Full Name"] [--sub <id>] [--expires 12h]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      user: { type: 'string' },
      name: { type: 'string' },
      sub: { type: 'string' },
      expires: { type: 'string', default: '12h' },
      'data-dir': { type: 'string', default: '.local' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const groups = (values.role ?? [])
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = groups.filter((g) => !(roles as readonly string[]).includes(g));
  if (!values.user || groups.length === 0 || unknown.length > 0) {
    if (unknown.length > 0) console.error(`Unknown role(s): ${unknown.join(', ')}`);
    console.error(usage);
    process.exitCode = 2;
    return;
  }
  const issuer = await createDevIssuer({ keyDir: path.resolve(repoRoot, values['data-dir'], 'keys') });
  const token = await issuer.issueToken({
    email: values.user,
    name: values.name,
    sub: values.sub,
    groups,
    expiresIn: /^-?\d+$/.test(values.expires) ? Number(values.expires) : values.expires,
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
