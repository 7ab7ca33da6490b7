/**
 * The HTTP API's CORS configuration (API Gateway `corsPreflight`), as plain data. The CDK
 * api construct and the local HTTP API both read it; only the allowed origins differ per
 * stage (ALLOWED_ORIGINS locally, the stage config in AWS).
 */
import { EXPOSED_HEADERS } from '#lib/cors.ts';

export interface ApiCorsConfig {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
  allowCredentials: boolean;
}

export function apiCorsConfig(allowOrigins: readonly string[]): ApiCorsConfig {
  return {
    allowOrigins: allowOrigins.length > 0 ? [...allowOrigins] : ['*'],
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match', 'x-correlation-id'],
    // What the browser may read; the function answers with the same list.
    exposeHeaders: [...EXPOSED_HEADERS],
    maxAgeSeconds: 3600,
    // Tokens travel in the Authorization header, never in cookies.
    allowCredentials: false,
  };
}
