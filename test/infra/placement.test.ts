/**
 * Where the app's resources live (infra/placement.ts): every stack, root or nested, within
 * 60% of CloudFormation's 500 resources in dev and prod; every catalog function and every
 * route in the stack its kind places it in; stateful resources in the root stack under the
 * logical ids they had before the split, so an update never replaces them.
 */
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '#api/routes.ts';
import { functionCatalog, type FunctionSpec } from '#catalog';
import { routeKey } from '#lib/route.ts';
import { buildApp } from '../../infra/app.ts';
import { functionArea, NESTED_AREAS, ROUTES_AREA, STACK_RESOURCE_BUDGET, STACK_RESOURCE_LIMIT } from '../../infra/placement.ts';
import { logicalIdOf, nagFindings, prodContext, synth, type Synthesized } from './support.ts';

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  // As `cdk synth` does: the CLI's version report adds an AWS::CDK::Metadata resource to every
  // template, and it counts toward the limit like any other.
  const cli = { 'aws:cdk:version-reporting': true };
  dev = synth({ stage: 'dev', ...cli });
  prod = synth({ ...prodContext, ...cli });
}, 300_000);

const stages = () => [dev, prod];

/** The path of the stack a construct is in, relative to the root (`root`, `Functions`, `Api`). */
const areaOf = (s: Synthesized, construct: IConstruct): string => {
  const stack = Stack.of(construct);
  return stack === s.stack ? 'root' : stack.node.id;
};

describe('stack sizes', () => {
  it(`keeps every stack, root and nested, at or under ${STACK_RESOURCE_BUDGET} resources (60% of ${STACK_RESOURCE_LIMIT})`, () => {
    expect(STACK_RESOURCE_BUDGET).toBe(0.6 * STACK_RESOURCE_LIMIT);
    for (const s of stages()) {
      const sizes = Object.fromEntries(s.stacks.map((t) => [t.path, Object.keys(t.template.Resources).length]));
      for (const t of s.stacks)
        expect(
          Object.values(t.template.Resources).filter((r) => r.Type === 'AWS::CDK::Metadata'),
          t.path,
        ).toHaveLength(1);
      for (const [path, size] of Object.entries(sizes))
        expect(size, `${path}: ${JSON.stringify(sizes)}`).toBeLessThanOrEqual(STACK_RESOURCE_BUDGET);
    }
  });

  it('has the root and one nested stack per area, and loses no resource in the split', () => {
    for (const s of stages()) {
      const prefix = s.stack.config.prefix;
      expect(s.stacks.map((t) => t.path).sort()).toEqual([prefix, ...Object.keys(NESTED_AREAS).map((a) => `${prefix}/${a}`)].sort());
      const nestedStackResources = s.stacks
        .flatMap((t) => Object.values(t.template.Resources))
        .filter((r) => r.Type === 'AWS::CloudFormation::Stack');
      expect(nestedStackResources).toHaveLength(Object.keys(NESTED_AREAS).length);
      const total = s.stacks.reduce((n, t) => n + Object.keys(t.template.Resources).length, 0);
      // The flat view drops the nested stacks' own resources and the version reports.
      expect(Object.keys(s.resources)).toHaveLength(total - nestedStackResources.length - s.stacks.length);
    }
  });

  it("keeps each template's parameters and outputs within CloudFormation's 200", () => {
    for (const s of stages()) {
      for (const t of s.stacks) {
        expect(Object.keys(t.template.Parameters ?? {}).length, t.path).toBeLessThanOrEqual(200);
        expect(Object.keys(t.template.Outputs ?? {}).length, t.path).toBeLessThanOrEqual(200);
      }
    }
  });
});

