/**
 * vitest setup file of the integration and e2e projects: after each test file, its
 * contract counts go to the run's directory (summed by global-setup.ts) and the file
 * fails if any answer broke the OpenAPI contract (see contract.ts). A file that never
 * started a platform (so no HTTP API answered) has no checker and writes nothing.
 */
import { afterAll, expect, inject } from 'vitest';
import { existingContractChecker } from './contract.ts';

afterAll(() => {
  const checker = existingContractChecker();
  if (!checker) return;
  checker.writeCounts(inject('contractDir'), expect.getState().testPath ?? 'unknown');
  if (checker.violations.length > 0) throw new Error(checker.report());
});
