/**
 * The synthesized templates of the app: the root stack's and each nested stack's, and one
 * flat view of them all for readers that ask "what does the deployment create" (the infra
 * tests, bench/footprint.ts). Flattening puts every nested stack's resources in place of its
 * AWS::CloudFormation::Stack resource and resolves the cross-stack plumbing CDK generates
 * (a nested stack's parameters, a parent's `Fn::GetAtt [Nested, Outputs.X]`) back to the
 * values they carry, so a policy in a nested stack reads `Fn::GetAtt [Table, Arn]` as it
 * would in a single stack. Logical ids are unique across the stacks (flattening throws
 * otherwise).
 */
import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  [key: string]: unknown;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, unknown>;
  Outputs?: Record<string, { Value: unknown; [key: string]: unknown }>;
  [key: string]: unknown;
}

export interface StackTemplate {
  /** The stack's construct path (`pathcert-dev`, `pathcert-dev/Functions`). */
  path: string;
  stack: Stack;
  template: CfnTemplate;
}

/** The root stack and every nested stack under it (any depth), root first, each with its template. */
export function stackTemplates(root: Stack): StackTemplate[] {
  const stacks = [root, ...root.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c))];
  return stacks.map((stack) => ({ path: stack.node.path, stack, template: Template.fromStack(stack).toJSON() as CfnTemplate }));
}

/** One template holding the resources of the root and every nested stack, cross-stack references resolved. */
export function flatTemplate(root: Stack): CfnTemplate {
  const templates = stackTemplates(root);
  const byStack = new Map(templates.map((t) => [t.stack, t.template]));
  const resources: Record<string, CfnResource> = {};

  /** Adds one stack's resources; returns its outputs' values, resolved. */
  const inline = (stack: Stack, parameters: Record<string, unknown>): Record<string, unknown> => {
    const template = byStack.get(stack)!;
    // Nested stacks whose AWS::CloudFormation::Stack resource is in this stack, by that resource's logical id.
    const children = new Map<string, NestedStack>();
    for (const t of templates) {
      const parentResource = (t.stack as NestedStack).nestedStackResource;
      if (parentResource && Stack.of(parentResource) === stack) {
        children.set(stack.resolve(parentResource.logicalId) as string, t.stack as NestedStack);
      }
    }
    const childOutputs = new Map<string, Record<string, unknown>>();
    const resolve = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(resolve);
      if (!value || typeof value !== 'object') return value;
      const entries = Object.entries(value);
      if (entries.length === 1) {
        const [key, arg] = entries[0]!;
        if (key === 'Ref' && typeof arg === 'string' && arg in parameters) return parameters[arg];
        if (key === 'Fn::GetAtt' && Array.isArray(arg) && childOutputs.has(String(arg[0]))) {
          const name = String(arg[1]).replace(/^Outputs\./, '');
          const outputs = childOutputs.get(String(arg[0]))!;
          if (!(name in outputs)) throw new Error(`${stack.node.path}: nested stack ${String(arg[0])} has no output ${name}`);
          return outputs[name];
        }
      }
      return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
    };
    // Children first: the parent's references to their outputs resolve through them.
    for (const [id, child] of children) {
      const stackResource = template.Resources[id]!;
      const childParameters = resolve(stackResource.Properties?.Parameters ?? {}) as Record<string, unknown>;
      childOutputs.set(id, inline(child, childParameters));
    }
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (children.has(id)) continue;
      // The CLI's version report, one per template under the same id: not part of the app.
      if (resource.Type === 'AWS::CDK::Metadata') continue;
      if (id in resources) throw new Error(`logical id ${id} is in two stacks (${stack.node.path} and another)`);
      const flat = resolve(resource) as CfnResource;
      const dependsOn =
        flat.DependsOn === undefined
          ? undefined
          : (Array.isArray(flat.DependsOn) ? flat.DependsOn : [flat.DependsOn]).filter((d) => !children.has(d));
      if (dependsOn !== undefined) {
        if (dependsOn.length > 0) flat.DependsOn = dependsOn;
        else delete flat.DependsOn;
      }
      resources[id] = flat;
    }
    return Object.fromEntries(Object.entries(template.Outputs ?? {}).map(([name, output]) => [name, resolve(output.Value)]));
  };

  const rootTemplate = byStack.get(root)!;
  const rootOutputs = inline(root, {});
  const outputs = Object.fromEntries(
    Object.entries(rootTemplate.Outputs ?? {}).map(([name, output]) => [name, { ...output, Value: rootOutputs[name] }]),
  );
  return { ...rootTemplate, Resources: resources, ...(rootTemplate.Outputs ? { Outputs: outputs } : {}) };
}
