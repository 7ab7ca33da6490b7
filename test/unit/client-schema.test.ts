import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientSchemaSource, schemaFile } from '../../infra/tools/client.ts';

describe('TypeScript client (clients/typescript)', () => {
  it('its generated types match the current OpenAPI document (run `npm run client` after changing a route)', async () => {
    const committed = readFileSync(schemaFile, 'utf8');
    const fresh = await clientSchemaSource();
    // toBe on 10k lines prints an unreadable diff; name the first line that differs instead.
    if (fresh !== committed) {
      const a = committed.split('\n');
      const b = fresh.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      expect.fail(
        `clients/typescript/src/schema.ts is stale at line ${line + 1}: committed ${JSON.stringify(a[line])}, generated ${JSON.stringify(b[line])}. Run \`npm run client\`.`,
      );
    }
    expect(fresh.length).toBeGreaterThan(1000);
  });
});
