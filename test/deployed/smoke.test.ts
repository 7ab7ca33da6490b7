/**
 * `npm run test:deployed`: the smoke suite (smoke-suite.ts) against a deployed stack, found
 * by target.ts from `npm run deploy`'s outputs file or CloudFormation. Not part of `npm test`
 * (vitest.deployed.config.ts is the only config that includes this file).
 */
import { defineSmokeSuite } from './smoke-suite.ts';
import { resolveTarget } from './target.ts';

defineSmokeSuite(() => resolveTarget());
