/**
 * vitest setup file of the integration and e2e projects: after each test file, its
 * contract counts go to the run's directory (summed by global-setup.ts) and the file
 * fails if any answer broke the OpenAPI contract (see contract.ts).
 */
import { afterAll, expect, inject } from 'vitest';
import { contractChecker } from './contract.ts';

afterAll(() => {
  const checker = contractChecker();
  checker.writeCounts(inject('contractDir'), expect.getState().testPath ?? 'unknown');
  if (checker.violations.length > 0) throw new Error(checker.report());
});
