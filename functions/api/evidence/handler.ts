/**
 * The evidence routes: parse, call the use case (functions/use-cases/evidence), render.
 * File bytes never pass through here: the browser uploads with a presigned POST form and
 * downloads with a presigned GET.
 */
import { httpHandler, implement } from '#lib/http.ts';
import { creationContext } from '#lib/idempotency-key.ts';
import { changesOf, etagHeader, expectedVersion } from '#lib/preconditions.ts';
import { getApplicationEvidence, listApplicationEvidence } from '#use-cases/evidence/application-evidence.ts';
import { declareEvidence, declareEvidenceVersion } from '#use-cases/evidence/declare-evidence.ts';
import { deleteEvidence } from '#use-cases/evidence/delete-evidence.ts';
import { getExport, requestExport } from '#use-cases/evidence/evidence-exports.ts';
import { getEvidence, listEvidence } from '#use-cases/evidence/read-evidence.ts';
import { updateEvidence } from '#use-cases/evidence/update-evidence.ts';
import * as r from './routes.ts';
import { exportView, itemView, versionView } from './views.ts';

export const handler = httpHandler([
  // Library -----------------------------------------------------------------------------
  implement(r.declareEvidence, async (req) => {
    const { title, description, criterionIds } = req.body;
    const input = { pathwayId: req.params.pathwayId, title, ...(description ? { description } : {}), criterionIds, file: req.body };
    return declareEvidence(
      req.principal,
      input,
      () => creationContext(req, r.declareEvidence),
      ({ pathway, item, version, upload }) => ({
        status: 201,
        body: { item: itemView(item), version: versionView(version), upload },
        headers: { location: `/pathways/${pathway.id}/evidence/${item.evidenceId}`, ...etagHeader(item.revision) },
      }),
    );
  }),

  implement(r.listEvidence, async (req) => {
    const page = await listEvidence(req.principal, { pathwayId: req.params.pathwayId, ...req.query });
    return { body: { items: page.items.map(itemView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),

  implement(r.getEvidence, async (req) => {
    const { item, versions, download } = await getEvidence(req.principal, { ...req.params, ...req.query });
    return {
      body: { item: itemView(item), versions: versions.map(versionView), ...(download ? { download } : {}) },
      headers: etagHeader(item.revision),
    };
  }),

  implement(r.updateEvidence, async (req) => {
    const { revision, ...fields } = req.body;
    const expected = () => expectedVersion(req.headers, revision);
    const after = await updateEvidence(req.principal, { ...req.params, expectedVersion: expected, changes: () => changesOf(fields) });
    return { body: itemView(after), headers: etagHeader(after.revision) };
  }),

  implement(r.deleteEvidence, async (req) => {
    await deleteEvidence(req.principal, req.params);
    return { status: 204 };
  }),

  implement(r.declareEvidenceVersion, async (req) => {
    const input = { ...req.params, file: req.body };
    return declareEvidenceVersion(
      req.principal,
      input,
      () => creationContext(req, r.declareEvidenceVersion),
      ({ pathway, item, version, upload }) => ({
        status: 201,
        body: { item: itemView(item), version: versionView(version), upload },
        headers: { location: `/pathways/${pathway.id}/evidence/${item.evidenceId}?version=${version.version}` },
      }),
    );
  }),

  // Applications ------------------------------------------------------------------------
  implement(r.listApplicationEvidence, async (req) => ({ body: await listApplicationEvidence(req.principal, req.params.applicationId) })),

  implement(r.getApplicationEvidence, async (req) => {
    const found = await getApplicationEvidence(req.principal, req.params);
    return {
      body: {
        applicationId: found.application.id,
        item: itemView(found.item),
        version: versionView(found.version),
        criterionIds: found.criterionIds,
        download: found.download,
      },
    };
  }),

  // Exports -----------------------------------------------------------------------------
  implement(r.requestExport, async (req) =>
    requestExport(
      req.principal,
      req.params.applicationId,
      () => creationContext(req, r.requestExport),
      (queued) => ({
        status: 202,
        body: exportView(queued),
        headers: { location: `/applications/${queued.applicationId}/exports/${queued.exportId}` },
      }),
    ),
  ),

  implement(r.getExport, async (req) => {
    const found = await getExport(req.principal, req.params);
    return { body: exportView(found.export, found.download) };
  }),
]);
