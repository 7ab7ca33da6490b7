/**
 * cdk-nag acknowledgments that name the exact finding. cdk-nag 3 matches a finding id
 * literally (`AwsSolutions-IAM5[Resource::<Table1234.Arn>/index/*]`), so the id is built
 * from the same resolved CloudFormation value the rule sees, with cdk-nag's own flattening.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
// Not re-exported from the package index; it is the function the IAM5 rule itself uses.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';

export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Acknowledges IAM5 for one wildcard resource (a token or a literal ARN pattern). The id is
 * computed when the app is validated, after CDK has turned references across stacks into a
 * nested stack's parameters or outputs: resolved then, in the scope's own stack, the value is
 * what that stack's template holds (`{ Ref: referencetoTable…Arn }`, not the table's GetAtt),
 * which is what cdk-nag reads.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  let done = false;
  scope.node.addValidation({
    validate: () => {
      if (!done) {
        done = true;
        const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
        acknowledge(scope, `AwsSolutions-IAM5[Resource::${flat}]`, reason);
      }
      return [];
    },
  });
}
