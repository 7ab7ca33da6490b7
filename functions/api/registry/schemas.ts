/**
 * Registry fields the directory routes share, without bundling the registry routes.
 */
import * as z from 'zod/mini';

export const stateCode = () => z.string().check(z.regex(/^[A-Z]{2}$/, { error: 'must be a two-letter US state code, e.g. CA' }));
