/**
 * Who may call the API: a Cognito user pool of staff, reviewers and pathway/district
 * people, with one group per role of functions/lib/principal.ts (the API reads the
 * `cognito:groups` claim), managed login on a Cognito domain, and a public app client for
 * the browser frontend (authorization code with PKCE, no secret).
 *
 * Accounts follow invitations (docs/security.md, "Accounts"): self sign-up is on, and the
 * pre-sign-up trigger (functions/accounts/pre-sign-up.ts, attached by `attachPreSignUp`)
 * refuses every address without a pending invitation; Cognito verifies the address with
 * an emailed code. Staff and reviewers are created by administrators.
 */
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
  UserPoolGroup,
  UserPoolOperation,
  VerificationEmailStyle,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { roles } from '#lib/principal.ts';
import type { StageConfig } from '../stage-config.ts';
import { acknowledge } from './nag.ts';

export interface AuthProps {
  config: StageConfig;
}

export class Auth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** Managed login's domain (`<prefix>.auth.<region>.amazoncognito.com`). */
  readonly domain: UserPoolDomain;
  /** Token issuer (`iss`), what the API's JWT authorizer trusts. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    const { config } = props;

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: config.prefix,
      // Open only to invited addresses: the pre-sign-up trigger refuses everyone else.
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      // Cognito emails a code; an address counts as verified only once it is entered.
      autoVerify: { email: true },
      userVerification: {
        emailStyle: VerificationEmailStyle.CODE,
        emailSubject: 'Your pathcert verification code',
        emailBody: 'Your pathcert verification code is {####}. Enter it to finish creating your account.',
      },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: config.cognitoPlus ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      ...(config.cognitoPlus ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      deletionProtection: config.isProd,
      removalPolicy: config.removalPolicy,
    });
    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is optional (TOTP): many users are teachers and industry partners who sign in a few times a year; staff enrol TOTP by policy. Plus-tier threat protection (-c cognitoPlus=true) adds risk-based challenges.',
    );
    if (!config.cognitoPlus) {
      acknowledge(
        this.userPool,
        'AwsSolutions-COG8',
        'Essentials plan by choice: its first 10,000 monthly active users are free, and sign-up is already limited to invited addresses with verified email. Plus (threat protection, $0.02 per monthly active user, ~$160/month at the 2030 scale) is an opt-in: -c cognitoPlus=true (docs/security.md, "Accounts"; docs/deploy.md).',
      );
    }

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: config.authDomainPrefix ?? `${config.prefix}-${Aws.ACCOUNT_ID}` },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });

    this.client = this.userPool.addClient('WebClient', {
      userPoolClientName: `${config.prefix}-web`,
      // A browser app cannot keep a secret: a public client, whose code exchange is bound by PKCE.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        // The authorization code flow only (no implicit grant, no client credentials).
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: config.authCallbackUrls,
        logoutUrls: config.authLogoutUrls,
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    // Newer managed login shows a client's pages only once it has a style: Cognito's own.
    new CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    roles.forEach((role, precedence) => {
      new UserPoolGroup(this, `Group-${role}`, {
        userPool: this.userPool,
        groupName: role,
        precedence,
        description: `pathcert role "${role}"`,
      });
    });

    // Not the pool's ProviderURL attribute: that lacks the https:// scheme tokens carry in `iss`.
    const stack = Stack.of(this);
    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
  }

  /** Attaches the pre-sign-up trigger (CDK adds Cognito's permission to invoke it). */
  attachPreSignUp(fn: IFunction): void {
    this.userPool.addTrigger(UserPoolOperation.PRE_SIGN_UP, fn);
  }
}
