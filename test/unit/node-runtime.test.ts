/**
 * Tests, the bench and `npm start` run on the Lambda runtime's Node major: npm puts the
 * node-linux-* package's `node` first on every script's PATH (package.json
 * optionalDependencies), whatever the machine's own Node is. The runtime, the bundles'
 * esbuild target and that package must name the same major.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../infra/bundling.ts';
import { FUNCTION_RUNTIME } from '../../infra/constructs/function-defaults.ts';

const major = Number(/^nodejs(\d+)\.x$/.exec(FUNCTION_RUNTIME.name)?.[1]);
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  optionalDependencies: Record<string, string>;
};

describe('the Node major', () => {
  it('is one major for the Lambda runtime, the bundles and the pinned Node package', () => {
    expect(major).toBeGreaterThanOrEqual(24);
    expect(esbuildOptions.target).toBe(`node${major}`);
    const pinned = Object.entries(pkg.optionalDependencies).filter(([name]) => name.startsWith('node-'));
    expect(pinned.length).toBeGreaterThan(0);
    for (const [name, version] of pinned) expect(`${name}@${version}`).toMatch(new RegExp(`@${major}\\.\\d+\\.\\d+$`));
  });

  it.runIf(process.platform === 'linux')('runs these tests on it', () => {
    expect(Number(process.versions.node.split('.')[0]), `tests run on Node ${process.version}; run them through npm (npm test)`).toBe(
      major,
    );
  });
});
