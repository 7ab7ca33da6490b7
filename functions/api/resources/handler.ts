/**
 * The resource routes: staff curate, everyone signed in reads. Versions that are not yet
 * verified, or were refused, are shown to staff only; downloads are presigned GETs.
 */
import { quarantinedResourceKey, pendingResourceKey, resourceKey } from '../../core/evidence/object-keys.ts';
import { authorize, loadAccess } from '../../use-cases/access.ts';
import { httpHandler, implement, type HttpResult } from '../../lib/http.ts';
import { logger } from '../../lib/logger.ts';
import type { Principal } from '../../lib/principal.ts';
import { problems } from '../../lib/problem.ts';
import { currentOf, type StoredVersion, versionView } from '../../store/evidence.ts';
import { deleteObject } from '../../store/evidence-objects.ts';
import {
  declareResource,
  declareResourceVersion,
  deleteResource,
  getResourceWithVersions,
  listResources,
  updateResource,
  type StoredResource,
} from '../../store/evidence-resources.ts';
import { idempotent } from '../../store/idempotency.ts';
import { actorOf } from '../../lib/principal.ts';
import { checkedDeclaration, download } from '../evidence/handler-helpers.ts';
import { etagHeader, expectedVersion } from '../../lib/preconditions.ts';
import { creationContext } from '../../lib/idempotency-key.ts';
import * as r from './routes.ts';

const NETWORK = { kind: 'network' } as const;
const isStaff = (p: Principal) => p.groups.includes('staff');

function resourceView(x: StoredResource) {
  return {
    resourceId: x.resourceId,
    kind: x.kind,
    title: x.title,
    ...(x.description ? { description: x.description } : {}),
    criterionIds: x.criterionIds,
    createdAt: x.createdAt,
    updatedAt: x.updatedAt,
    revision: x.revision,
    latestVersion: x.latestVersion,
    ...(x.current ? { current: x.current } : {}),
  };
}

async function load(resourceId: string, staff: boolean) {
  const found = await getResourceWithVersions(resourceId);
  // A resource with nothing readable yet does not exist for non-staff readers.
  if (!found || (!staff && !found.resource.current)) throw problems.notFound('resource');
  return found;
}

export const handler = httpHandler([
  implement(r.declareResource, async (req) => {
    authorize(await loadAccess(req.principal), 'resource.manage', NETWORK);
    const declaration = checkedDeclaration(req.body);
    return idempotent(creationContext(req, r.declareResource), async (record) => {
      let result: HttpResult = {};
      await declareResource(
        {
          kind: req.body.kind,
          title: req.body.title,
          ...(req.body.description ? { description: req.body.description } : {}),
          criterionIds: req.body.criterionIds,
          declaration,
          actor: actorOf(req.principal),
        },
        (resource, version, upload) => {
          result = {
            status: 201,
            body: { resource: resourceView(resource), version: versionView(version), upload },
            headers: { location: `/resources/${resource.resourceId}`, ...etagHeader(resource.revision) },
          };
          return record(result);
        },
      );
      return result;
    });
  }),

  implement(r.listResources, async (req) => {
    authorize(await loadAccess(req.principal), 'resource.read', NETWORK);
    const page = await listResources(
      { ...(req.query.kind ? { kind: req.query.kind } : {}), ...(req.query.criterionId ? { criterionId: req.query.criterionId } : {}), availableOnly: !isStaff(req.principal) },
      req.query.limit,
      req.query.cursor,
    );
    return { body: { items: page.items.map(resourceView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),

  implement(r.getResource, async (req) => {
    authorize(await loadAccess(req.principal), 'resource.read', NETWORK);
    const staff = isStaff(req.principal);
    const { resource, versions } = await load(req.params.resourceId, staff);
    const visible = staff ? versions : versions.filter((v) => v.state === 'available');
    let chosen: StoredVersion | undefined;
    if (req.query.version !== undefined) {
      chosen = visible.find((v) => v.version === req.query.version);
      if (!chosen) throw problems.notFound('version');
    } else chosen = currentOf(versions);
    let dl: Awaited<ReturnType<typeof download>> | undefined;
    if (chosen?.state === 'available') dl = await download(resourceKey(resource.resourceId, chosen.version), chosen, true);
    else if (chosen?.state === 'quarantined' && staff) dl = await download(quarantinedResourceKey(resource.resourceId, chosen.version), chosen, false);
    return { body: { resource: resourceView(resource), versions: visible.map(versionView), ...(dl ? { download: dl } : {}) }, headers: etagHeader(resource.revision) };
  }),

  implement(r.updateResource, async (req) => {
    authorize(await loadAccess(req.principal), 'resource.manage', NETWORK);
    const { resource } = await load(req.params.resourceId, true);
    const { revision, ...changes } = req.body;
    const expected = expectedVersion(req.headers, revision);
    const present = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    if (Object.keys(present).length === 0) {
      throw problems.validation([{ in: 'body', field: '', message: 'name at least one field to change', code: 'empty_change' }]);
    }
    if (resource.revision !== expected) throw problems.preconditionFailed(resource.revision);
    const after = await updateResource(resource, expected, present);
    return { body: resourceView(after), headers: etagHeader(after.revision) };
  }),

  implement(r.deleteResource, async (req) => {
    authorize(await loadAccess(req.principal), 'resource.manage', NETWORK);
    const { resource, versions } = await load(req.params.resourceId, true);
    await deleteResource(resource, versions);
    const objectKeys = versions.flatMap((v) => [
      resourceKey(resource.resourceId, v.version),
      quarantinedResourceKey(resource.resourceId, v.version),
      pendingResourceKey(resource.resourceId, v.version),
    ]);
    await Promise.all(objectKeys.map((k) => deleteObject(k).catch((error: unknown) => logger.warn('could not delete a resource object', { key: k, error }))));
    return { status: 204 };
  }),

  implement(r.declareResourceVersion, async (req) => {
    authorize(await loadAccess(req.principal), 'resource.manage', NETWORK);
    const { resource } = await load(req.params.resourceId, true);
    const declaration = checkedDeclaration(req.body);
    return idempotent(creationContext(req, r.declareResourceVersion), async (record) => {
      let result: HttpResult = {};
      await declareResourceVersion(resource, declaration, actorOf(req.principal), (version, upload) => {
        result = {
          status: 201,
          body: { resource: resourceView({ ...resource, latestVersion: version.version, updatedAt: version.declaredAt }), version: versionView(version), upload },
          headers: { location: `/resources/${resource.resourceId}?version=${version.version}` },
        };
        return record(result);
      });
      return result;
    });
  }),
]);
