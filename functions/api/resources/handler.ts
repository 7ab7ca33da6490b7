/**
 * The resource routes: parse, call the use case (functions/use-cases/resources), render.
 * Staff curate, everyone signed in reads; downloads are presigned GETs.
 */
import { httpHandler, implement } from '#lib/http.ts';
import { creationContext } from '#lib/idempotency-key.ts';
import { changesOf, etagHeader, expectedVersion } from '#lib/preconditions.ts';
import { declareResource, declareResourceVersion } from '#use-cases/resources/declare-resource.ts';
import { deleteResource } from '#use-cases/resources/delete-resource.ts';
import { getResource, listResources } from '#use-cases/resources/read-resources.ts';
import { updateResource } from '#use-cases/resources/update-resource.ts';
import { resourceView, versionView } from '../evidence/views.ts';
import * as r from './routes.ts';

export const handler = httpHandler([
  implement(r.declareResource, async (req) => {
    const { kind, title, description, criterionIds } = req.body;
    const input = { kind, title, ...(description ? { description } : {}), criterionIds, file: req.body };
    return declareResource(
      req.principal,
      input,
      () => creationContext(req, r.declareResource),
      ({ resource, version, upload }) => ({
        status: 201,
        body: { resource: resourceView(resource), version: versionView(version), upload },
        headers: { location: `/resources/${resource.resourceId}`, ...etagHeader(resource.revision) },
      }),
    );
  }),

  implement(r.listResources, async (req) => {
    const page = await listResources(req.principal, req.query);
    return { body: { items: page.items.map(resourceView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),

  implement(r.getResource, async (req) => {
    const { resource, versions, download } = await getResource(req.principal, { ...req.params, ...req.query });
    return {
      body: { resource: resourceView(resource), versions: versions.map(versionView), ...(download ? { download } : {}) },
      headers: etagHeader(resource.revision),
    };
  }),

  implement(r.updateResource, async (req) => {
    const { revision, ...fields } = req.body;
    const expected = () => expectedVersion(req.headers, revision);
    const after = await updateResource(req.principal, {
      resourceId: req.params.resourceId,
      expectedVersion: expected,
      changes: () => changesOf(fields),
    });
    return { body: resourceView(after), headers: etagHeader(after.revision) };
  }),

  implement(r.deleteResource, async (req) => {
    await deleteResource(req.principal, req.params.resourceId);
    return { status: 204 };
  }),

  implement(r.declareResourceVersion, async (req) => {
    const input = { resourceId: req.params.resourceId, file: req.body };
    return declareResourceVersion(
      req.principal,
      input,
      () => creationContext(req, r.declareResourceVersion),
      ({ resource, version, upload }) => ({
        status: 201,
        body: { resource: resourceView(resource), version: versionView(version), upload },
        headers: { location: `/resources/${resource.resourceId}?version=${version.version}` },
      }),
    );
  }),
]);
