/** How the applications routes answer an application: the body, with its version as the ETag. */
import type { HttpResult } from '#lib/http.ts';
import { etag } from '#lib/preconditions.ts';
import type { Application } from '#store/application-reads.ts';

export const answer = (a: Application, status = 200): HttpResult => ({ status, body: a, headers: { etag: etag(a.version) } });

/** A created application: 201, with its ETag and Location. */
export const created = (a: Application): HttpResult => ({
  status: 201,
  body: a,
  headers: { etag: etag(a.version), location: `/applications/${a.id}` },
});
