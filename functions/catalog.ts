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
  bucket?: {
    read?: string[];
    write?: string[];
    delete?: string[];
    /** May abort its unfinished multipart uploads (s3:AbortMultipartUpload) under these prefixes. */
    abortMultipart?: string[];
  };
  /** May start executions of the review state machine. */
  startReview?: boolean;
  /** May answer task tokens and read executions of the review state machine. */
  reviewTaskResults?: boolean;
  /** May only read executions of the review state machine (DescribeExecution): whether a round's owner still runs. */
  readReviewExecutions?: boolean;
  /** May put domain events (functions/core/events.ts) on the stage's bus. */
  events?: boolean;
  /** May send email through SES as the stage's sender identity (CDK context senderEmail). */
  email?: boolean;
  /**
   * May only Query GSI2, where invitations wait for their address (access pattern 14); no
   * other table or index read. The pre-sign-up trigger's whole right.
   */
  inviteeLookup?: boolean;
  /**
   * The credential issuer's KMS key (ECC_NIST_P256): `sign` = kms:Sign (issuing credentials,
   * signing status lists), `publicKey` = kms:GetPublicKey (publishing and verifying).
   */
  credentialKey?: { sign?: boolean; publicKey?: boolean };
  /** May add users of the stage's user pool to groups and remove them (AdminAddUserToGroup, AdminRemoveUserFromGroup). */
  userGroups?: boolean;
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
  /** `cognito`: a user pool trigger (infra/constructs/auth.ts attaches it). */
  trigger: 'http' | 'pipeline' | 's3' | 'schedule' | 'event' | 'cognito';
  /** Required for trigger 's3': the bucket notification (CDK) and the local S3's delivery filter. */
  s3?: S3Trigger;
  memoryMb: number;
  timeoutSeconds: number;
  grants: FunctionGrants;
  /**
   * Files copied into the function's package next to its bundle (from: relative to the
   * repository root; to: relative to the package), for what must not be inlined into the
   * bundle, such as the API reference's 5 MB renderer.
   */
  files?: readonly { from: string; to: string }[];
  /** Learns the API's public origin (PATHCERT_PUBLIC_BASE_URL), for credential URLs; implied by `grants.credentialKey`. */
  publicBaseUrl?: boolean;
}

