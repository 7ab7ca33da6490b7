/**
 * Synthesizes the real app (infra/app.ts's buildApp, with its cdk-nag plugin) without
 * bundling, and reads findings. Shared by the CDK assertion tests. `template` and
 * `resources` are the flat view of the root and its nested stacks (infra/templates.ts), so a
 * test reads the deployment as one template whichever stack a resource is placed in;
 * `stacks` has each stack's own template.
 */
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp, type BuildOptions } from '../../infra/app.ts';
import type { PathcertStack } from '../../infra/stack.ts';
import { flatTemplate, stackTemplates, type StackTemplate } from '../../infra/templates.ts';
import type { IConstruct } from 'constructs';

export const prodContext = {
  stage: 'prod',
  allowedOrigins: 'https://app.pathcert.example,https://admin.pathcert.example',
  senderEmail: 'certification@pathcert.example',
  appBaseUrl: 'https://app.pathcert.example',
};

export interface Synthesized {
  stack: PathcertStack;
  template: Template;
  resources: Record<string, { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
  /** The root stack's and each nested stack's own template. */
  stacks: StackTemplate[];
}

export function synth(context: Record<string, unknown> = {}, options: BuildOptions = {}): Synthesized {
  // Skipping bundling makes synth several times faster; bundling has its own test.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = buildApp(app, options);
  // Synthesizes the app, so the app-level nag plugin runs and throws on any error finding.
  const stacks = stackTemplates(stack);
  const template = Template.fromJSON(flatTemplate(stack));
  return { stack, template, resources: template.toJSON().Resources, stacks };
}

/** The logical id of a construct's resource in its own stack (root or nested): the id it has in the flat template. */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(element).resolve(element.logicalId) as string;
}

/** Unacknowledged AwsSolutions findings of any level (errors and warnings). */
export function nagFindings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  const findings = report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`),
  );
  // cdk-nag 2 reported through annotations; 3 reports through the validation plugin above.
  // Read annotation metadata too (without re-synthesizing) so neither path can hide one.
  for (const construct of stack.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if ((entry.type === 'aws:cdk:error' || entry.type === 'aws:cdk:warning') && /AwsSolutions-/.test(String(entry.data))) {
        findings.push(`${entry.type} at ${construct.node.path}: ${String(entry.data)}`);
      }
    }
  }
  return findings;
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of every IAM policy (managed, inline or role-inline) in the template. */
export function allStatements(s: Synthesized): Statement[] {
  const out: Statement[] = [];
  for (const r of Object.values(s.resources)) {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      out.push(...(r.Properties?.PolicyDocument?.Statement ?? []));
    }
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of r.Properties?.Policies ?? []) out.push(...(p.PolicyDocument?.Statement ?? []));
    }
  }
  return out;
}

export const actionsOf = (st: Statement): string[] => (Array.isArray(st.Action) ? st.Action : [st.Action]);
export const resourcesOf = (st: Statement): unknown[] => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]);

/** The statements of a catalog function's execution role. */
export function functionStatements(s: Synthesized, name: string): Statement[] {
  const fn = s.stack.functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  const policy = fn.role.node.tryFindChild('DefaultPolicy');
  if (!policy) return [];
  const logicalId = logicalIdOf(policy.node.defaultChild as CfnPolicy);
  return s.resources[logicalId]?.Properties?.PolicyDocument?.Statement ?? [];
}

/** The template's AWS::Lambda::Function of a catalog function, with its logical id. */
export function functionResource(s: Synthesized, name: string): { id: string; props: Record<string, any> } {
  const id = logicalIdOf(s.stack.functions.get(name)!.function);
  const r = s.resources[id];
  if (!r) throw new Error(`function ${name} not in template`);
  return { id, props: r.Properties ?? {} };
}

/** Logical ids a resource refers to (Ref, Fn::GetAtt, Fn::Sub names, DependsOn). */
function references(value: unknown, ids: Set<string>, out: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((v) => references(v, ids, out));
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string' && ids.has(v)) out.add(v);
      else if (key === 'Fn::GetAtt' && Array.isArray(v) && ids.has(String(v[0]))) out.add(String(v[0]));
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(v) ? String(v[0]) : String(v);
        for (const [, name = ''] of text.matchAll(/\$\{([^}.!]+)[^}]*\}/g)) if (ids.has(name)) out.add(name);
        references(v, ids, out);
      } else references(v, ids, out);
    }
  }
}

/** A dependency cycle between resources (what CloudFormation rejects at deploy), or undefined. */
export function findCycle(s: Synthesized): string[] | undefined {
  const ids = new Set(Object.keys(s.resources));
  const edges = new Map<string, Set<string>>();
  for (const [id, r] of Object.entries(s.resources)) {
    const out = new Set<string>();
    references(r, ids, out);
    const dependsOn = (r as { DependsOn?: string | string[] }).DependsOn ?? [];
    for (const d of Array.isArray(dependsOn) ? dependsOn : [dependsOn]) out.add(d);
    edges.set(id, out);
  }
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}
