/**
 * nextToken pagination. A token names the last item returned (not an offset), so items
 * added while a client pages (new executions are listed first) do not shift later pages;
 * it is bound to the request it came from, and anything else is InvalidToken.
 */
import { sfnErrors } from './errors.ts';

interface TokenBody {
  scope: string;
  after: string;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  request: { scope: string; maxResults: number; nextToken?: string },
): Page<T> {
  let start = 0;
  if (request.nextToken !== undefined) {
    const after = decode(request.nextToken, request.scope);
    const index = items.findIndex((item) => keyOf(item) === after);
    if (index < 0) throw sfnErrors.invalidToken('Invalid nextToken');
    start = index + 1;
  }
  const pageItems = items.slice(start, start + request.maxResults);
  const last = pageItems.at(-1);
  const more = start + request.maxResults < items.length;
  return { items: pageItems, nextToken: more && last !== undefined ? encode({ scope: request.scope, after: keyOf(last) }) : undefined };
}

function encode(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decode(token: string, scope: string): string {
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
    if (body.scope === scope && typeof body.after === 'string') return body.after;
  } catch {
    // fall through: not one of ours
  }
  throw sfnErrors.invalidToken('Invalid nextToken');
}
