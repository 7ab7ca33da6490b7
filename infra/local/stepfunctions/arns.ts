/** ARN shapes of the local Step Functions endpoint (one region, one account). */
export interface ArnScope {
  region: string;
  accountId: string;
}

export function stateMachineArn(scope: ArnScope, name: string): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:stateMachine:${name}`;
}

export function executionArn(scope: ArnScope, stateMachineName: string, executionName: string): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:execution:${stateMachineName}:${executionName}`;
}

/** The role CDK would create for the state machine; reported, never assumed. */
export function stateMachineRoleArn(scope: ArnScope, name: string): string {
  return `arn:aws:iam::${scope.accountId}:role/${name}-role`;
}

const ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):(stateMachine|execution):(.+)$/;

type ParsedArn =
  | { kind: 'stateMachine'; region: string; accountId: string; name: string }
  | { kind: 'execution'; region: string; accountId: string; stateMachineName: string; executionName: string };

export function parseStatesArn(arn: string): ParsedArn | undefined {
  const match = ARN.exec(arn);
  if (!match) return undefined;
  const [, region = '', accountId = '', kind, rest = ''] = match;
  if (kind === 'stateMachine') {
    return rest.includes(':') ? undefined : { kind, region, accountId, name: rest };
  }
  const separator = rest.indexOf(':');
  if (separator <= 0 || separator === rest.length - 1) return undefined;
  return {
    kind: 'execution',
    region,
    accountId,
    stateMachineName: rest.slice(0, separator),
    executionName: rest.slice(separator + 1),
  };
}
