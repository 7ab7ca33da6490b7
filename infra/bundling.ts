/**
 * How every Lambda function is bundled, defined once. CDK's NodejsFunction gets these
 * options translated to its bundling props (it shells out to the local esbuild), and the
 * bundling test and the bundle benchmark pass the same object to esbuild's JS API, so
 * what is measured is what is deployed.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * ESM bundles that inline CommonJS dependencies (parts of the AWS SDK) still
 * call `require` for Node built-ins; ESM has no `require`, so define one. The import is
 * renamed so it cannot clash with a bundled identifier.
 */
const requireBanner =
  "import { createRequire as __pathcertCreateRequire } from 'node:module'; const require = __pathcertCreateRequire(import.meta.url);";

/**
 * Lambda delivers credentials in environment variables, so the SDK's default provider
 * chain (SSO, INI files, IMDS, web identity...) is replaced by the env-only provider.
 */
const aliases: Record<string, string> = {
  '@aws-sdk/credential-provider-node': path.join(repoRoot, 'functions/lib/env-credentials.ts'),
  // No operation we call has an event-stream member; the stub says why (~15 KB per bundle).
  '@smithy/core/event-streams': path.join(repoRoot, 'functions/lib/no-event-streams.ts'),
  // middy imports these for streamed responses only; loaded on use instead (~1.5 ms a cold start).
  'node:stream/web': path.join(repoRoot, 'functions/lib/stream-web-on-use.ts'),
  'node:stream/promises': path.join(repoRoot, 'functions/lib/stream-promises-on-use.ts'),
};

export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  // The Lambda runtime's Node (FUNCTION_RUNTIME); tests and the bench run the same bundles
  // on that major too (package.json's node-linux-* dependency; test/unit/node-runtime.test.ts).
  target: 'node24',
  minify: true,
  // Off: an external map is useless without --enable-source-maps, which slows cold starts.
  sourcemap: false,
  mainFields: ['module', 'main'],
  banner: { js: requireBanner },
  alias: aliases,
  // The SDK is bundled, not taken from the runtime: pinned versions, and a tree-shaken
  // bundle starts faster than the runtime's full SDK.
  external: [] as string[],
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** Budget per minified bundle; the bundling test and the benchmark enforce it. */
export const bundleBudgetBytes = 350 * 1024;

/**
 * Known overruns, each capped at what it measures today (rounded up to the next 5 KB) so it
 * cannot grow unnoticed.
 *
 * Functions that start or answer review executions carry the Step Functions client on top of
 * DynamoDB and EventBridge, so they hold only the routes that need it: submit and withdraw
 * (submissions) apart from the applications API, the workflow routes (reviewOffice) apart
 * from the roster, queue and calibration (reviewRoster). Those, reviews, benefits and the
 * notifier were over the budget too until route schemas and views stopped riding along
 * unused (issue 17); they are within it again.
 *
 * The S3 functions carry the real S3 SDK client (~160 KB over a DynamoDB-only function),
 * ~65 KB of it client-s3's schema module, which esbuild cannot tree-shake (each operation's
 * schema holds an object with computed keys, which esbuild keeps as possibly
 * side-effecting) and no alias can reach (a relative import inside the package).
 */
export const bundleBudgetExceptions: Readonly<Record<string, number>> = {
  // Step Functions client (conflicted seats on acceptance), EventBridge client
  // (InvitationCreated) and Cognito client (AdminAdd/RemoveUserFromGroup: groups follow
  // memberships); 19 routes: the caller, memberships and invitations of pathways, districts
  // and the reviewer pool
  people: 380 * 1024,
  // real S3 SDK client (+ presigned POST and GET)
  evidence: 465 * 1024,
  // real S3 SDK client (+ presigned POST and GET)
  resources: 445 * 1024,
  // real S3 SDK client
  verifyUpload: 390 * 1024,
  // real S3 SDK client (multipart upload)
  exportEvidence: 395 * 1024,
  // real S3 SDK client (+ presigned POST)
  outcomes: 470 * 1024,
  // real S3 SDK client
  outcomeUploads: 420 * 1024,
  // KMS client (~140 KB, its schema module is not tree-shakeable, like client-s3's): signs
  // the credential of a certification with its decision; the benefits a level unlocks
  // (the catalog read and entitlement write join the decision's transaction)
  pipelineDecide: 420 * 1024,
  // KMS client: signs status lists on change, publishes the issuer key, verifies presented credentials
  credentials: 400 * 1024,
};

export function bundleBudgetFor(name: string): number {
  return bundleBudgetExceptions[name] ?? bundleBudgetBytes;
}

/**
 * Shell commands that copy a function's extra files (FunctionSpec.files) into its package
 * after esbuild ran; inputDir is the project root, outputDir the package's directory.
 */
export function copyFilesCommands(files: readonly { from: string; to: string }[], inputDir: string, outputDir: string): string[] {
  return files.map(({ from, to }) => {
    const target = path.posix.join(outputDir, to);
    return `mkdir -p "${path.posix.dirname(target)}" && cp "${path.posix.join(inputDir, from)}" "${target}"`;
  });
}

/** The same options in NodejsFunction's vocabulary (with the function's extra files, if any). */
export function nodejsBundling(files: readonly { from: string; to: string }[] = []): BundlingOptions {
  return {
    ...(files.length > 0
      ? {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (inputDir: string, outputDir: string) => copyFilesCommands(files, inputDir, outputDir),
          },
        }
      : {}),
    format: esbuildOptions.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
    target: esbuildOptions.target,
    minify: esbuildOptions.minify,
    sourceMap: esbuildOptions.sourcemap,
    mainFields: [...esbuildOptions.mainFields],
    banner: esbuildOptions.banner.js,
    bundleAwsSDK: true,
    externalModules: [...esbuildOptions.external],
    esbuildArgs: {
      '--alias': Object.entries(esbuildOptions.alias).map(([from, to]) => `${from}=${to}`),
    },
  };
}