export const functionCatalog = {
  system: {
    entry: 'functions/api/system/handler.ts',
    description: 'Health check, OpenAPI document and API reference page',
    trigger: 'http',
    memoryMb: 256,
    timeoutSeconds: 5,
    grants: {},
    // Served by GET /docs/assets/api-reference.js (functions/api/system/docs-assets.ts).
    files: [{ from: 'node_modules/@scalar/api-reference/dist/browser/standalone.js', to: 'docs-assets/api-reference.js' }],
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
    description:
      'The caller (/me), memberships and invitations of pathways and districts (publishes InvitationCreated); an accepted invitation vacates the review seats it makes conflicted; Cognito groups follow memberships',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    // userGroups: the `pathway`/`district` group is granted on acceptance and removed with the last membership needing it.
    grants: { table: 'readwrite', reviewTaskResults: true, userGroups: true, events: true },
  },
  // Accounts (issue 18) -------------------------------------------------------------------
  preSignUp: {
    entry: 'functions/accounts/pre-sign-up.ts',
    description: 'Cognito pre-sign-up trigger: self sign-up only for addresses with a pending invitation; never auto-verifies',
    trigger: 'cognito',
    memoryMb: 256,
    // Cognito waits 5 s for a trigger, whatever the timeout.
    timeoutSeconds: 5,
    grants: { inviteeLookup: true },
  },
  directory: {
    entry: 'functions/api/directory/handler.ts',
    description: 'The public directory of certified pathways',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    grants: { table: 'read' },
    // A profile links its certification's credential.
    publicBaseUrl: true,
  },
  credentials: {
    entry: 'functions/api/credentials/handler.ts',
    description: 'Verifiable credentials: credential, badge, status lists (signed on change), issuer keys, verifier',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    // Writes only the status lists' signed copies; signs status lists, publishes the key.
    grants: { table: 'readwrite', credentialKey: { sign: true, publicKey: true } },
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
    description: 'Applications: open, responses with per-response versions, lists and the staff queue',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    grants: { table: 'readwrite' },
  },
  submissions: {
    entry: 'functions/api/applications/submissions-handler.ts',
    description: 'Applications: submit (completeness, evidence frozen) and withdraw',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    // Submitting publishes ApplicationSubmitted and starts the review workflow; withdrawing
    // ends its waits (functions/pipeline/start.ts).
    grants: { table: 'readwrite', startReview: true, events: true, reviewTaskResults: true },
  },
  // Evidence (issue 4) --------------------------------------------------------------------
  evidence: {
    entry: 'functions/api/evidence/handler.ts',
    description: 'Evidence library: presigned POST uploads, versions, downloads, application evidence and ZIP export requests',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    grants: {
      table: 'readwrite',
      // write pending/: the presigned POST forms are signed with this role's credentials.
      // read quarantine/: staff may inspect refused files. write exports/requests/: export markers.
      // delete: a deleted item's files, wherever they are in their life.
      bucket: {
        read: ['evidence/', 'quarantine/', 'exports/'],
        write: ['pending/', 'exports/requests/'],
        delete: ['evidence/', 'quarantine/', 'pending/'],
      },
    },
  },
  resources: {
    entry: 'functions/api/resources/handler.ts',
    description: 'Staff library of exemplars and templates: uploads (same path as evidence), reading for every signed-in person',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    grants: {
      table: 'readwrite',
      bucket: {
        read: ['resources/', 'quarantine/resources/'],
        write: ['pending/resources/'],
        delete: ['resources/', 'quarantine/resources/'],
      },
    },
  },
  verifyUpload: {
    entry: 'functions/uploads/verify.ts',
    description: 'Verifies each upload under pending/ (size, leading bytes, SHA-256) and moves it to its readable prefix or to quarantine',
    trigger: 's3',
    s3: { prefix: 'pending/', events: ['s3:ObjectCreated:*'] },
    memoryMb: 512,
    // A 500 MB video is read once: about a minute on a slow path, with room for retries.
    timeoutSeconds: 300,
    grants: {
      table: 'readwrite',
      bucket: { read: ['pending/'], write: ['evidence/', 'resources/', 'quarantine/'], delete: ['pending/'] },
    },
  },
  expireUploads: {
    entry: 'functions/uploads/expire.ts',
    description: 'Hourly: declared uploads whose file never arrived become expired',
    trigger: 'schedule',
    memoryMb: 256,
    timeoutSeconds: 120,
    grants: { table: 'readwrite' },
  },
  exportEvidence: {
    entry: 'functions/uploads/export.ts',
    description: "Builds the ZIP of an application's evidence, streamed from S3 into a multipart upload, with progress",
    trigger: 's3',
    s3: { prefix: 'exports/requests/', events: ['s3:ObjectCreated:*'] },
    memoryMb: 1024,
    timeoutSeconds: 900,
    grants: {
      table: 'readwrite',
      bucket: { read: ['evidence/'], write: ['exports/'], delete: ['exports/requests/'], abortMultipart: ['exports/'] },
    },
  },
  // Review pipeline (issue 5): the review state machine's tasks (trigger 'pipeline'), the
  // APIs around it, and the daily review reminders.
  pipelinePrepare: {
    entry: 'functions/pipeline/prepare.ts',
    description:
      'Review workflow: claims the review round for its execution, validates and snapshots a submission, opens its review round, moves it into review',
    trigger: 'pipeline',
    memoryMb: 512,
    timeoutSeconds: 30,
    // Reads the round's current owner execution: a live one keeps the round (one execution per application).
    grants: { table: 'readwrite', readReviewExecutions: true },
  },
  pipelineAssign: {
    entry: 'functions/pipeline/assign.ts',
    description: 'Review workflow: assigns the panel (conflict-free, load-balanced) and notifies each reviewer once',
    trigger: 'pipeline',
    memoryMb: 512,
    timeoutSeconds: 30,
    grants: { table: 'readwrite', events: true },
  },
  pipelineAwaitReview: {
    entry: 'functions/pipeline/await-review.ts',
    description: "Review workflow: one seat's wait for its review; seats replacements, or waits for staff when nobody qualifies",
    trigger: 'pipeline',
    memoryMb: 512,
    timeoutSeconds: 30,
    grants: { table: 'readwrite', events: true, reviewTaskResults: true },
  },
  pipelineAggregate: {
    entry: 'functions/pipeline/aggregate.ts',
    description: 'Review workflow: aggregates the scores, finds disagreements, moves the application to decision pending',
    trigger: 'pipeline',
    memoryMb: 512,
    timeoutSeconds: 30,
    grants: { table: 'readwrite' },
  },
  pipelineAwaitStaff: {
    entry: 'functions/pipeline/await-staff.ts',
    description: "Review workflow: waits for staff's adjudication or decision",
    trigger: 'pipeline',
    memoryMb: 512,
    timeoutSeconds: 30,
    grants: { table: 'readwrite', reviewTaskResults: true },
  },
  pipelineDecide: {
    entry: 'functions/pipeline/decide.ts',
    description: "Review workflow: applies staff's decision (status, certification, pathway level and directory) and publishes its events",
    trigger: 'pipeline',
    memoryMb: 512,
    timeoutSeconds: 30,
    // kms:Sign only: the credential of a certification is signed with its decision.
    grants: { table: 'readwrite', events: true, credentialKey: { sign: true } },
  },
  pipelineRecordFailure: {
    entry: 'functions/pipeline/record-failure.ts',
    description: 'Review workflow: records a failed execution on the application and alerts staff',
    trigger: 'pipeline',
    memoryMb: 256,
    timeoutSeconds: 30,
    grants: { table: 'readwrite' },
  },
  reviewExecutionEnded: {
    entry: 'functions/pipeline/execution-ended.ts',
    description:
      'A review execution that failed, timed out or was stopped (Step Functions status change): marks its round failed and alerts staff',
    trigger: 'event',
    memoryMb: 256,
    timeoutSeconds: 30,
    // Reads the application and round, writes the round, the failure and the staff alert: nothing else.
    grants: { table: 'readwrite' },
  },
  reviews: {
    entry: 'functions/api/reviews/handler.ts',
    description:
      "Reviewers: my reviews, an assigned application's frozen submission and rubric, draft and submit scores, recuse, my reviewer profile",
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    grants: { table: 'readwrite', events: true, reviewTaskResults: true },
  },
  reviewRoster: {
    entry: 'functions/api/decisions/roster-handler.ts',
    description:
      'Staff: reviewer profiles (a new conflict vacates the seats it forbids; the Cognito reviewer group follows active), the review queue by stage, calibration and staff alerts',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    // userGroups: the `reviewer` group is removed when staff retire a reviewer, and given back on reactivation.
    grants: { table: 'readwrite', reviewTaskResults: true, userGroups: true },
  },
  reviewOffice: {
    entry: 'functions/api/decisions/handler.ts',
    description: 'Staff: review rounds, hand assignment, adjudication, decisions, workflow start, status and history',
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 15,
    grants: { table: 'readwrite', events: true, startReview: true, reviewTaskResults: true },
  },
  reviewReminders: {
    entry: 'functions/pipeline/review-reminders.ts',
    description: 'Daily: reminds reviewers 7 and 3 days before a review is due, reassigns a late review once, then alerts staff',
    trigger: 'schedule',
    memoryMb: 512,
    timeoutSeconds: 300,
    grants: { table: 'readwrite', reviewTaskResults: true },
  },
  // Recertification (issue 6) ------------------------------------------------------------
  recertificationSweep: {
    entry: 'functions/recertification/sweep.ts',
    description:
      'Daily: expiry notices, renewal drafts with evidence carried forward, and expiries (pathway level and directory), each exactly once; then invitation reminders',
    trigger: 'schedule',
    memoryMb: 512,
    // Reads only the certifications due that day: a few hundred at most, a few seconds each page.
    timeoutSeconds: 300,
    grants: { table: 'readwrite', events: true },
  },
  threads: {
    entry: 'functions/api/threads/handler.ts',
    description: "An application's message thread, virtual review sessions and decision letter; a pathway's certifications",
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    // events: MessagePosted, from which the notifier batches message emails.
    grants: { table: 'readwrite', events: true },
  },
  // Outcome data and the network (issue 7) -------------------------------------------
  outcomes: {
    entry: 'functions/api/outcomes/handler.ts',
    description: 'Outcome submissions (JSON, CSV upload declarations), suppressed reads, equity comparison, trends, partners',
    trigger: 'http',
    memoryMb: 1024,
    timeoutSeconds: 29,
    grants: { table: 'readwrite', bucket: { write: ['outcomes/'] } },
  },
  benefits: {
    entry: 'functions/api/benefits/handler.ts',
    description:
      "Network benefits by level (catalog, a pathway's benefits, capacity-limited requests, staff report) and staff withdrawal of a certification (publishes CertificationWithdrawn, BenefitsChanged)",
    trigger: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    grants: { table: 'readwrite', events: true },
  },
  network: {
    entry: 'functions/api/network/handler.ts',
    description: 'Network progress toward the goal, network outcome trends, staff CSV export and partner list',
    trigger: 'http',
    memoryMb: 1024,
    timeoutSeconds: 29,
    grants: { table: 'readwrite' },
  },
  networkProgress: {
    entry: 'functions/api/network/refresh-progress.ts',
    description: "Recomputes the network's progress totals when a certification is issued or expires, and daily",
    trigger: 'event',
    memoryMb: 512,
    timeoutSeconds: 120,
    grants: { table: 'readwrite' },
  },
  outcomeUploads: {
    entry: 'functions/api/outcomes/upload-processor.ts',
    description: 'Validates an uploaded outcome CSV as a stream and stores it, or records every error',
    trigger: 's3',
    s3: { prefix: 'outcomes/', events: ['s3:ObjectCreated:*'] },
    memoryMb: 1024,
    timeoutSeconds: 300,
    grants: { table: 'readwrite', bucket: { read: ['outcomes/'] } },
  },
  // Notifications (issue 6) ------------------------------------------------------------
  notifier: {
    entry: 'functions/notifications/notifier.ts',
    description:
      'Domain events to in-app notifications and emails (SES), exactly once per event and recipient; batched message emails (minutely schedule)',
    trigger: 'event',
    memoryMb: 512,
    timeoutSeconds: 60,
    grants: { table: 'readwrite', email: true },
  },
  emailFeedback: {
    entry: 'functions/notifications/email-feedback.ts',
    description: 'SES bounces and complaints: records the address so the notifier stops emailing it',
    trigger: 'event',
    memoryMb: 256,
    timeoutSeconds: 30,
    grants: { table: 'readwrite' },
  },
  notifications: {
    entry: 'functions/api/notifications/handler.ts',
    description: "The caller's in-app notifications (list, unread, mark read) and email preferences",
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
