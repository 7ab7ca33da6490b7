/**
 * One Standard state machine per statemachines/<name>.asl.json. The ASL files are the
 * single definition (the local runtime runs the same files); CDK only fills in their
 * `${...}` substitutions:
 *
 * - `${Function_<catalogName>}` -> that function's ARN (and the state machine may invoke
 *   exactly the functions it names);
 * - `${TableName}`, `${EvidenceBucket}`, `${EventBusName}` -> the stack's resources;
 * - `${AWS::Region}` etc. and `${!...}` are left to CloudFormation.
 *
 * Anything else is a synth-time error: it would otherwise fail the deploy, or silently
 * reach the state machine as literal text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage-config.ts';
import type { PathcertFunction } from './function-defaults.ts';
import { acknowledge } from './nag.ts';

export const ASL_SUFFIX = '.asl.json';
/** The state machine the catalog's `startReview` / `reviewTaskResults` grants refer to. */
export const REVIEW_WORKFLOW = 'review';

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const FUNCTION_PREFIX = 'Function_';
/** Task resources the definitions may use: the ones the local runtime also runs. */
const LAMBDA_TASK = /^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/;

export interface WorkflowsProps {
  config: StageConfig;
  /** Directory of *.asl.json files; absent or empty means no state machines. */
  directory: string;
  functions: ReadonlyMap<string, PathcertFunction>;
  /** Values of the non-function substitutions. */
  values: { TableName: string; EvidenceBucket: string; EventBusName: string };
}

/** Name and ARN of a state machine, known before (and without referencing) the resource. */
export function stateMachineName(config: StageConfig, stem: string): string {
  return `${config.prefix}-${stem}`;
}

export function stateMachineArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** ARN pattern of the executions of a state machine. */
export function executionArnPattern(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${name}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

export function listDefinitions(directory: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries.filter((f) => f.endsWith(ASL_SUFFIX)).sort();
}

/** Every `Resource` of every Task state, including those inside Parallel and Map. */
function taskResources(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    node.forEach((n) => taskResources(n, out));
  } else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.Type === 'Task' && typeof record.Resource === 'string') out.push(record.Resource);
    Object.values(record).forEach((v) => taskResources(v, out));
  }
  return out;
}

export interface Workflow {
  stem: string;
  name: string;
  stateMachine: StateMachine;
  /** Catalog names the definition invokes. */
  invokes: string[];
}

export class Workflows extends Construct {
  readonly workflows = new Map<string, Workflow>();

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    const { config, directory, functions, values } = props;

    for (const file of listDefinitions(directory)) {
      const stem = file.slice(0, -ASL_SUFFIX.length);
      const filePath = path.join(directory, file);
      const text = readFileSync(filePath, 'utf8');
      const where = path.relative(process.cwd(), filePath);

      const substitutions: Record<string, string> = {};
      const invoked = new Map<string, PathcertFunction>();
      for (const [, key = ''] of text.matchAll(PLACEHOLDER)) {
        if (key.startsWith('!') || key.startsWith('AWS::')) continue;
        if (key.startsWith(FUNCTION_PREFIX)) {
          const catalogName = key.slice(FUNCTION_PREFIX.length);
          const fn = functions.get(catalogName);
          if (!fn) {
            throw new Error(`${where}: \${${key}} names no function of functions/catalog.ts (known: ${[...functions.keys()].join(', ')})`);
          }
          invoked.set(catalogName, fn);
          substitutions[key] = fn.function.functionArn;
        } else if (key in values) {
          substitutions[key] = values[key as keyof typeof values];
        } else {
          throw new Error(`${where}: unknown substitution \${${key}} (known: Function_<catalogName>, ${Object.keys(values).join(', ')})`);
        }
      }

      let definition: unknown;
      try {
        definition = JSON.parse(text);
      } catch (error) {
        throw new Error(`${where}: not JSON (${(error as Error).message})`, { cause: error });
      }
      for (const resource of taskResources(definition)) {
        const invokesByArn = /^\$\{Function_[^}]+\}$/.test(resource);
        if (!LAMBDA_TASK.test(resource) && !invokesByArn) {
          // Each new service integration needs its IAM rights here and support in the local
          // runtime (infra/local/stepfunctions); fail loudly until both exist.
          throw new Error(`${where}: Task resource "${resource}" is not supported (use arn:aws:states:::lambda:invoke[.waitForTaskToken])`);
        }
      }

      const name = stateMachineName(config, stem);
      const logGroup = new LogGroup(this, `${stem}Logs`, {
        // The /aws/vendedlogs/ prefix keeps the log resource policy small across many machines.
        logGroupName: `/aws/vendedlogs/states/${name}`,
        retention: config.logRetention,
        removalPolicy: config.removalPolicy,
      });

      const stateMachine = new StateMachine(this, stem, {
        stateMachineName: name,
        stateMachineType: StateMachineType.STANDARD,
        definitionBody: DefinitionBody.fromFile(filePath),
        definitionSubstitutions: substitutions,
        tracingEnabled: true,
        logs: {
          destination: logGroup,
          level: LogLevel.ALL,
          // Execution input and output carry narratives, names and outcome data of students
          // and staff; states and errors are logged, payloads stay in the execution history.
          includeExecutionData: false,
        },
      });

      if (invoked.size > 0) {
        // Unqualified ARNs only: the definitions invoke $LATEST, so no `:*` version wildcard.
        stateMachine.addToRolePolicy(
          new PolicyStatement({
            actions: ['lambda:InvokeFunction'],
            resources: [...invoked.values()].map((fn) => fn.function.functionArn),
          }),
        );
      }
      acknowledge(
        stateMachine,
        'AwsSolutions-IAM5[Resource::*]',
        'Added by CDK for logging ALL to CloudWatch (logs:*LogDelivery*, DescribeLogGroups) and X-Ray (PutTraceSegments...): these APIs support no resource-level permissions.',
      );

      this.workflows.set(stem, { stem, name, stateMachine, invokes: [...invoked.keys()] });
    }
  }
}
