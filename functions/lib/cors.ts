/**
 * Response headers a browser may read on a cross-origin answer: versions for If-Match,
 * created resources, back-off hints and the correlation id to quote in a support request.
 * The HTTP stack (http.ts) sends them on every answer and the gateway's CORS configuration
 * (infra/api-cors.ts) lists the same, so the two cannot drift.
 */
export const EXPOSED_HEADERS: readonly string[] = ['etag', 'location', 'retry-after', 'x-correlation-id'];