describe('placement follows the shared definitions', () => {
  it('puts every catalog function, with its role, policy and log group, in the stack its trigger places it in', () => {
    for (const s of stages()) {
      expect([...s.stack.functions.keys()].sort()).toEqual(Object.keys(functionCatalog).sort());
      for (const [name, fn] of s.stack.functions) {
        const area = functionArea(name, (functionCatalog as Record<string, FunctionSpec>)[name]!);
        for (const part of [fn.function, fn.role, fn.logGroup]) expect(areaOf(s, part), `${name} ${part.node.id}`).toBe(area);
      }
      // The Cognito trigger stays with the user pool that names it.
      expect(areaOf(s, s.stack.functions.get('preSignUp')!.function)).toBe('root');
      expect(areaOf(s, s.stack.auth.userPool)).toBe('root');
    }
  });

  it('puts every route of functions/api/routes.ts, with its integration and permission, in the Routes stack; the API stays in the root', () => {
    for (const s of stages()) {
      expect(areaOf(s, s.stack.api.httpApi)).toBe('root');
      expect(areaOf(s, s.stack.api.stage)).toBe('root');
      const routesStack = s.stacks.find((t) => t.stack.node.id === ROUTES_AREA && t.stack !== s.stack)!;
      const types = new Set(
        Object.values(routesStack.template.Resources)
          .map((r) => r.Type)
          .filter((t) => t !== 'AWS::CDK::Metadata'),
      );
      expect([...types].sort()).toEqual(['AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Route', 'AWS::Lambda::Permission']);
      const keys = Object.values(routesStack.template.Resources)
        .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
        .map((r) => String(r.Properties?.RouteKey));
      expect(keys.sort()).toEqual(apiRoutes.map(routeKey).sort());
      for (const t of s.stacks.filter((x) => x !== routesStack)) {
        const stray = Object.values(t.template.Resources).filter(
          (r) => r.Type === 'AWS::ApiGatewayV2::Route' || r.Type === 'AWS::ApiGatewayV2::Integration',
        );
        expect(stray, t.path).toEqual([]);
      }
    }
  });

  it('refuses a function whose trigger no stack takes', () => {
    const stray = { trigger: 'queue' } as unknown as FunctionSpec;
    expect(() => functionArea('drainQueue', stray)).toThrow(/drainQueue has trigger 'queue', which infra\/placement.ts places in no stack/);
    expect(() =>
      synth(
        { stage: 'dev' },
        { catalog: { drainQueue: { ...functionCatalog.system, trigger: 'queue' } as unknown as FunctionSpec }, routes: [] },
      ),
    ).toThrow(/places in no stack/);
  });
});

/**
 * Stateful resources and their logical ids before the split (the single stack of 1.0.0). A
 * resource whose logical id or stack changes is a new resource to CloudFormation: the table,
 * buckets and user pool would be replaced, the keys and queues recreated. The credential
 * issuer's key came after 1.0.0 (1.1.0); its id is pinned from its first release on.
 */
const STATEFUL: Record<string, string[]> = {
  'AWS::DynamoDB::Table': ['DataTableFDBAD0F2'],
  'AWS::S3::Bucket': ['EvidenceAccessLogs6F1E67A5', 'EvidenceBucketC67FF768'],
  'AWS::Cognito::UserPool': ['AuthUserPool8115E87F'],
  'AWS::Cognito::UserPoolClient': ['AuthUserPoolWebClient147E4E38'],
  'AWS::Cognito::UserPoolDomain': ['AuthUserPoolDomain31C6792A'],
  'AWS::KMS::Key': ['CredentialsIssuerKey7ED971BE', 'MonitoringAlarmTopicKeyFFA45DC9'],
  'AWS::SNS::Topic': ['MonitoringAlarmTopicAF62D4F1'],
  'AWS::Events::EventBus': ['EventsBus45DE4339'],
  'AWS::StepFunctions::StateMachine': ['Workflowsreview657A4E02'],
  // Not stateful, but its id is the API's address (ApiUrl, custom-domain mappings).
  'AWS::ApiGatewayV2::Api': ['ApiHttpApi4C294DC0'],
  'AWS::ApiGatewayV2::Stage': ['ApiDefaultStage189A7074'],
  'AWS::SQS::Queue': [
    'EvidenceDlqs3invocations2A0D1836',
    'EventsDlqrulenotify3BB8285F',
    'EventsDlqrulenetworkprogressB54C6002',
    'EventsDlqrulesesfeedbackEE76139A',
    'EventsDlqrulereviewexecutionendedE3C7AC4B',
    'EventsDlqschedulerecertificationsweep1E64689F',
    'EventsDlqschedulereviewreminders472EE8B4',
    'EventsDlqschedulenetworkprogress309E65EB',
    'EventsDlqscheduleuploadexpiry2AD77AF6',
  ],
};

describe('stateful resources', () => {
  it('stay in the root stack under their logical ids of 1.0.0', () => {
    for (const s of stages()) {
      const [root, ...nested] = s.stacks;
      expect(root!.stack).toBe(s.stack);
      for (const [type, ids] of Object.entries(STATEFUL)) {
        const inRoot = Object.entries(root!.template.Resources)
          .filter(([, r]) => r.Type === type)
          .map(([id]) => id);
        expect(inRoot.sort(), type).toEqual([...ids].sort());
        for (const t of nested)
          expect(
            Object.values(t.template.Resources).filter((r) => r.Type === type),
            `${type} in ${t.path}`,
          ).toEqual([]);
      }
      expect(logicalIdOf(s.stack.data.table)).toBe('DataTableFDBAD0F2');
    }
  });
});

describe('cdk-nag in nested stacks', () => {
  it('has no finding in any stack, and fails synthesis on a finding inside a nested stack (the check can fail)', () => {
    for (const s of stages()) {
      expect(nagFindings(s.stack)).toEqual([]);
    }
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], stage: 'dev' } });
    const stack = buildApp(app);
    const functionsStack = stack.area('Functions');
    expect(NestedStack.isNestedStack(functionsStack)).toBe(true);
    new Bucket(functionsStack, 'Unprotected');
    expect(() => Template.fromStack(stack)).toThrow(/AwsSolutions-S1/);
  });
});
