/**
 * Definition substitutions with the semantics CDK gives `definitionSubstitutions`
 * (CloudFormation `Fn::Sub` over the definition text): `${Key}` is replaced by the value,
 * `${!Key}` is the literal text `${Key}`, and the AWS pseudo parameters resolve to the local
 * region and account. A placeholder with no value is an error, as it would fail a deploy.
 */
import type { ArnScope } from './arns.ts';

const PLACEHOLDER = /\$\{([^}]*)\}/g;

export function substituteDefinition(
  text: string,
  substitutions: Record<string, string>,
  scope: ArnScope,
): string {
  const pseudo: Record<string, string> = {
    'AWS::Region': scope.region,
    'AWS::AccountId': scope.accountId,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const missing = new Set<string>();
  const result = text.replace(PLACEHOLDER, (whole, key: string) => {
    if (key.startsWith('!')) return `\${${key.slice(1)}}`;
    const value = substitutions[key] ?? pseudo[key];
    if (value === undefined) {
      missing.add(key);
      return whole;
    }
    return value;
  });
  if (missing.size > 0) {
    throw new Error(`no substitution for ${[...missing].map((k) => `\${${k}}`).join(', ')}`);
  }
  return result;
}
