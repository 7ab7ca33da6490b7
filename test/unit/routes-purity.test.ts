import { readdirSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// Route specs are read by CDK, the local API, the OpenAPI document and every handler; the
// system function bundles all of them. They must stay plain schemas: no AWS SDK, no store.
const groups = readdirSync('functions/api', { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe('route specs', () => {
  it.each(groups)('functions/api/%s/routes.ts imports no AWS SDK and no store code', async (group) => {
    const result = await build({
      entryPoints: [`functions/api/${group}/routes.ts`],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => i.includes('@aws-sdk/') || i.includes('@smithy/'))).toEqual([]);
    expect(inputs.filter((i) => i.startsWith('functions/store/') && !i.endsWith('entities.ts'))).toEqual([]);
  });
});
