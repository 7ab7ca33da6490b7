/**
 * Which stack each part of the app lives in. CloudFormation takes at most 500 resources per
 * stack, nested or not; the app keeps every stack at or under `STACK_RESOURCE_BUDGET` (60% of
 * that) so the next features deploy (test/infra/placement.test.ts asserts it in dev and prod).
 *
 * Placement follows from the shared definitions, never from a list kept by hand:
 * - every catalog function (functions/catalog.ts) goes by its trigger: `cognito` triggers stay
 *   in the root stack with the user pool that names them (a pool in the root referring to a
 *   function in a nested stack, whose grants refer back to the pool, would be a cycle between
 *   the two stacks); every other function, with its role, policy and log group, goes to the
 *   `Functions` nested stack;
 * - every route of functions/api/routes.ts, with the integrations and Lambda permissions the
 *   routes create, goes to the `Routes` nested stack;
 * - everything else stays in the root stack: the table, buckets, user pool, keys, bus, queues,
 *   state machines, alarms, and the HTTP API itself with its stage and authorizer (its id is in
 *   `ApiUrl` and in custom-domain mappings), so these keep their logical ids and are never
 *   replaced by the split (test/infra/placement.test.ts pins the stateful ones' ids).
 *
 * A trigger kind added to FunctionSpec without a placement here fails to compile
 * (`satisfies`) and, for a catalog built at run time, fails synthesis.
 */
import type { FunctionSpec } from '#catalog';

/** CloudFormation's limit of resources in one stack. */
export const STACK_RESOURCE_LIMIT = 500;
/** The most resources the app lets any one of its stacks hold: 60% of the limit. */
export const STACK_RESOURCE_BUDGET = 300;

/** The app's stacks: the root (the stack `cdk deploy` names) and its nested stacks, by construct id. */
export type Area = 'root' | 'Functions' | 'Routes';

export const NESTED_AREAS = {
  Functions: 'The catalog functions of functions/catalog.ts (except Cognito triggers): functions, roles, policies, log groups',
  Routes: 'The HTTP API routes of functions/api/routes.ts, their integrations and invoke permissions',
} as const satisfies Record<Exclude<Area, 'root'>, string>;

const FUNCTION_AREA = {
  http: 'Functions',
  pipeline: 'Functions',
  s3: 'Functions',
  schedule: 'Functions',
  event: 'Functions',
  cognito: 'root',
} as const satisfies Record<FunctionSpec['trigger'], Area>;

/** The stack a catalog function lives in. */
export function functionArea(name: string, spec: Pick<FunctionSpec, 'trigger'>): Area {
  const area: Area | undefined = (FUNCTION_AREA as Record<string, Area>)[spec.trigger];
  if (!area) throw new Error(`catalog function ${name} has trigger '${spec.trigger}', which infra/placement.ts places in no stack`);
  return area;
}

/** The stack every route lives in. */
export const ROUTES_AREA: Area = 'Routes';
