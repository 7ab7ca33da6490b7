/**
 * Accounts follow invitations (issue 18), as CDK synthesizes them: self sign-up with the
 * pre-sign-up trigger and email verification, managed login's domain, the browser client
 * (authorization code only, no secret, sign-in URLs from context), the feature plan
 * (Essentials unless -c cognitoPlus=true) and the two Cognito grants. Exact per-function
 * rights are in iam.test.ts; cdk-nag runs on every synth here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog, type FunctionSpec } from '#catalog';
import {
  actionsOf,
  allStatements,
  functionResource,
  functionStatements,
  nagFindings,
  prodContext,
  resourcesOf,
  synth,
  type Synthesized,
} from './support.ts';

let dev: Synthesized;
let prod: Synthesized;
beforeAll(() => {
  dev = synth();
  prod = synth({
    ...prodContext,
    authCallbackUrls: 'https://app.pathcert.example/auth/callback,https://admin.pathcert.example/auth/callback',
  });
});

const ofType = (s: Synthesized, type: string) => Object.entries(s.resources).filter(([, r]) => r.Type === type);
const only = (s: Synthesized, type: string) => {
  const list = ofType(s, type);
  expect(list, type).toHaveLength(1);
  return list[0]!;
};

describe('the user pool', () => {
  it('lets people sign themselves up, behind the pre-sign-up trigger, with the email verified by a code', () => {
    const [, pool] = only(prod, 'AWS::Cognito::UserPool');
    expect(pool.Properties!.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: false });
    expect(pool.Properties!.AutoVerifiedAttributes).toEqual(['email']);
    expect(pool.Properties!.VerificationMessageTemplate).toMatchObject({ DefaultEmailOption: 'CONFIRM_WITH_CODE' });
    // An address changes only once the new one is verified.
    expect(pool.Properties!.UserAttributeUpdateSettings).toEqual({ AttributesRequireVerificationBeforeUpdate: ['email'] });
    const trigger = functionResource(prod, 'preSignUp');
    expect(pool.Properties!.LambdaConfig).toEqual({ PreSignUp: { 'Fn::GetAtt': [trigger.id, 'Arn'] } });
    // Cognito, and only this pool, may invoke it.
    const [poolId] = only(prod, 'AWS::Cognito::UserPool');
    const permissions = ofType(prod, 'AWS::Lambda::Permission').filter(([, r]) =>
      JSON.stringify(r.Properties!.FunctionName).includes(trigger.id),
    );
    expect(permissions.map(([, r]) => r.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [trigger.id, 'Arn'] },
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
      },
    ]);
  });

  it('is on the Essentials plan unless -c cognitoPlus=true opts into Plus with threat protection', () => {
    for (const s of [dev, prod]) {
      const [, pool] = only(s, 'AWS::Cognito::UserPool');
      expect(pool.Properties!.UserPoolTier).toBe('ESSENTIALS');
      expect(pool.Properties!.UserPoolAddOns).toBeUndefined();
    }
    const plus = synth({ ...prodContext, cognitoPlus: 'true' });
    plus.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    expect(nagFindings(plus.stack)).toEqual([]);
    expect(() => synth({ cognitoPlus: 'yes' })).toThrow(/cognitoPlus=yes: use true or false/);
  });

  it('has a managed login domain with Cognito-provided branding for the web client', () => {
    const [, domain] = only(dev, 'AWS::Cognito::UserPoolDomain');
    expect(domain.Properties!.ManagedLoginVersion).toBe(2);
    expect(domain.Properties!.Domain).toEqual({ 'Fn::Join': ['', ['pathcert-dev-', { Ref: 'AWS::AccountId' }]] });
    const [clientId] = only(dev, 'AWS::Cognito::UserPoolClient');
    dev.template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      ClientId: { Ref: clientId },
      UseCognitoProvidedValues: true,
    });
    const named = synth({ authDomainPrefix: 'pathcert-dev-sandbox' });
    named.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'pathcert-dev-sandbox' });
    expect(() => synth({ authDomainPrefix: 'my-cognito-login' })).toThrow(/authDomainPrefix/);
    expect(Object.keys(dev.template.toJSON().Outputs)).toContain('AuthDomain');
  });
});

describe('the web client', () => {
  it('uses the authorization code flow only, with no secret, for the Cognito directory', () => {
    const [, client] = only(prod, 'AWS::Cognito::UserPoolClient');
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    expect(client.Properties!.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  });

  it('takes its callback and sign-out URLs from context, per stage', () => {
    prod.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://app.pathcert.example/auth/callback', 'https://admin.pathcert.example/auth/callback'],
      // From appBaseUrl when authLogoutUrls is not given.
      LogoutURLs: ['https://app.pathcert.example/'],
    });
    // dev without context: the local frontend.
    dev.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['http://localhost:5173/auth/callback'],
      LogoutURLs: ['http://localhost:5173/'],
    });
    const { appBaseUrl: _, ...noBase } = prodContext;
    expect(() => synth(noBase)).toThrow(/prod needs the sign-in URLs/);
    expect(() =>
      synth({ ...noBase, authCallbackUrls: 'http://app.pathcert.example/cb', authLogoutUrls: 'https://app.pathcert.example/' }),
    ).toThrow(/must be https/);
    expect(() =>
      synth({ ...noBase, authCallbackUrls: 'http://localhost:5173/cb', authLogoutUrls: 'https://app.pathcert.example/' }),
    ).toThrow(/prod takes no localhost/);
  });
});

describe('Cognito rights', () => {
  it('only the people and reviewRoster functions may change groups, and only on this pool', () => {
    const poolArn = JSON.stringify(prod.stack.resolve(prod.stack.auth.userPool.userPoolArn));
    const cognitoStatements = allStatements(prod).filter((st) => actionsOf(st).some((a) => a.startsWith('cognito-idp:')));
    const holders = Object.entries(functionCatalog as Record<string, FunctionSpec>)
      .filter(([, spec]) => spec.grants.userGroups)
      .map(([name]) => name);
    // people: memberships and accepted reviewer invitations; reviewRoster: a retired or reactivated reviewer.
    expect(holders).toEqual(['people', 'reviewRoster']);
    expect(cognitoStatements).toHaveLength(holders.length);
    for (const st of cognitoStatements) {
      expect(actionsOf(st).sort()).toEqual(['cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminRemoveUserFromGroup']);
      expect(resourcesOf(st).map((r) => JSON.stringify(r))).toEqual([poolArn]);
    }
    for (const name of holders) {
      expect(
        functionStatements(prod, name).filter((st) => actionsOf(st).some((a) => a.startsWith('cognito-idp:'))),
        name,
      ).toHaveLength(1);
    }
    const people = functionResource(prod, 'people');
    expect(people.props.Environment.Variables.USER_POOL_ID).toEqual({ Ref: only(prod, 'AWS::Cognito::UserPool')[0] });
  });

  it('the trigger may only Query the index where invitations wait for their address', () => {
    const statements = functionStatements(prod, 'preSignUp').filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
    expect(statements.flatMap(actionsOf)).toEqual(['dynamodb:Query']);
    const table = prod.stack.resolve(prod.stack.data.table.tableArn);
    expect(statements.flatMap(resourcesOf)).toEqual([{ 'Fn::Join': ['', [table, '/index/GSI2']] }]);
    const trigger = functionResource(prod, 'preSignUp');
    expect(Object.keys(trigger.props.Environment.Variables)).toContain('TABLE_NAME');
    expect(Object.keys(trigger.props.Environment.Variables)).not.toContain('USER_POOL_ID');
    expect(trigger.props.Timeout).toBe(5);
  });

  it('leaves cdk-nag clean', () => {
    expect(nagFindings(dev.stack)).toEqual([]);
    expect(nagFindings(prod.stack)).toEqual([]);
  });
});
