/**
 * The dependency rules of pathcert's code, checked by `npm run lint:deps` (part of `npm test`).
 *
 * The folders form one stack of layers; a layer may import its own folder and the layers
 * below it, never one above. That one ordering forbids every cycle between folders.
 * docs/architecture.md explains each layer.
 *
 *   core            pure rules: levels, scoring, assignment, expiry, suppression, the domain events
 *   lib             plumbing shared by all: config, clock, logging, AWS clients, the HTTP kit
 *   events          how domain events travel: publishing, EventBridge rules and schedules
 *   store           items and keys; domain results and typed domain errors
 *   accounts … uploads  the machine-driven areas (Cognito triggers, notifier, credentials,
 *                   recertification sweep, review workflow tasks, upload checks)
 *   use-cases       one function per thing a person does, called by the HTTP edge
 *   api             HTTP handlers: parse, call a use case, render
 */

/** Low to high. `path` is matched from the repository root. */
const layers = [
  { name: 'core', path: '^functions/core/' },
  { name: 'lib', path: '^functions/(lib/|catalog\\.ts$)' },
  { name: 'events', path: '^events/' },
  { name: 'store', path: '^functions/store/' },
  { name: 'accounts', path: '^functions/accounts/' },
  { name: 'notifications', path: '^functions/notifications/' },
  { name: 'credentials', path: '^functions/credentials/' },
  { name: 'recertification', path: '^functions/recertification/' },
  { name: 'pipeline', path: '^functions/pipeline/' },
  { name: 'uploads', path: '^functions/uploads/' },
  { name: 'use-cases', path: '^functions/use-cases/' },
  { name: 'api', path: '^functions/api/' },
];

const upward = layers.slice(0, -1).map((layer, i) => ({
  name: `${layer.name}-imports-no-layer-above`,
  comment: `${layer.name} may import only ${layers
    .slice(0, i + 1)
    .map((l) => l.name)
    .join(', ')} (and packages).`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: layers.slice(i + 1).map((l) => l.path) },
}));

/** The HTTP kit: the store throws domain errors and never speaks HTTP. */
const httpKit = '^functions/lib/(problem|domain-problems|http|route|openapi|cors|validation|preconditions)\\.ts$';

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'core-is-pure',
      comment: 'core does no I/O: only zod, and node:crypto / node:zlib for pure computation.',
      severity: 'error',
      from: { path: '^functions/core/' },
      to: {
        dependencyTypesNot: ['local', 'type-only'],
        pathNot: ['^node_modules/zod/', '^(crypto|zlib)$'],
      },
    },
    {
      name: 'core-imports-only-core',
      comment: 'core imports nothing of the project outside core.',
      severity: 'error',
      from: { path: '^functions/core/' },
      to: { dependencyTypes: ['local'], pathNot: '^functions/core/' },
    },
    {
      name: 'store-speaks-no-http',
      comment: 'The store returns domain results and throws domain errors (core/errors.ts); the edge maps them.',
      severity: 'error',
      from: { path: '^functions/store/' },
      to: { path: httpKit },
    },
    {
      name: 'use-cases-speak-no-http',
      comment: 'A use case takes plain input and a principal and throws domain errors; the edge parses headers and renders problems.',
      severity: 'error',
      from: { path: '^functions/use-cases/' },
      to: { path: httpKit, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'api-calls-use-cases-not-the-store',
      comment: "A handler parses, calls a use case and renders; reading or writing items is the use case's (types may be shared).",
      severity: 'error',
      from: { path: '^functions/api/' },
      to: { path: '^functions/store/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'api-calls-use-cases-not-machine-areas',
      comment:
        'What a person does through the API is a use case (functions/use-cases), even when it answers the workflow or signs a credential.',
      severity: 'error',
      from: { path: '^functions/api/' },
      to: { path: '^functions/(accounts|notifications|credentials|recertification|pipeline|uploads)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'api-never-touches-keys-or-db',
      comment: 'Keys and the table client are store internals, even as types.',
      severity: 'error',
      from: { path: '^functions/api/' },
      to: { path: '^functions/store/(keys|db)\\.ts$' },
    },
    {
      name: 'use-cases-name-things-not-keys',
      comment: "A use case names what it reads by ids; building keys is the store's job (store/keys.ts), even as types.",
      severity: 'error',
      from: { path: '^functions/use-cases/' },
      to: { path: '^functions/store/keys\\.ts$' },
    },
    {
      name: 'every-import-resolves',
      comment: 'A `#` subpath import or relative path that resolves to nothing would escape every rule above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles between modules.',
      severity: 'error',
      from: { path: '^(functions|events)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'], conditionNames: ['import', 'node', 'default'] },
    exclude: { path: '^(node_modules|cdk\\.out|\\.local)/' },
  },
};
