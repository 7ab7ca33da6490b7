/**
 * The one place where requests are authorized. A use case loads its target from the table
 * (so ancestry comes from stored data, never from the request), then calls `authorize`;
 * `withAccess` reads the target and the caller's access in parallel for that.
 * The policy itself is pure (functions/core/access.ts); this module gathers the caller's
 * memberships and assignments (store/people.ts) and turns refusals into domain errors:
 * 'hide' → NotFoundError (existence is not leaked), 'deny' → ForbiddenError.
 */
import { decide, type AccessContext, type Action, type Target } from '#core/access.ts';
import { ForbiddenError, NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { readPerson } from '#store/people.ts';

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
  const { memberships, assignments } = await readPerson(principal.sub);
  return {
    sub: principal.sub,
    groups: principal.groups,
    memberships: memberships.map((m) =>
      m.kind === 'pathway'
        ? { kind: 'pathway', pathwayId: m.pathwayId, role: m.role, districtId: m.districtId, schoolId: m.schoolId }
        : { kind: 'district', districtId: m.districtId, role: m.role },
    ),
    assignments: assignments.map((a) => ({ applicationId: a.applicationId, active: a.active })),
  };
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

/** The refusal's words; the same for every action so a refusal tells nothing more. */
const FORBIDDEN = 'Your role does not allow this action.';

/** Throws 404 when the caller may not know the target exists, 403 when they may not act on it. */
export function authorize(access: AccessContext, action: Action, target: Target, what = 'resource'): void {
  const decision = decide(access, action, target);
  if (decision === 'hide') throw new NotFoundError(what);
  if (decision === 'deny') throw new ForbiddenError(FORBIDDEN);
}

/** Whether the caller may do `action` on `target` (for filtering lists). */
export function allowed(access: AccessContext, action: Action, target: Target): boolean {
  return decide(access, action, target) === 'allow';
}
