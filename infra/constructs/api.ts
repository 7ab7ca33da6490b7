/**
 * The HTTP API: one API Gateway route per RouteSpec of functions/api/routes.ts, each
 * integrated with the catalog function named by the spec; `jwt` routes behind the user
 * pool's JWT authorizer, `public` routes open. CORS preflight comes from infra/api-cors.ts
 * (which the local HTTP API also reads), access logs are JSON lines, and the default stage
 * is throttled per the stage config.
 */
import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteSpec } from '#lib/route.ts';
import { routeKey } from '#lib/route.ts';
import { apiCorsConfig } from '../api-cors.ts';
import type { StageConfig } from '../stage-config.ts';
import type { PathcertFunction } from './function-defaults.ts';
import { acknowledge } from './nag.ts';

export interface ApiProps {
  config: StageConfig;
  routes: readonly RouteSpec[];
  /** The catalog functions with trigger 'http', by catalog name. */
  functions: ReadonlyMap<string, PathcertFunction>;
  issuer: string;
  audience: string[];
  /**
   * Where the routes go, with the integrations and Lambda permissions they create: a nested
   * stack of the API's stack (infra/placement.ts), or the API itself when not given.
   */
  routeScope?: Construct;
}

/**
 * HTTP API context variables only (the REST API's jsonWithStandardFields names variables
 * HTTP APIs do not have). No claims or bodies: they identify people.
 */
const accessLogFields = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
};

export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config, routes, functions } = props;
    const cors = apiCorsConfig(config.allowedOrigins);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: config.prefix,
      description: `pathcert ${config.stage} HTTP API`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: cors.allowOrigins,
        allowMethods: cors.allowMethods.map((m) => CorsHttpMethod[m as keyof typeof CorsHttpMethod]),
        allowHeaders: cors.allowHeaders,
        exposeHeaders: cors.exposeHeaders,
        maxAge: Duration.seconds(cors.maxAgeSeconds),
        allowCredentials: cors.allowCredentials,
      },
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${config.prefix}/access`,
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });
    this.url = this.stage.url;

    const authorizer = new HttpJwtAuthorizer('Jwt', props.issuer, {
      authorizerName: `${config.prefix}-jwt`,
      jwtAudience: props.audience,
    });
    const none = new HttpNoneAuthorizer();

    // One integration (and one Lambda permission) per function, shared by its routes: a
    // permission per route would grow the function's resource policy toward its 20 KB cap.
    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationFor = (name: string): HttpLambdaIntegration => {
      let integration = integrations.get(name);
      if (!integration) {
        const fn = functions.get(name);
        if (!fn) {
          throw new Error(`a route names function "${name}", which is not an 'http' function of functions/catalog.ts`);
        }
        integration = new HttpLambdaIntegration(`${name}Integration`, fn.function, { scopePermissionToRoute: false });
        integrations.set(name, integration);
      }
      return integration;
    };

    const seen = new Set<string>();
    for (const spec of routes) {
      const key = routeKey(spec);
      if (seen.has(key)) throw new Error(`duplicate route ${key} in functions/api/routes.ts`);
      seen.add(key);
      // The construct id HttpApi.addRoutes would give the route, under the route scope.
      const route = new HttpRoute(props.routeScope ?? this.httpApi, `${spec.method}${spec.path}`, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(spec.path, HttpMethod[spec.method]),
        integration: integrationFor(spec.fn),
        authorizer: spec.auth === 'jwt' ? authorizer : none,
      });
      if (spec.auth === 'public') {
        acknowledge(route, 'AwsSolutions-APIG4', `${key} is public by design (auth: 'public' in its RouteSpec: ${spec.summary}).`);
      }
    }
  }
}
