/**
 * Every Lambda function of pathcert, as data. The CDK app creates one NodejsFunction per
 * entry (with exactly the grants listed here); the local runtime loads the same entry
 * files; the bundle benchmark and the bundling test walk this list. Add a function here
 * and it exists everywhere.
 */
export interface FunctionGrants {
  /** Access to the single table and its indexes. */
  table?: 'read' | 'readwrite';
  /** Access to the evidence bucket, by key prefix. */
  bucket?: { read?: string[]; write?: string[]; delete?: string[] };
  /** May start executions of the review state machine. */
  startReview?: boolean;
  /** May answer task tokens and read executions of the review state machine. */
  reviewTaskResults?: boolean;
  /** May put domain events (events/schemas.ts) on the stage's bus. */
  events?: boolean;
}

/** Which evidence-bucket notifications invoke an `s3`-triggered function. */
export interface S3Trigger {
  /** Only objects whose key starts with this (a plain prefix ending in `/`). */
  prefix: string;
  events: readonly 's3:ObjectCreated:*'[];
}

export interface FunctionSpec {
  /** Entry file, relative to the repository root. */
  entry: string;
  description: string;
  trigger: 'http' | 'pipeline' | 's3' | 'schedule' | 'event';
  /** Required for trigger 's3': the bucket notification (CDK) and the local S3's delivery filter. */
  s3?: S3Trigger;
  memoryMb: number;
  timeoutSeconds: number;
  grants: FunctionGrants;
}

export const functionCatalog = {
  system: {
    entry: 'functions/api/system/handler.ts',
    description: 'Health check, OpenAPI document and API reference page',
    trigger: 'http',
    memoryMb: 256,
    timeoutSeconds: 5,
    grants: {},
  },
  registry: {
    entry: 'functions/api/registry/handler.ts',
    description: 'Districts, schools and pathways: create, read, edit, lists by name',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    grants: { table: 'readwrite' },
  },
  people: {
    entry: 'functions/api/people/handler.ts',
    description: 'The caller (/me), memberships and invitations of pathways and districts',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    grants: { table: 'readwrite' },
  },
  directory: {
    entry: 'functions/api/directory/handler.ts',
    description: 'The public directory of certified pathways',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    grants: { table: 'read' },
  },
  audit: {
    entry: 'functions/api/audit/handler.ts',
    description: 'Audit trails of pathways, districts and frameworks',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    grants: { table: 'read' },
  },
  frameworks: {
    entry: 'functions/api/frameworks/handler.ts',
    description: 'Standards framework versions: list, read whole, create and edit drafts, publish',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    grants: { table: 'readwrite' },
  },
  applications: {
    entry: 'functions/api/applications/handler.ts',
    description: 'Applications: open, responses with per-response versions, submit, withdraw, lists and the staff queue',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    grants: { table: 'readwrite' },
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functionCatalog;

export function functionSpec(name: FunctionName): FunctionSpec {
  return functionCatalog[name];
}
