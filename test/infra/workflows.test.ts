/**
 * State machines from ASL files and the catalog grants, on a fixture catalog and route
 * table (the real catalog does not yet use every kind of grant) and the fixture
 * definitions in test/fixtures/cdk-statemachines/.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '#catalog';
import type { RouteSpec } from '#lib/route.ts';
import { repoRoot } from '../../infra/bundling.ts';
import {
  actionsOf,
  findCycle,
  functionResource,
  functionStatements,
  nagFindings,
  prodContext,
  resourcesOf,
  synth,
  type Statement,
  type Synthesized,
} from './support.ts';

const fixtureDir = path.join(repoRoot, 'test/fixtures/cdk-statemachines');
const entry = 'functions/api/system/handler.ts';
const fn = (trigger: FunctionSpec['trigger'], grants: FunctionSpec['grants']): FunctionSpec => ({
  entry,
  description: 'fixture',
  trigger,
  memoryMb: 512,
  timeoutSeconds: 10,
  grants,
});

const catalog: Record<string, FunctionSpec> = {
  system: fn('http', {}),
  pathways: fn('http', { table: 'read', bucket: { read: ['evidence/'] }, startReview: true }),
  reviews: fn('http', { table: 'readwrite', bucket: { write: ['pending/'], delete: ['pending/'] }, reviewTaskResults: true }),
  prepare: fn('pipeline', { table: 'readwrite' }),
  // Invoked by the review machine and answering its tasks: both directions at once.
  assign: fn('pipeline', { table: 'readwrite', reviewTaskResults: true }),
};

const route = (method: string, p: string, name: string, auth: 'jwt' | 'public') =>
  ({ id: `${method}${p}`, method, path: p, fn: name, auth, summary: 'fixture', tags: [] }) as unknown as RouteSpec;
const routes: RouteSpec[] = [
  route('GET', '/health', 'system', 'public'),
  route('GET', '/pathways/{pathwayId}', 'pathways', 'jwt'),
  route('POST', '/reviews', 'reviews', 'jwt'),
  route('PUT', '/reviews/{reviewId}', 'reviews', 'jwt'),
];

let dev: Synthesized;
let prod: Synthesized;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pathcert-cdk-'));

beforeAll(() => {
  dev = synth({ stage: 'dev' }, { catalog, routes, stateMachinesDir: fixtureDir });
  prod = synth(prodContext, { catalog, routes, stateMachinesDir: fixtureDir });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const machines = (s: Synthesized) =>
  Object.values(s.resources)
    .filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')
    .map((r) => r.Properties!);
const fnArn = (s: Synthesized, name: string) => ({ 'Fn::GetAtt': [functionResource(s, name).id, 'Arn'] });
const ref = (s: Synthesized, construct: { node: { defaultChild?: unknown } }) => ({
  Ref: s.stack.resolve(s.stack.getLogicalId(construct.node.defaultChild as any)),
});
const envOf = (s: Synthesized, name: string): Record<string, unknown> => functionResource(s, name).props.Environment.Variables;
const grantsOf = (s: Synthesized, name: string): Statement[] =>
  // Drop the defaults every function has (its log group, X-Ray).
  functionStatements(s, name).filter((st) => !actionsOf(st).some((a) => /^(logs|xray):/.test(a)));
const sorted = (xs: string[]) => [...xs].sort();

describe('state machines from ASL files', () => {
  it('creates one Standard machine per file, named pathcert-<stage>-<stem>', () => {
    expect(
      machines(dev)
        .map((m) => m.StateMachineName)
        .sort(),
    ).toEqual(['pathcert-dev-intake', 'pathcert-dev-review']);
    for (const m of machines(dev)) expect(m.StateMachineType).toBe('STANDARD');
  });

  it('logs ALL events without execution data, and traces with X-Ray', () => {
    for (const m of machines(prod)) {
      expect(m.LoggingConfiguration.Level).toBe('ALL');
      expect(m.LoggingConfiguration.IncludeExecutionData).toBe(false);
      expect(m.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn).toBeDefined();
      expect(m.TracingConfiguration).toEqual({ Enabled: true });
    }
    prod.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/states/pathcert-prod-review',
      RetentionInDays: 365,
    });
  });

  it('resolves each substitution to the function ARN or the table name', () => {
    const review = machines(dev).find((m) => m.StateMachineName === 'pathcert-dev-review')!;
    expect(review.DefinitionS3Location).toBeDefined();
    expect(review.DefinitionSubstitutions).toEqual({
      Function_prepare: fnArn(dev, 'prepare'),
      Function_assign: fnArn(dev, 'assign'),
      TableName: ref(dev, dev.stack.data.table),
    });
    const intake = machines(dev).find((m) => m.StateMachineName === 'pathcert-dev-intake')!;
    expect(intake.DefinitionSubstitutions).toEqual({ Function_prepare: fnArn(dev, 'prepare') });
  });

  it('lets each machine invoke exactly the functions its definition names', () => {
    for (const [stem, names] of [
      ['review', ['assign', 'prepare']],
      ['intake', ['prepare']],
    ] as const) {
      const sm = dev.stack.workflows.workflows.get(stem)!.stateMachine;
      const policy = sm.role.node.findChild('DefaultPolicy').node.defaultChild as any;
      const statements: Statement[] = dev.resources[dev.stack.resolve(policy.logicalId)]!.Properties!.PolicyDocument.Statement;
      const invoke = statements.filter((st) => actionsOf(st).includes('lambda:InvokeFunction'));
      expect(invoke).toHaveLength(1);
      expect(actionsOf(invoke[0]!)).toEqual(['lambda:InvokeFunction']);
      expect(resourcesOf(invoke[0]!)).toEqual(expect.arrayContaining(names.map((n) => fnArn(dev, n))));
      expect(resourcesOf(invoke[0]!)).toHaveLength(names.length);
    }
  });

  it('outputs each state machine ARN', () => {
    const outputs = dev.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.StateMachineArnReview?.Value).toEqual(ref(dev, dev.stack.workflows.workflows.get('review')!.stateMachine));
    expect(outputs.StateMachineArnIntake).toBeDefined();
  });

  it('has no dependency cycle although a function is both invoked by and answering the review machine', () => {
    expect(findCycle(dev)).toBeUndefined();
  });

  it('handles a directory with no definitions, or none at all', () => {
    const empty = path.join(tmp, 'empty');
    mkdirSync(empty);
    for (const dir of [empty, path.join(tmp, 'missing')]) {
      const s = synth({ stage: 'dev' }, { catalog, routes, stateMachinesDir: dir });
      expect(machines(s)).toEqual([]);
    }
  });

  it('rejects an unknown function, an unknown substitution and an unsupported task resource', () => {
    const write = (name: string, text: string) => {
      const dir = path.join(tmp, name);
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'x.asl.json'), text);
      return dir;
    };
    const task = (resource: string, params: unknown = {}) =>
      JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: resource, Parameters: params, End: true } } });
    const build = (dir: string) => () => synth({ stage: 'dev' }, { catalog, routes, stateMachinesDir: dir });

    expect(build(write('unknown-fn', task('${Function_nope}')))).toThrow(/Function_nope.*names no function/);
    expect(
      build(write('unknown-sub', task('arn:aws:states:::lambda:invoke', { FunctionName: '${Function_prepare}', X: '${Mystery}' }))),
    ).toThrow(/unknown substitution \$\{Mystery\}/);
    expect(build(write('unsupported', task('arn:aws:states:::dynamodb:putItem', { TableName: '${TableName}' })))).toThrow(/not supported/);
    // Escaped placeholders and pseudo parameters are CloudFormation's, not ours.
    const ok = synth(
      { stage: 'dev' },
      { catalog, routes, stateMachinesDir: write('escaped', task('${Function_prepare}', { R: '${AWS::Region}', L: '${!Literal}' })) },
    );
    expect(machines(ok)[0]!.DefinitionSubstitutions).toEqual({ Function_prepare: fnArn(ok, 'prepare') });
  });
});

describe('catalog grants', () => {
  const tableResources = (s: Synthesized) => [
    s.stack.resolve(s.stack.data.table.tableArn),
    s.stack.resolve(`${s.stack.data.table.tableArn}/index/*`),
  ];
  const objects = (s: Synthesized, prefix: string) => s.stack.resolve(s.stack.evidence.bucket.arnForObjects(`${prefix}*`));

  const byService = (statements: Statement[], service: string) =>
    statements.filter((st) => actionsOf(st).every((a) => a.startsWith(`${service}:`)));

  it('read access: table read, evidence/ reads, starting reviews', () => {
    const st = grantsOf(dev, 'pathways');
    const dynamo = byService(st, 'dynamodb');
    const actions = dynamo.flatMap(actionsOf);
    expect(actions).toContain('dynamodb:Query');
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions.filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    for (const statement of dynamo) expect(resourcesOf(statement)).toEqual(tableResources(dev));

    const s3 = byService(st, 's3');
    expect(s3).toHaveLength(1);
    expect(sorted(actionsOf(s3[0]!))).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(resourcesOf(s3[0]!)).toEqual([objects(dev, 'evidence/')]);

    const states = byService(st, 'states');
    expect(states.flatMap(actionsOf)).toEqual(['states:StartExecution']);
    expect(JSON.stringify(states[0]!.Resource)).toContain(':stateMachine:pathcert-dev-review');

    expect(st.length).toBe(dynamo.length + s3.length + states.length);
    expect(envOf(dev, 'pathways')).toMatchObject({
      TABLE_NAME: ref(dev, dev.stack.data.table),
      EVIDENCE_BUCKET: ref(dev, dev.stack.evidence.bucket),
    });
    expect(JSON.stringify(envOf(dev, 'pathways').REVIEW_STATE_MACHINE_ARN)).toContain(':stateMachine:pathcert-dev-review');
  });

  it('write access: table read/write, pending/ writes and deletes, answering review tasks', () => {
    const st = grantsOf(dev, 'reviews');
    const actions = byService(st, 'dynamodb').flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query']));

    const s3 = byService(st, 's3');
    expect(s3.map((x) => sorted(actionsOf(x)))).toEqual([['s3:PutObject'], ['s3:DeleteObject']]);
    for (const x of s3) expect(resourcesOf(x)).toEqual([objects(dev, 'pending/')]);

    const states = byService(st, 'states');
    expect(sorted(states.flatMap(actionsOf))).toEqual(
      sorted(['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:DescribeExecution', 'states:GetExecutionHistory']),
    );
    const describe = states.find((x) => actionsOf(x).includes('states:DescribeExecution'))!;
    expect(JSON.stringify(describe.Resource)).toContain(':execution:pathcert-dev-review:*');
    expect(envOf(dev, 'reviews')).toHaveProperty('REVIEW_STATE_MACHINE_ARN');
  });

  it('grants nothing a catalog entry does not list, and names only granted resources', () => {
    expect(grantsOf(dev, 'system')).toEqual([]);
    expect(Object.keys(envOf(dev, 'system')).sort()).toEqual(['ALLOWED_ORIGINS', 'PATHCERT_STAGE', 'POWERTOOLS_SERVICE_NAME']);
    const prepare = grantsOf(dev, 'prepare');
    expect(prepare.flatMap(actionsOf).every((a) => a.startsWith('dynamodb:'))).toBe(true);
    expect(envOf(dev, 'prepare')).toHaveProperty('TABLE_NAME');
    expect(envOf(dev, 'prepare')).not.toHaveProperty('EVIDENCE_BUCKET');
    expect(envOf(dev, 'prepare')).not.toHaveProperty('REVIEW_STATE_MACHINE_ARN');
  });

  it('skips review grants (and their environment) while no review machine exists', () => {
    const dir = path.join(tmp, 'no-review');
    mkdirSync(dir);
    copyFileSync(path.join(fixtureDir, 'intake.asl.json'), path.join(dir, 'intake.asl.json'));
    const s = synth({ stage: 'dev' }, { catalog, routes, stateMachinesDir: dir });
    for (const name of ['pathways', 'reviews', 'assign']) {
      expect(
        grantsOf(s, name)
          .flatMap(actionsOf)
          .filter((a) => a.startsWith('states:')),
      ).toEqual([]);
      expect(envOf(s, name)).not.toHaveProperty('REVIEW_STATE_MACHINE_ARN');
    }
    const info = s.stack.functions.get('pathways')!.node.metadata.filter((m) => m.type === 'aws:cdk:info');
    expect(String(info[0]?.data)).toMatch(/startReview not granted/);
  });
});

describe('API wiring with JWT routes', () => {
  it('puts jwt routes behind the user pool authorizer and public routes outside it', () => {
    const poolId = dev.stack.resolve(dev.stack.getLogicalId(dev.stack.auth.userPool.node.defaultChild as any));
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [ref(dev, dev.stack.auth.client)],
        Issuer: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^https://cognito-idp\\.'), { Ref: poolId }])] },
      },
    });
    const routesInTemplate = Object.values(dev.resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
    const byKey = new Map(routesInTemplate.map((r) => [r.Properties!.RouteKey, r.Properties!]));
    expect(byKey.get('GET /health')!.AuthorizationType).toBe('NONE');
    for (const key of ['GET /pathways/{pathwayId}', 'POST /reviews', 'PUT /reviews/{reviewId}']) {
      expect(byKey.get(key)!.AuthorizationType).toBe('JWT');
    }
  });

  it('creates one integration and one invoke permission per HTTP function, not per route', () => {
    const count = (type: string) => Object.values(dev.resources).filter((r) => r.Type === type).length;
    expect(count('AWS::ApiGatewayV2::Integration')).toBe(3);
    expect(count('AWS::Lambda::Permission')).toBe(3);
  });
});

describe('cdk-nag with every kind of grant and state machine', () => {
  it('has no unacknowledged AwsSolutions finding in dev or prod', () => {
    expect(nagFindings(dev.stack)).toEqual([]);
    expect(nagFindings(prod.stack)).toEqual([]);
  });

  it('has no wildcard action', () => {
    for (const s of [dev, prod]) {
      for (const name of Object.keys(catalog)) {
        expect(
          functionStatements(s, name)
            .flatMap(actionsOf)
            .filter((a) => a.includes('*')),
        ).toEqual([]);
      }
    }
  });
});
