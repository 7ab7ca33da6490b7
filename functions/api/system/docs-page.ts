/**
 * The API reference: Scalar's renderer over /openapi.json, with its built-in client
 * ("Test Request") sending to this API's own origin. The script is served by this API
 * (GET /docs/assets/api-reference.js), and Scalar's font download and telemetry are off,
 * so the page loads nothing from elsewhere and works offline locally.
 */
export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pathcert API reference</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
</head><body>
<noscript>The API reference needs JavaScript; the document itself is <a href="openapi.json">openapi.json</a>.</noscript>
<div id="reference"></div>
<script src="docs/assets/api-reference.js"></script>
<script>
Scalar.createApiReference('#reference', {
  url: 'openapi.json',
  servers: [{ url: location.origin, description: 'This API' }],
  withDefaultFonts: false,
  telemetry: false,
  hideClientButton: false,
  persistAuth: false,
  // Every route but the public ones takes a bearer token: offer its field at once.
  authentication: { preferredSecurityScheme: 'bearer' },
  // The toolbar links to Scalar's hosted services; a local reference has no use for them.
  showDeveloperTools: 'never',
  agent: { disabled: true },
  metaData: { title: 'pathcert API reference' },
});
</script></body></html>`;
