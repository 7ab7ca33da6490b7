/**
 * The route table: every route of the HTTP API. CDK creates an API Gateway route per
 * entry, the local HTTP API serves the same list, and /openapi.json documents it.
 */
import type { RouteSpec } from '../lib/route.ts';
import { systemRoutes } from './system/routes.ts';

export const apiRoutes: readonly RouteSpec[] = [...systemRoutes];
