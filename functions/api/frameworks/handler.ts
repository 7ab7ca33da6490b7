/** Framework versions: parse, call the use case (functions/use-cases/frameworks), render. */
import { httpHandler, implement } from '#lib/http.ts';
import { creationContext } from '#lib/idempotency-key.ts';
import { etagHeader, expectedVersion } from '#lib/preconditions.ts';
import type { StoredFramework } from '#store/frameworks.ts';
import { createFramework } from '#use-cases/frameworks/create-framework.ts';
import { publishFramework, replaceFramework } from '#use-cases/frameworks/edit-framework.ts';
import { getFramework, listFrameworks } from '#use-cases/frameworks/read-frameworks.ts';
import * as r from './routes.ts';

const view = (f: StoredFramework) => {
  const { createdBy: _c, updatedBy: _u, ...rest } = f;
  return rest;
};

const answer = (f: StoredFramework, status = 200) => ({ status, body: view(f), headers: etagHeader(f.revision) });

export const handler = httpHandler([
  implement(r.listFrameworks, async (req) => ({ body: await listFrameworks(req.principal, req.query) })),

  implement(r.getFramework, async (req) => answer(await getFramework(req.principal, req.params.frameworkId))),

  implement(r.createFramework, async (req) =>
    createFramework(
      req.principal,
      req.body,
      () => creationContext(req, r.createFramework),
      (created) => ({
        ...answer(created, 201),
        headers: { ...etagHeader(created.revision), location: `/frameworks/${created.id}` },
      }),
    ),
  ),

  implement(r.replaceFramework, async (req) =>
    answer(await replaceFramework(req.principal, req.params.frameworkId, req.body, () => expectedVersion(req.headers))),
  ),

  implement(r.publishFrameworkRoute, async (req) =>
    answer(await publishFramework(req.principal, req.params.frameworkId, () => expectedVersion(req.headers))),
  ),
]);
