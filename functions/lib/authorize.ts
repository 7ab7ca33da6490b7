/**
 * The one place where requests are authorized. A handler loads its target from the table
 * (so ancestry comes from stored data, never from the request), then calls `authorize`;
 * `withAccess` reads the target and the caller's access in parallel for that.
 * The policy itself is pure (functions/core/access.ts); this module only gathers the
 * caller's memberships and assignments and turns refusals into problems:
 * 'hide' → 404 (existence is not leaked), 'deny' → 403.
 */
import { decide, type AccessContext, type Action, type Assignment, type Membership, type Target } from '../core/access.ts';
import { queryAll } from '../store/db.ts';
import type { Assignment as StoredAssignment, Membership as StoredMembership } from '../store/entities.ts';
import { keys } from '../store/keys.ts';
import type { Principal } from './principal.ts';
import { problems } from './problem.ts';

type PersonItem = { SK: string; _type?: string } & Record<string, unknown>;

/** Per-request cache: several checks in one request cost one Query. */
const cache = new WeakMap<Principal, Promise<AccessContext>>();

/** The caller's access context: one Query of their PERSON# partition. */
export function loadAccess(principal: Principal): Promise<AccessContext> {
  let pending = cache.get(principal);
  if (!pending) {
    pending = readAccess(principal);
    cache.set(principal, pending);
  }
  return pending;
}

async function readAccess(principal: Principal): Promise<AccessContext> {
  const items = await queryAll<PersonItem>(keys.personPartition(principal.sub));
  const memberships: Membership[] = [];
  const assignments: Assignment[] = [];
  for (const item of items) {
    if (item.SK.startsWith(keys.membershipPrefix)) {
      const m = item as unknown as StoredMembership;
      memberships.push(
        m.kind === 'pathway'
          ? { kind: 'pathway', pathwayId: m.pathwayId, role: m.role, districtId: m.districtId, schoolId: m.schoolId }
          : { kind: 'district', districtId: m.districtId, role: m.role },
      );
    } else if (item.SK.startsWith(keys.assignmentPrefix)) {
      const a = item as unknown as StoredAssignment;
      assignments.push({ applicationId: a.applicationId, active: a.active });
    }
  }
  return { sub: principal.sub, groups: principal.groups, memberships, assignments };
}

/**
 * The target's read and the caller's access load, side by side: neither depends on the
 * other, so they share one round trip instead of two. Nothing is decided until both are
 * in (the caller authorizes next, on stored ancestry as always); a target that is missing
 * still answers 404 like a hidden one.
 */
export function withAccess<T>(principal: Principal, target: Promise<T>): Promise<[T, AccessContext]> {
  return Promise.all([target, loadAccess(principal)]);
}

/** Throws 404 when the caller may not know the target exists, 403 when they may not act on it. */
export function authorize(access: AccessContext, action: Action, target: Target, what = 'resource'): void {
  const decision = decide(access, action, target);
  if (decision === 'hide') throw problems.notFound(what);
  if (decision === 'deny') throw problems.forbidden();
}

/** Whether the caller may do `action` on `target` (for filtering lists). */
export function allowed(access: AccessContext, action: Action, target: Target): boolean {
  return decide(access, action, target) === 'allow';
}
