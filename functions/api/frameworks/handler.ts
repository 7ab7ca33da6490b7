import { authorize, loadAccess } from '../../use-cases/access.ts';
import { httpHandler, implement, type HttpResult } from '../../lib/http.ts';
import { actorOf, type Principal } from '../../lib/principal.ts';
import { problems } from '../../lib/problem.ts';
import {
  createDraft,
  getFramework as readFramework,
  listFrameworks as readFrameworks,
  publishDraft,
  replaceDraft,
  type StoredFramework,
} from '../../store/frameworks.ts';
import { idempotencyContext } from '../../lib/idempotency-key.ts';
import { idempotent } from '../../store/idempotency.ts';
import { etag, expectedVersion } from '../../lib/preconditions.ts';
import { createFramework, getFramework, listFrameworks, publishFrameworkRoute, replaceFramework } from './routes.ts';


const view = (f: StoredFramework) => {
  const { createdBy: _c, updatedBy: _u, ...rest } = f;
  return rest;
};

const answer = (f: StoredFramework, status = 200) => ({ status, body: view(f), headers: { etag: etag(f.revision) } });

/** The framework as a target of `action`, or 404 (a draft is invisible to all but staff). */
async function loadFramework(principal: Principal, id: string, action: 'framework.read' | 'framework.manage', consistent = false) {
  const f = await readFramework(id, consistent);
  if (!f) throw problems.notFound('framework');
  authorize(await loadAccess(principal), action, { kind: 'framework', frameworkId: f.id, status: f.status }, 'framework');
  return f;
}

export const handler = httpHandler([
  implement(listFrameworks, async (req) => {
    const access = await loadAccess(req.principal);
    authorize(access, 'framework.list', { kind: 'network' });
    const staff = access.groups.includes('staff');
    return { body: await readFrameworks({ includeDrafts: staff, status: req.query.status, limit: req.query.limit, cursor: req.query.cursor }) };
  }),

  implement(getFramework, async (req) => answer(await loadFramework(req.principal, req.params.frameworkId, 'framework.read'))),

  implement(createFramework, async (req) => {
    authorize(await loadAccess(req.principal), 'framework.create', { kind: 'network' });
    const ctx = idempotencyContext(req.principal.sub, req.headers, { routeKey: req.event.routeKey, path: req.event.rawPath, body: req.body });
    return idempotent(ctx, async (record) => {
      let result: HttpResult | undefined;
      const f = await createDraft(req.body, actorOf(req.principal), (created) => {
        const first: HttpResult = { ...answer(created, 201), headers: { etag: etag(created.revision), location: `/frameworks/${created.id}` } };
        result = first;
        return record(first);
      });
      return result ?? answer(f, 201);
    });
  }),

  implement(replaceFramework, async (req) => {
    const before = await loadFramework(req.principal, req.params.frameworkId, 'framework.manage', true);
    if (before.status === 'published') {
      throw problems.conflict(`Framework ${before.version} is published and can no longer change; create a new version instead.`, { status: before.status });
    }
    const after = await replaceDraft(before, req.body, expectedVersion(req.headers), actorOf(req.principal));
    return answer(after);
  }),

  implement(publishFrameworkRoute, async (req) => {
    const before = await loadFramework(req.principal, req.params.frameworkId, 'framework.manage', true);
    if (before.status === 'published') throw problems.conflict(`Framework ${before.version} is already published.`, { status: before.status });
    const after = await publishDraft(before, expectedVersion(req.headers), actorOf(req.principal));
    return answer(after);
  }),
]);
