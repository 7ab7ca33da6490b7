/**
 * The route table: every route of the HTTP API. CDK creates an API Gateway route per
 * entry, the local HTTP API serves the same list, and /openapi.json documents it.
 */
import type { RouteSpec } from '#lib/route.ts';
import { applicationRoutes } from './applications/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { credentialRoutes } from './credentials/routes.ts';
import { directoryRoutes } from './directory/routes.ts';
import { evidenceRoutes } from './evidence/routes.ts';
import { frameworkRoutes } from './frameworks/routes.ts';
import { peopleRoutes } from './people/routes.ts';
import { registryRoutes } from './registry/routes.ts';
import { resourceRoutes } from './resources/routes.ts';
import { systemRoutes } from './system/routes.ts';
import { docsAsset } from './system/docs-asset-routes.ts';
import { networkRoutes } from './network/routes.ts';
import { outcomeRoutes } from './outcomes/routes.ts';
import { decisionRoutes } from './decisions/routes.ts';
import { rosterRoutes } from './decisions/roster-routes.ts';
import { reviewRoutes } from './reviews/routes.ts';
import { threadRoutes } from './threads/routes.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { benefitRoutes } from './benefits/routes.ts';

export const apiRoutes: readonly RouteSpec[] = [
  ...systemRoutes,
  docsAsset,
  ...frameworkRoutes,
  ...applicationRoutes,
  ...registryRoutes,
  ...peopleRoutes,
  ...directoryRoutes,
  ...credentialRoutes,
  ...auditRoutes,
  ...evidenceRoutes,
  ...resourceRoutes,
  ...outcomeRoutes,
  ...networkRoutes,
  ...reviewRoutes,
  ...rosterRoutes,
  ...decisionRoutes,
  ...threadRoutes,
  ...notificationRoutes,
  ...benefitRoutes,
];
