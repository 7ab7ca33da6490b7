/**
 * The deployed stack's footprint for the cost model (bench/cost-model.ts footprintOf):
 * synthesizes the real app (infra/app.ts, cdk-nag included, bundling skipped) with a
 * stage's context and reads alarms, dashboards, keys, tracing, the Cognito tier and log
 * retention from the templates (the root stack's and its nested stacks', read as one by
 * infra/templates.ts), so the bill counts what the deployment actually creates.
 */
import { App } from 'aws-cdk-lib';
import { functionCatalog } from '#catalog';
import { BUSINESS_METRICS } from '#lib/metrics.ts';
import { buildApp } from '../infra/app.ts';
import { flatTemplate } from '../infra/templates.ts';
import { footprintOf, type Footprint } from './cost-model.ts';

/** The context of a district's production deploy with no options (docs/deploy.md). */
export const DEFAULT_PROD_CONTEXT = {
  stage: 'prod',
  allowedOrigins: 'https://app.pathcert.example',
  senderEmail: 'certification@pathcert.example',
  // Managed login's callback and sign-out URLs derive from it (prod requires them).
  appBaseUrl: 'https://app.pathcert.example',
} as const;

/** The priced options of docs/deploy.md, as context added to the default. */
export const PRICED_OPTIONS = {
  'Cognito Plus (threat protection)': { cognitoPlus: 'true' },
  'X-Ray on every function': { tracing: 'all' },
} as const;

export function synthFootprint(context: Record<string, string> = DEFAULT_PROD_CONTEXT): Footprint {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = buildApp(app);
  const resources = flatTemplate(stack).Resources;
  const triggers = Object.fromEntries(
    Object.entries(functionCatalog).map(([name, spec]) => [`${stack.config.prefix}-${name}`, spec.trigger as string]),
  );
  return footprintOf(resources, { triggers, customMetrics: BUSINESS_METRICS.length });
}
