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
}

export interface FunctionSpec {
  /** Entry file, relative to the repository root. */
  entry: string;
  description: string;
  trigger: 'http' | 'pipeline' | 's3' | 'schedule' | 'event';
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
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functionCatalog;

export function functionSpec(name: FunctionName): FunctionSpec {
  return functionCatalog[name];
}
