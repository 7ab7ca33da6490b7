/**
 * An opt-in app client for the post-deploy smoke test (`-c smokeTestClient=true`): it
 * allows only ADMIN_USER_PASSWORD_AUTH, which needs AWS credentials allowed
 * cognito-idp:AdminInitiateAuth on the pool, so only an operator (the person who deploys)
 * can sign in through it; `npm run test:deployed` signs in an admin-created smoke-test
 * user this way, and its journey mode creates and signs in one user per role (staff, lead,
 * reviewers) through it (docs/deploy.md, *Smoke test*). Off by default: the stack then has no such
 * client and the smoke test takes a token from the environment instead.
 */
import { Duration } from 'aws-cdk-lib';
import type { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage-config.ts';

export interface SmokeClientProps {
  config: StageConfig;
  userPool: UserPool;
}

export class SmokeClient extends Construct {
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string, props: SmokeClientProps) {
    super(scope, id);
    const { config, userPool } = props;
    this.client = userPool.addClient('SmokeTestClient', {
      userPoolClientName: `${config.prefix}-smoke-test`,
      generateSecret: false,
      // Server-side sign-in with IAM credentials only: no SRP, no password flow from a browser.
      authFlows: { adminUserPassword: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(15),
      idTokenValidity: Duration.minutes(15),
      refreshTokenValidity: Duration.hours(1),
    });
  }
}
