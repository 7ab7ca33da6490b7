/**
 * What docs/deploy.md's options change in the template: the opt-in smoke-test app client
 * (`-c smokeTestClient=true`) and the tracing scope (`-c tracing=all`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog } from '#catalog';
import { functionResource, nagFindings, prodContext, synth, type Synthesized } from './support.ts';

let options: Synthesized;
let byDefault: Synthesized;
beforeAll(() => {
  options = synth({ ...prodContext, smokeTestClient: 'true', tracing: 'all' });
  byDefault = synth(prodContext);
});

const clients = (s: Synthesized) => Object.values(s.resources).filter((r) => r.Type === 'AWS::Cognito::UserPoolClient');

describe('the smoke-test app client', () => {
  it('is absent by default', () => {
    expect(clients(byDefault).map((c) => c.Properties?.ClientName)).not.toContain('pathcert-prod-smoke-test');
    expect(byDefault.template.toJSON().Outputs.SmokeTestClientId).toBeUndefined();
  });

  it('allows only admin password sign-in (IAM credentials needed), short tokens, no OAuth, and the API trusts it', () => {
    const smoke = clients(options).find((c) => c.Properties?.ClientName === 'pathcert-prod-smoke-test');
    expect(smoke?.Properties).toMatchObject({
      ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: false,
      IdTokenValidity: 15,
    });
    const outputs = options.template.toJSON().Outputs;
    expect(outputs.SmokeTestClientId).toBeDefined();
    const [authorizer] = Object.values(options.resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer!.Properties!.JwtConfiguration.Audience).toHaveLength(2);
    expect(authorizer!.Properties!.JwtConfiguration.Audience).toContainEqual(outputs.SmokeTestClientId.Value);
  });

  it('keeps the stack cdk-nag clean', () => {
    expect(nagFindings(options.stack)).toEqual([]);
  });
});

describe('-c tracing=all', () => {
  it('traces every function; by default only the pipeline tasks, and the state machine always', () => {
    for (const name of Object.keys(functionCatalog)) {
      expect(functionResource(options, name).props.TracingConfig, name).toEqual({ Mode: 'Active' });
    }
    const traced = Object.keys(functionCatalog).filter((name) => functionResource(byDefault, name).props.TracingConfig?.Mode === 'Active');
    expect(traced.length).toBeGreaterThan(0);
    expect(traced.every((name) => (functionCatalog as Record<string, { trigger: string }>)[name]!.trigger === 'pipeline')).toBe(true);
    for (const s of [options, byDefault]) {
      const [machine] = Object.values(s.resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
      expect(machine!.Properties!.TracingConfiguration).toEqual({ Enabled: true });
    }
  });
});
