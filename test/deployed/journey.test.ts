/**
 * `PATHCERT_SMOKE_JOURNEY=1 npm run test:deployed`: the journey mode (journey-suite.ts)
 * against a deployed stack, after the read-only smoke test (smoke.test.ts). Without the
 * variable it is skipped: it writes, so it runs only when asked (and on stage prod only with
 * PATHCERT_SMOKE_FORCE_PROD=1). docs/deploy.md, section 7.
 */
import { describe, it } from 'vitest';
import { defineJourneySuite } from './journey-suite.ts';
import { journeyEnabled, resolveJourneyTarget } from './target.ts';

if (journeyEnabled()) defineJourneySuite(() => resolveJourneyTarget());
else describe.skip('journey mode (writes): set PATHCERT_SMOKE_JOURNEY=1 to run it', () => it('walks the main journey', () => {}));
