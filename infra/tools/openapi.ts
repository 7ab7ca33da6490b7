/**
 * Writes the OpenAPI document the API serves at /openapi.json to a file (default
 * .local/openapi.json), e.g. for Redocly or a client generator: `npm run openapi [-- <file>]`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { apiRoutes } from '#api/routes.ts';
import { openApiDocument } from '#lib/openapi.ts';

const file = path.resolve(process.argv[2] ?? '.local/openapi.json');
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(openApiDocument(apiRoutes), null, 2)}\n`);
console.log(`wrote ${file}`);
