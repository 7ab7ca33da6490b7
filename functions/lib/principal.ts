/**
 * The authenticated caller, built from the JWT claims that API Gateway's JWT authorizer
 * (or the local API, which verifies tokens the same way) places on the event.
 */
export const roles = ['staff', 'reviewer', 'district', 'pathway'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  /** Stable subject id from the identity provider. */
  sub: string;
  email?: string;
  name?: string;
  /** Groups from the token (Cognito groups in AWS, the dev issuer's `cognito:groups` locally). */
  groups: Role[];
}

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/**
 * API Gateway flattens array claims to a string such as `[staff reviewer]`; tokens read
 * directly keep them as arrays. Accept both.
 */
function parseGroups(raw: Claims[string]): Role[] {
  let values: string[] = [];
  if (Array.isArray(raw)) values = raw;
  else if (typeof raw === 'string') values = raw.replace(/^\[|\]$/g, '').split(/[\s,]+/);
  return values.filter((v): v is Role => (roles as readonly string[]).includes(v));
}

export function principalFromClaims(claims: Claims | undefined): Principal | null {
  if (!claims) return null;
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.length === 0) return null;
  return {
    sub,
    email: typeof claims.email === 'string' ? claims.email.toLowerCase() : undefined,
    name: typeof claims.name === 'string' ? claims.name : undefined,
    groups: parseGroups(claims['cognito:groups']),
  };
}

/** The caller as audit events and stored records name them: who acted, without their groups. */
export interface Actor {
  sub: string;
  name?: string;
  email?: string;
}

export const actorOf = (p: Principal): Actor => ({
  sub: p.sub,
  ...(p.name ? { name: p.name } : {}),
  ...(p.email ? { email: p.email } : {}),
});

/** Whether a token's groups (a principal's, or an access context's) hold `role`. */
export function hasRole(who: { readonly groups: readonly string[] }, role: Role): boolean {
  return who.groups.includes(role);
}
