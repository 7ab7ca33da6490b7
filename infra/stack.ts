/**
 * The pathcert stack: one construct per concern, wired from the shared definitions
 * (functions/catalog.ts, functions/api/routes.ts, functions/store/table.ts,
 * statemachines/*.asl.json). The functions and the API's routes live in nested stacks of this
 * one (infra/placement.ts says which part goes where); `cdk deploy` still deploys one stack.
 */
import path from 'node:path';
import { Annotations, CfnOutput, NestedStack, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { defaultBusRules } from '#events/rules.ts';
import { apiRoutes } from '#api/routes.ts';
import { functionCatalog, type FunctionSpec } from '#catalog';
import type { RouteSpec } from '#lib/route.ts';
import { repoRoot } from './bundling.ts';
import { Api } from './constructs/api.ts';
import { Auth } from './constructs/auth.ts';
import { Credentials } from './constructs/credentials.ts';
import { Data } from './constructs/data.ts';
import { Email } from './constructs/email.ts';
import { Events } from './constructs/events.ts';
import { Evidence } from './constructs/evidence.ts';
import { PathcertFunction } from './constructs/function-defaults.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { SmokeClient } from './constructs/smoke-client.ts';
import { applyGrants } from './constructs/grants.ts';
import { REVIEW_WORKFLOW, stateMachineArn, stateMachineName, Workflows, listDefinitions } from './constructs/workflows.ts';
import { ROUTES_AREA, functionArea, NESTED_AREAS, type Area } from './placement.ts';
import type { StageConfig } from './stage-config.ts';

export interface PathcertStackProps extends StackProps {
  config: StageConfig;
  /** Functions to create; the real catalog unless a test passes a fixture. */
  catalog?: Readonly<Record<string, FunctionSpec>>;
  /** Routes to create; the real route table unless a test passes a fixture. */
  routes?: readonly RouteSpec[];
  /** Directory of the *.asl.json definitions; statemachines/ unless a test passes a fixture. */
  stateMachinesDir?: string;
}

export class PathcertStack extends Stack {
  readonly config: StageConfig;
  readonly functions = new Map<string, PathcertFunction>();
  readonly data: Data;
  readonly evidence: Evidence;
  readonly auth: Auth;
  readonly events: Events;
  readonly email: Email;
  readonly credentials: Credentials;
  readonly workflows: Workflows;
  readonly api: Api;
  readonly monitoring: Monitoring;
  /** The nested stacks by area (infra/placement.ts), created when something is placed in them. */
  readonly nestedStacks = new Map<Exclude<Area, 'root'>, NestedStack>();

  constructor(scope: Construct, id: string, props: PathcertStackProps) {
    super(scope, id, props);
    // Server access logs are delivered under a bucket policy, not ACLs (the buckets
    // enforce bucket-owner ownership, which disables ACLs). Set before any child exists.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    const config = (this.config = props.config);
    const catalog: Readonly<Record<string, FunctionSpec>> = props.catalog ?? functionCatalog;
    const routes = props.routes ?? apiRoutes;
    const stateMachinesDir = props.stateMachinesDir ?? path.join(repoRoot, 'statemachines');

    this.data = new Data(this, 'Data', { config });
    this.evidence = new Evidence(this, 'Evidence', { config });
    this.auth = new Auth(this, 'Auth', { config });
    this.events = new Events(this, 'Events', { config });
    this.email = new Email(this, 'Email', { config });
    this.credentials = new Credentials(this, 'Credentials', { config });

    for (const [name, spec] of Object.entries(catalog)) {
      this.functions.set(name, new PathcertFunction(this.area(functionArea(name, spec)), `Fn-${name}`, { name, spec, config }));
    }

    this.workflows = new Workflows(this, 'Workflows', {
      config,
      directory: stateMachinesDir,
      functions: this.functions,
      values: {
        TableName: this.data.table.tableName,
        EvidenceBucket: this.evidence.bucket.bucketName,
        EventBusName: this.events.bus.eventBusName,
      },
    });

    // Grants name the review machine by its ARN built from its fixed name, not by a
    // reference to the resource: a function the machine invokes may also answer its tasks,
    // and a reference both ways would be a CloudFormation dependency cycle.
    const hasReview = listDefinitions(stateMachinesDir).includes(`${REVIEW_WORKFLOW}.asl.json`);
    const reviewName = stateMachineName(config, REVIEW_WORKFLOW);
    const review = hasReview ? { name: reviewName, arn: stateMachineArn(this, reviewName) } : undefined;
    // Rules and schedules of events/, targeting the functions by catalog name; the default
    // bus's rules include the review machine's status changes (by the same built ARN).
    this.events.connect(this.functions, { defaultBusRules: defaultBusRules(review?.arn) });
    for (const [name, fn] of this.functions) {
      const spec = catalog[name]!;
      const { skipped } = applyGrants(fn, spec.grants, {
        table: this.data.table,
        bucket: this.evidence.bucket,
        review,
        bus: this.events.bus,
        sender: config.senderEmail,
        configurationSet: { name: this.email.configurationSet.configurationSetName, arn: this.email.configurationSetArn },
        userPool: this.auth.userPool,
        credentialKey: this.credentials.key,
      });
      // The shared staff inbox's address (message emails to staff), for the functions that send email.
      if (spec.grants.email && config.staffInboxEmail) fn.addEnvironment('STAFF_INBOX_EMAIL', config.staffInboxEmail);
      if (skipped.length > 0) {
        Annotations.of(fn).addInfo(`${skipped.join(', ')} not granted: statemachines/${REVIEW_WORKFLOW}.asl.json does not exist yet`);
      }
    }

    // Functions triggered by the evidence bucket get its notifications, filtered by prefix.
    for (const [name, fn] of this.functions) {
      const spec = catalog[name]!;
      if (spec.trigger !== 's3') continue;
      if (!spec.s3) throw new Error(`catalog function ${name} has trigger 's3' but no s3 prefix`);
      this.evidence.notify(fn.function, spec.s3);
    }

    // Cognito triggers: only the pre-sign-up one exists (invited addresses only).
    for (const [name, fn] of this.functions) {
      if (catalog[name]!.trigger !== 'cognito') continue;
      if (name !== 'preSignUp')
        throw new Error(`catalog function ${name} has trigger 'cognito'; only preSignUp is attached (infra/constructs/auth.ts)`);
      this.auth.attachPreSignUp(fn.function);
    }

    // Opt-in (-c smokeTestClient=true): the client `npm run test:deployed` signs in with.
    const smoke = config.smokeTestClient ? new SmokeClient(this, 'SmokeTest', { config, userPool: this.auth.userPool }) : undefined;

    const httpFunctions = new Map([...this.functions].filter(([name]) => catalog[name]!.trigger === 'http'));
    this.api = new Api(this, 'Api', {
      config,
      routes,
      functions: httpFunctions,
      issuer: this.auth.issuer,
      audience: [this.auth.client.userPoolClientId, ...(smoke ? [smoke.client.userPoolClientId] : [])],
      // The API itself (its id is in ApiUrl and in custom-domain mappings) stays here.
      routeScope: routes.length > 0 ? this.area(ROUTES_AREA) : undefined,
    });

    // Credentials are issued under the API's public origin (did:web, credential and status list URLs).
    const publicBaseUrl = config.publicBaseUrl ?? this.api.url.replace(/\/+$/, '');
    for (const [name, fn] of this.functions) {
      const spec = catalog[name]!;
      if (spec.grants.credentialKey || spec.publicBaseUrl) fn.addEnvironment('PATHCERT_PUBLIC_BASE_URL', publicBaseUrl);
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      config,
      httpApi: this.api.httpApi,
      functions: this.functions,
      triggers: Object.fromEntries(Object.entries(catalog).map(([name, spec]) => [name, spec.trigger])),
      stateMachines: new Map([...this.workflows.workflows].map(([stem, w]) => [stem, w.stateMachine])),
      // The dead-letter queues of the events' rules and schedules and of the S3-invoked
      // functions (the stack's only SQS queues; test/infra/monitoring.test.ts checks every
      // queue has its alarm).
      deadLetterQueues: [
        ...this.events.deadLetterQueues.values(),
        ...(this.evidence.failedInvocationsQueue ? [this.evidence.failedInvocationsQueue] : []),
      ],
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.topic.topicArn,
      description: 'SNS topic of every alarm: subscribe the on-call address',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'EvidenceBucketName', { value: this.evidence.bucket.bucketName });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.client.userPoolClientId });
    new CfnOutput(this, 'AuthDomain', {
      value: this.auth.domain.baseUrl(),
      description: 'Managed login (hosted UI): /oauth2/authorize with the web client, response_type=code and PKCE',
    });
    new CfnOutput(this, 'IssuerUrl', { value: this.auth.issuer, description: 'JWT issuer the API trusts' });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
    if (smoke) {
      new CfnOutput(this, 'SmokeTestClientId', {
        value: smoke.client.userPoolClientId,
        description: 'App client of npm run test:deployed (ADMIN_USER_PASSWORD_AUTH)',
      });
    }
    for (const workflow of this.workflows.workflows.values()) {
      new CfnOutput(this, `StateMachineArn${outputSuffix(workflow.stem)}`, {
        value: workflow.stateMachine.stateMachineArn,
        description: `State machine ${workflow.name}`,
      });
    }
  }

  /** The scope of an area: this stack, or its nested stack (created on first use: CloudFormation refuses an empty one). */
  area(area: Area): Stack {
    if (area === 'root') return this;
    let nested = this.nestedStacks.get(area);
    if (!nested) {
      nested = new NestedStack(this, area, { description: `${this.config.prefix}: ${NESTED_AREAS[area]}` });
      this.nestedStacks.set(area, nested);
    }
    return nested;
  }
}

/** `review-appeal` -> `ReviewAppeal` (output ids are alphanumeric). */
function outputSuffix(stem: string): string {
  return stem
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
