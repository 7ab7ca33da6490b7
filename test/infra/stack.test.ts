/**
 * The real stack (real catalog, routes and statemachines/) for dev and prod: resources,
 * defaults, least privilege and cdk-nag. Both stages are synthesized once and shared.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '#api/routes.ts';
import { functionCatalog } from '#catalog';
import { routeKey } from '#lib/route.ts';
import { tableIndexes } from '#store/table.ts';
import { buildApp } from '../../infra/app.ts';
import { evidenceCorsRule } from '../../infra/evidence-cors.ts';
import { PLACEHOLDER_SENDER, resolveStageConfig } from '../../infra/stage-config.ts';
import {
  actionsOf,
  allStatements,
  functionResource,
  functionStatements,
  nagFindings,
  prodContext,
  synth,
  type Synthesized,
} from './support.ts';

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synth({ stage: 'dev' });
  prod = synth(prodContext);
});

const ofType = (s: Synthesized, type: string) => Object.entries(s.resources).filter(([, r]) => r.Type === type);

describe('stage configuration', () => {
  it('names the stack after the stage and takes no region from code', () => {
    expect(dev.stack.stackName).toBe('pathcert-dev');
    expect(prod.stack.stackName).toBe('pathcert-prod');
    expect(dev.stack.config.senderEmail).toBe(PLACEHOLDER_SENDER);
  });

  it('refuses prod without allowed origins, with "*", or without a sender', () => {
    const build = (context: Record<string, unknown>) => () => buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }));
    expect(build({ stage: 'prod', senderEmail: 'a@b.example' })).toThrow(/allowedOrigins/);
    expect(build({ stage: 'prod', senderEmail: 'a@b.example', allowedOrigins: '*' })).toThrow(/not allowed in prod/);
    expect(build({ stage: 'prod', allowedOrigins: 'https://app.example' })).toThrow(/senderEmail/);
    expect(build({ stage: 'test' })).toThrow(/Unknown stage/);
    expect(build({ stage: 'dev', allowedOrigins: 'https://app.example/path' })).toThrow(/not an origin/);
  });

  it('allows "*" outside prod and parses a comma list', () => {
    const app = new App({ context: { stage: 'dev', allowedOrigins: 'https://a.example, http://localhost:5173' } });
    expect(resolveStageConfig(app).allowedOrigins).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(dev.stack.config.allowedOrigins).toEqual(['*']);
  });
});

describe('table', () => {
  it('has the keys and every index of functions/store/table.ts, on demand, with PITR and TTL', () => {
    for (const s of [dev, prod]) {
      s.template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        SSESpecification: { SSEEnabled: true },
        GlobalSecondaryIndexes: tableIndexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      });
    }
  });

  it('is retained and deletion-protected in prod, disposable in dev', () => {
    prod.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    dev.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});

describe('evidence bucket', () => {
  const evidenceBucket = (s: Synthesized) => {
    const id = s.stack.resolve(s.stack.getLogicalId(s.stack.evidence.bucket.node.defaultChild as any)) as string;
    return { id, props: s.resources[id]!.Properties! };
  };

  it('blocks public access, is versioned, encrypted and logs access to the log bucket', () => {
    for (const s of [dev, prod]) {
      const { props } = evidenceBucket(s);
      expect(props.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
      const logsId = s.stack.resolve(s.stack.getLogicalId(s.stack.evidence.accessLogs.node.defaultChild as any));
      expect(props.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logsId });
    }
  });

  it('denies requests without TLS', () => {
    const { id } = evidenceBucket(prod);
    prod.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('allows browser uploads from the stage origins with the shared CORS rule', () => {
    const rule = evidenceCorsRule(prodContext.allowedOrigins.split(','));
    expect(evidenceBucket(prod).props.CorsConfiguration.CorsRules).toEqual([
      {
        AllowedOrigins: rule.allowedOrigins,
        AllowedMethods: rule.allowedMethods,
        AllowedHeaders: rule.allowedHeaders,
        ExposedHeaders: rule.exposedHeaders,
        MaxAge: rule.maxAgeSeconds,
      },
    ]);
    expect(evidenceBucket(dev).props.CorsConfiguration.CorsRules[0].AllowedOrigins).toEqual(['*']);
  });

  it('expires pending uploads and incomplete multipart uploads', () => {
    const rules = evidenceBucket(prod).props.LifecycleConfiguration.Rules as Record<string, any>[];
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
        expect.objectContaining({ Prefix: 'pending/', ExpirationInDays: 2, Status: 'Enabled' }),
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 365 } }),
      ]),
    );
    const abort = rules.find((r) => r.AbortIncompleteMultipartUpload);
    expect(abort?.Prefix).toBeUndefined();
  });

  it('keeps buckets in prod', () => {
    expect(prod.resources[evidenceBucket(prod).id]!.DeletionPolicy).toBe('Retain');
  });
});

describe('functions', () => {
  it('creates every catalog function once, with the shared defaults and catalog sizing', () => {
    for (const s of [dev, prod]) {
      // Besides the catalog, only CDK's bucket-notifications handler (the evidence bucket's S3 triggers).
      const functions = ofType(s, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('BucketNotificationsHandler'));
      expect(functions).toHaveLength(Object.keys(functionCatalog).length);
      for (const [name, spec] of Object.entries(functionCatalog)) {
        const { props } = functionResource(s, name);
        expect(props.FunctionName).toBe(`${s.stack.config.prefix}-${name}`);
        expect(props.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
        expect(props.Architectures).toEqual(['arm64']);
        // X-Ray only on the review pipeline's tasks by default (StageConfig.tracing).
        expect(props.TracingConfig, name).toEqual(spec.trigger === 'pipeline' ? { Mode: 'Active' } : undefined);
        expect(props.MemorySize).toBe(spec.memoryMb);
        expect(props.Timeout).toBe(spec.timeoutSeconds);
        expect(props.Handler).toBe('index.handler');
        expect(props.Environment.Variables).toMatchObject({
          POWERTOOLS_SERVICE_NAME: 'pathcert',
          PATHCERT_STAGE: s.stack.config.stage,
          ALLOWED_ORIGINS: s.stack.config.allowedOrigins.join(','),
        });
        expect(props.LoggingConfig.LogGroup).toEqual({
          Ref: s.stack.resolve(s.stack.getLogicalId(s.stack.functions.get(name)!.logGroup.node.defaultChild as any)),
        });
      }
    }
  });

  it('gives each function a log group with a retention', () => {
    prod.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/pathcert-prod-system',
      RetentionInDays: 365,
    });
    dev.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/pathcert-dev-system',
      RetentionInDays: 30,
    });
  });

  it('gives the system function no data access and no resource names', () => {
    const statements = functionStatements(dev, 'system');
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => /^(dynamodb|s3|states):/.test(a))).toEqual([]);
    const env = functionResource(dev, 'system').props.Environment.Variables;
    expect(env).not.toHaveProperty('TABLE_NAME');
    expect(env).not.toHaveProperty('EVIDENCE_BUCKET');
  });
});

describe('HTTP API', () => {
  it('has one route per RouteSpec with the right authorization and function', () => {
    for (const s of [dev, prod]) {
      const routes = ofType(s, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!);
      expect(routes).toHaveLength(apiRoutes.length);
      for (const spec of apiRoutes) {
        const route = routes.find((r) => r.RouteKey === routeKey(spec));
        expect(route, routeKey(spec)).toBeDefined();
        expect(route!.AuthorizationType).toBe(spec.auth === 'jwt' ? 'JWT' : 'NONE');
        if (spec.auth === 'jwt') expect(route!.AuthorizerId).toBeDefined();
        // Target is integrations/<integration id>; that integration calls the spec's function.
        const integrationRef = route!.Target['Fn::Join'][1][1].Ref as string;
        const integration = s.resources[integrationRef]!.Properties!;
        expect(integration.IntegrationUri).toEqual({ 'Fn::GetAtt': [functionResource(s, spec.fn).id, 'Arn'] });
        expect(integration.PayloadFormatVersion).toBe('2.0');
      }
    }
  });

  it.skipIf(!apiRoutes.some((r) => r.auth === 'jwt'))('trusts the user pool issuer for the app client audience', () => {
    const poolId = prod.stack.resolve(prod.stack.getLogicalId(prod.stack.auth.userPool.node.defaultChild as any));
    const clientId = prod.stack.resolve(prod.stack.getLogicalId(prod.stack.auth.client.node.defaultChild as any));
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
        Issuer: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^https://cognito-idp\\.'), { Ref: poolId }])] },
      },
    });
  });

  it('answers CORS preflights for the stage origins only', () => {
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({
        AllowOrigins: prodContext.allowedOrigins.split(','),
        AllowHeaders: Match.arrayWith(['authorization', 'content-type', 'if-match']),
        ExposeHeaders: ['etag', 'location', 'retry-after', 'x-correlation-id'],
        AllowCredentials: false,
      }),
    });
  });

  it('throttles the default stage and writes JSON access logs', () => {
    const [, stage] = ofType(prod, 'AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.Properties!.StageName).toBe('$default');
    expect(stage.Properties!.AutoDeploy).toBe(true);
    expect(stage.Properties!.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 });
    const format = JSON.parse(stage.Properties!.AccessLogSettings.Format) as Record<string, string>;
    expect(format.requestId).toBe('$context.requestId');
    expect(format.status).toBe('$context.status');
    expect(stage.Properties!.AccessLogSettings.DestinationArn).toBeDefined();
  });
});

describe('auth', () => {
  it('is an email user pool with strong passwords, optional MFA and the four role groups (sign-up: test/infra/accounts.test.ts)', () => {
    prod.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
      DeletionProtection: 'ACTIVE',
    });
    const groups = ofType(prod, 'AWS::Cognito::UserPoolGroup').map(([, r]) => r.Properties!.GroupName);
    expect(groups.sort()).toEqual(['district', 'pathway', 'reviewer', 'staff']);
    prod.template.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false });
  });
});

describe('outputs and events', () => {
  it('exports the API URL, table, bucket and user pool ids, and creates the stage bus', () => {
    const outputs = Object.keys(dev.template.toJSON().Outputs);
    for (const key of ['ApiUrl', 'TableName', 'EvidenceBucketName', 'UserPoolId', 'UserPoolClientId', 'IssuerUrl', 'EventBusName']) {
      expect(outputs).toContain(key);
    }
    dev.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'pathcert-dev' });
  });
});

describe('least privilege and cdk-nag', () => {
  it('has no wildcard action in any policy statement', () => {
    for (const s of [dev, prod]) {
      const wildcard = allStatements(s)
        .filter((st) => st.Effect === 'Allow')
        .flatMap(actionsOf)
        .filter((a) => a.includes('*'));
      expect(wildcard).toEqual([]);
    }
  });

  it('has no unacknowledged AwsSolutions finding in dev or prod', () => {
    expect(nagFindings(dev.stack)).toEqual([]);
    expect(nagFindings(prod.stack)).toEqual([]);
  });

  it('fails synthesis and reports a finding when a rule is broken (the check can fail)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], stage: 'dev' } });
    const stack = buildApp(app);
    new Bucket(stack, 'Unprotected');
    expect(() => Template.fromStack(stack)).toThrow(/AwsSolutions-S1/);
    expect(nagFindings(stack).join('\n')).toMatch(/AwsSolutions-S1 at pathcert-dev\/Unprotected/);
  });
});
