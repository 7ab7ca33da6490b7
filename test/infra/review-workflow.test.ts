/**
 * The real review workflow (statemachines/review.asl.json) in the real stack: every task
 * is wired to its catalog function, the machine may invoke exactly those, and the
 * functions around it hold exactly the workflow rights they need (start, answer, read
 * executions; put events on the bus).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog } from '#catalog';
import { repoRoot } from '../../infra/bundling.ts';
import {
  actionsOf,
  findCycle,
  functionResource,
  functionStatements,
  resourcesOf,
  synth,
  type Statement,
  type Synthesized,
} from './support.ts';

let dev: Synthesized;
beforeAll(() => {
  dev = synth({ stage: 'dev' });
});

const definition = JSON.parse(readFileSync(path.join(repoRoot, 'statemachines/review.asl.json'), 'utf8'));

function tasks(machine: { States: Record<string, any> }, out: [string, any][] = []): [string, any][] {
  for (const [name, state] of Object.entries(machine.States)) {
    if (state.Type === 'Task') out.push([name, state]);
    if (state.ItemProcessor) tasks(state.ItemProcessor, out);
    for (const b of state.Branches ?? []) tasks(b, out);
  }
  return out;
}

const fnArn = (name: string) => ({ 'Fn::GetAtt': [functionResource(dev, name).id, 'Arn'] });
const statesOf = (name: string): Statement[] =>
  functionStatements(dev, name).filter((s) => actionsOf(s).some((a) => a.startsWith('states:')));
const eventsOf = (name: string): Statement[] =>
  functionStatements(dev, name).filter((s) => actionsOf(s).some((a) => a.startsWith('events:')));

describe('the review state machine in the stack', () => {
  const reviewMachine = () =>
    Object.values(dev.resources).find(
      (r) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Properties?.StateMachineName === 'pathcert-dev-review',
    )!;

  it('is a Standard workflow named pathcert-<stage>-review', () => {
    expect(reviewMachine().Properties!.StateMachineType).toBe('STANDARD');
  });

  it('wires every task of the definition to its catalog function', () => {
    const named = tasks(definition).map(([, s]) => /\$\{Function_([^}]+)\}/.exec(JSON.stringify(s.Parameters))![1]!);
    const unique = [...new Set(named)].sort();
    expect(unique.length).toBeGreaterThanOrEqual(6);
    const substitutions = reviewMachine().Properties!.DefinitionSubstitutions;
    expect(Object.keys(substitutions).sort()).toEqual(unique.map((n) => `Function_${n}`));
    for (const name of unique) {
      expect(functionCatalog[name as keyof typeof functionCatalog].trigger, name).toBe('pipeline');
      expect(substitutions[`Function_${name}`]).toEqual(fnArn(name));
    }
    // And every pipeline function of the catalog is a task of the machine.
    const pipeline = Object.entries(functionCatalog)
      .filter(([, spec]) => spec.trigger === 'pipeline')
      .map(([n]) => n)
      .sort();
    expect(pipeline).toEqual(unique);
  });

  it('may invoke exactly its task functions', () => {
    const sm = dev.stack.workflows.workflows.get('review')!.stateMachine;
    const policy = sm.role.node.findChild('DefaultPolicy').node.defaultChild as any;
    const statements: Statement[] = dev.resources[dev.stack.resolve(policy.logicalId)]!.Properties!.PolicyDocument.Statement;
    const invoke = statements.filter((st) => actionsOf(st).includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    const names = [...new Set(tasks(definition).map(([, s]) => /\$\{Function_([^}]+)\}/.exec(JSON.stringify(s.Parameters))![1]!))];
    expect(resourcesOf(invoke[0]!)).toEqual(expect.arrayContaining(names.map(fnArn)));
    expect(resourcesOf(invoke[0]!)).toHaveLength(names.length);
  });

  it('gives the workflow rights only to the functions that use them', () => {
    const catalog = functionCatalog as Record<string, { grants: Record<string, unknown> }>;
    for (const [name, spec] of Object.entries(catalog)) {
      const actions = statesOf(name).flatMap(actionsOf).sort();
      const expected = [
        ...(spec.grants.startReview ? ['states:StartExecution'] : []),
        ...(spec.grants.readReviewExecutions && !spec.grants.reviewTaskResults ? ['states:DescribeExecution'] : []),
        ...(spec.grants.reviewTaskResults
          ? ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:SendTaskFailure', 'states:SendTaskSuccess']
          : []),
      ].sort();
      expect(actions, name).toEqual(expected);
      for (const st of statesOf(name)) expect(JSON.stringify(st.Resource), name).toContain('pathcert-dev-review');
      const env = functionResource(dev, name).props.Environment.Variables as Record<string, unknown>;
      if (expected.length) expect(env.REVIEW_STATE_MACHINE_ARN, name).toBeDefined();
    }
    // The submit path starts reviews; the seat and staff waits and the APIs answer them.
    expect(catalog.submissions!.grants.startReview).toBe(true);
    expect(catalog.applications!.grants.startReview, 'only submit/withdraw start and stop reviews').toBeUndefined();
    for (const name of ['pipelineAwaitReview', 'pipelineAwaitStaff', 'reviews', 'reviewOffice'])
      expect(catalog[name]!.grants.reviewTaskResults, name).toBe(true);
    // Prepare reads only whether the round's owner still runs (one execution per application).
    expect(statesOf('pipelinePrepare').flatMap(actionsOf)).toEqual(['states:DescribeExecution']);
  });

  it('lets the publishers (and only they) put events on the bus, naming it in their environment', () => {
    const bus = dev.stack.resolve(dev.stack.events.bus.eventBusArn);
    for (const [name, spec] of Object.entries(functionCatalog as Record<string, { grants: { events?: boolean } }>)) {
      const st = eventsOf(name);
      const env = functionResource(dev, name).props.Environment.Variables as Record<string, unknown>;
      if (spec.grants.events) {
        expect(st.flatMap(actionsOf), name).toEqual(['events:PutEvents']);
        expect(resourcesOf(st[0]!), name).toEqual([bus]);
        expect(env.EVENT_BUS_NAME, name).toEqual(dev.stack.resolve(dev.stack.events.bus.eventBusName));
      } else {
        expect(st, name).toEqual([]);
      }
    }
  });

  it('has no dependency cycle although functions both serve and answer the machine', () => {
    expect(findCycle(dev)).toBeUndefined();
  });
});
