/**
 * A matrix row for a jwt route: the signed-in roles' cells, and 401 for anonymous (the
 * gateway's authorizer refuses before any handler runs). Its own module so the route
 * groups' case files can share it without importing each other.
 */
import type { Expectation, MatrixRole, SignedInRole } from './authorization-matrix.cases.ts';

export type SignedInRow = Record<SignedInRole, Expectation>;

export const jwtRow = (row: SignedInRow): Record<MatrixRole, Expectation> => ({ anonymous: 'U', ...row });
