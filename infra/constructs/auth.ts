/**
 * Who may call the API: a Cognito user pool of staff, reviewers and pathway/district
 * people, with one group per role of functions/lib/principal.ts (the API reads the
 * `cognito:groups` claim), and a public app client for the frontend.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { roles } from '../../functions/lib/principal.ts';
import type { StageConfig } from '../stage-config.ts';
import { acknowledge } from './nag.ts';

export interface AuthProps {
  config: StageConfig;
}

export class Auth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** Token issuer (`iss`), what the API's JWT authorizer trusts. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    const { config } = props;

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: config.prefix,
      // People are invited by staff or by their pathway/district lead, never self-registered.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
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
        'Essentials by default: invitation-only pool, 12-character passwords, optional TOTP; the Plus tier (threat protection, $0.02 per monthly active user, ~$160/month at the 2030 scale) is opt-in with -c cognitoPlus=true (docs/deploy.md).',
      );
    }

    this.client = this.userPool.addClient('WebClient', {
      userPoolClientName: `${config.prefix}-web`,
      // A browser app cannot keep a secret.
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
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
}
