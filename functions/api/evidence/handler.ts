/**
 * The evidence routes. Each handler loads its target (the pathway or the application)
 * from the table, asks authorize(), then acts; file bytes never pass through here: the
 * browser uploads with a presigned POST form and downloads with a presigned GET.
 */
import type { Target } from '../../core/access.ts';
import { contentDisposition, safeDownloadName } from '../../core/evidence/file-name.ts';
import { evidenceKey, pendingKey, quarantineKey } from '../../core/evidence/object-keys.ts';
import { newId } from '../../core/ids.ts';
import { authorize, loadAccess } from '../../use-cases/access.ts';
import { now, nowIso } from '../../lib/clock.ts';
import { httpHandler, implement, type HttpResult } from '../../lib/http.ts';
import { logger } from '../../lib/logger.ts';
import type { Principal } from '../../lib/principal.ts';
import { problems } from '../../lib/problem.ts';
import { getApplication, getApplicationWithResponses, type Application } from '../../store/applications.ts';
import {
  currentOf,
  deleteRemaining,
  deletionWrites,
  getEvidenceWithVersions,
  itemView,
  listPathwayEvidence,
  updateEvidenceItem,
  versionView,
  type StoredVersion,
} from '../../store/evidence.ts';
import { applicationFiles, deletionGuard, referencesOf } from '../../store/evidence-applications.ts';
import { declareItem, declareNextVersion } from '../../store/evidence-uploads.ts';
import { createExport, exportRequestKey, failExport, getExport, type StoredExport } from '../../store/evidence-exports.ts';
import { draftLinks, getFrozenEvidence, loadItems } from '../../store/evidence-links.ts';
import { deleteObject, presignGet, putObject } from '../../store/evidence-objects.ts';
import { transact } from '../../store/db.ts';
import { forgetIdempotent, idempotent } from '../../store/idempotency.ts';
import { actorOf } from '../../lib/principal.ts';
import { getPathway, type StoredPathway } from '../../store/registry.ts';
import { etagHeader, expectedVersion } from '../../lib/preconditions.ts';
import { creationContext } from '../../lib/idempotency-key.ts';
import { pathwayTarget } from '../../use-cases/targets.ts';
import { checkedDeclaration, download, DOWNLOAD_EXPIRY_SECONDS } from './handler-helpers.ts';
import * as r from './routes.ts';

const isStaff = (p: Principal) => p.groups.includes('staff');

async function loadPathway(id: string): Promise<StoredPathway> {
  const p = await getPathway(id);
  if (!p) throw problems.notFound('pathway');
  return p;
}

async function loadApplication(id: string): Promise<Application> {
  const a = await getApplication(id);
  if (!a) throw problems.notFound('application');
  return a;
}

const applicationTarget = (a: Application): Target => ({
  kind: 'application',
  districtId: a.districtId,
  schoolId: a.schoolId,
  pathwayId: a.pathwayId,
  applicationId: a.id,
});

function exportView(e: StoredExport, dl?: Awaited<ReturnType<typeof download>>) {
  return {
    exportId: e.exportId,
    applicationId: e.applicationId,
    status: e.status,
    requestedAt: e.requestedAt,
    requestedBy: e.requestedBy,
    progress: e.progress,
    ...(e.completedAt ? { completedAt: e.completedAt } : {}),
    ...(e.size !== undefined ? { size: e.size } : {}),
    ...(e.error ? { error: e.error } : {}),
    ...(dl ? { download: dl } : {}),
  };
}

export const handler = httpHandler([
  // Library -----------------------------------------------------------------------------
  implement(r.declareEvidence, async (req) => {
    const pathway = await loadPathway(req.params.pathwayId);
    authorize(await loadAccess(req.principal), 'evidence.upload', pathwayTarget(pathway), 'pathway');
    const declaration = checkedDeclaration(req.body);
    return idempotent(creationContext(req, r.declareEvidence), async (record) => {
      let result: HttpResult = {};
      await declareItem(
        {
          pathway,
          title: req.body.title,
          ...(req.body.description ? { description: req.body.description } : {}),
          criterionIds: req.body.criterionIds,
          declaration,
          actor: actorOf(req.principal),
        },
        (item, version, upload) => {
          result = {
            status: 201,
            body: { item: itemView(item), version: versionView(version), upload },
            headers: { location: `/pathways/${pathway.id}/evidence/${item.evidenceId}`, ...etagHeader(item.revision) },
          };
          return record(result);
        },
      );
      return result;
    });
  }),

  implement(r.listEvidence, async (req) => {
    const pathway = await loadPathway(req.params.pathwayId);
    authorize(await loadAccess(req.principal), 'evidence.list', pathwayTarget(pathway), 'pathway');
    const page = await listPathwayEvidence(pathway.id, { ...(req.query.criterionId ? { criterionId: req.query.criterionId } : {}) }, req.query.limit, req.query.cursor);
    return { body: { items: page.items.map(itemView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),

  implement(r.getEvidence, async (req) => {
    const pathway = await loadPathway(req.params.pathwayId);
    authorize(await loadAccess(req.principal), 'evidence.read', pathwayTarget(pathway), 'pathway');
    const found = await getEvidenceWithVersions(req.params.evidenceId);
    if (!found || found.item.pathwayId !== pathway.id) throw problems.notFound('evidence item');
    const { item, versions } = found;
    let chosen: StoredVersion | undefined;
    if (req.query.version !== undefined) {
      chosen = versions.find((v) => v.version === req.query.version);
      if (!chosen) throw problems.notFound('version');
    } else chosen = currentOf(versions);
    let dl: Awaited<ReturnType<typeof download>> | undefined;
    if (chosen?.state === 'available') dl = await download(evidenceKey(item.pathwayId, item.evidenceId, chosen.version), chosen, true);
    // Quarantined files are never served, except to staff, who investigate them.
    else if (chosen?.state === 'quarantined' && isStaff(req.principal)) dl = await download(quarantineKey(item.pathwayId, item.evidenceId, chosen.version), chosen, false);
    return {
      body: { item: itemView(item), versions: versions.map(versionView), ...(dl ? { download: dl } : {}) },
      headers: etagHeader(item.revision),
    };
  }),

  implement(r.updateEvidence, async (req) => {
    const pathway = await loadPathway(req.params.pathwayId);
    authorize(await loadAccess(req.principal), 'evidence.update', pathwayTarget(pathway), 'pathway');
    const found = await getEvidenceWithVersions(req.params.evidenceId, true);
    if (!found || found.item.pathwayId !== pathway.id) throw problems.notFound('evidence item');
    const { revision, ...changes } = req.body;
    const expected = expectedVersion(req.headers, revision);
    const present = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    if (Object.keys(present).length === 0) {
      throw problems.validation([{ in: 'body', field: '', message: 'name at least one field to change', code: 'empty_change' }]);
    }
    const after = await updateEvidenceItem(found.item, expected, present, actorOf(req.principal));
    return { body: itemView(after), headers: etagHeader(after.revision) };
  }),

  implement(r.deleteEvidence, async (req) => {
    const pathway = await loadPathway(req.params.pathwayId);
    authorize(await loadAccess(req.principal), 'evidence.delete', pathwayTarget(pathway), 'pathway');
    const found = await getEvidenceWithVersions(req.params.evidenceId, true);
    if (!found || found.item.pathwayId !== pathway.id) throw problems.notFound('evidence item');
    const { item, versions } = found;
    // Evidence a submitted application references stays: reviewers read exactly those bytes.
    const guard = await deletionGuard(item);
    const writes = deletionWrites(item, versions, actorOf(req.principal), guard.conditions);
    await guard.commit(() => transact(writes.now));
    await deleteRemaining(writes.later);
    // The records are gone, so nothing serves these objects any more; removing them is cleanup.
    const keysToDelete = versions.flatMap((v) => [
      evidenceKey(item.pathwayId, item.evidenceId, v.version),
      quarantineKey(item.pathwayId, item.evidenceId, v.version),
      pendingKey(item.pathwayId, item.evidenceId, v.version),
    ]);
    await Promise.all(
      keysToDelete.map((k) => deleteObject(k).catch((error: unknown) => logger.warn('could not delete an evidence object', { key: k, error }))),
    );
    return { status: 204 };
  }),

  implement(r.declareEvidenceVersion, async (req) => {
    const pathway = await loadPathway(req.params.pathwayId);
    authorize(await loadAccess(req.principal), 'evidence.upload', pathwayTarget(pathway), 'pathway');
    const found = await getEvidenceWithVersions(req.params.evidenceId, true);
    if (!found || found.item.pathwayId !== pathway.id) throw problems.notFound('evidence item');
    const declaration = checkedDeclaration(req.body);
    const { item } = found;
    return idempotent(creationContext(req, r.declareEvidenceVersion), async (record) => {
      let result: HttpResult = {};
      await declareNextVersion(
        { kind: 'evidence', evidenceId: item.evidenceId, pathwayId: item.pathwayId },
        item.latestVersion,
        declaration,
        actorOf(req.principal),
        (version, upload) => {
          result = {
            status: 201,
            body: { item: itemView({ ...item, latestVersion: version.version, updatedAt: version.declaredAt }), version: versionView(version), upload },
            headers: { location: `/pathways/${pathway.id}/evidence/${item.evidenceId}?version=${version.version}` },
          };
          return record(result);
        },
      );
      return result;
    });
  }),

  // Applications ------------------------------------------------------------------------
  implement(r.listApplicationEvidence, async (req) => {
    const app = await loadApplication(req.params.applicationId);
    authorize(await loadAccess(req.principal), 'evidence.read', applicationTarget(app), 'application');
    const frozen = await getFrozenEvidence(app.id, true);
    if (frozen) {
      const loaded = await loadItems(frozen.links.map((l) => l.evidenceId), false);
      return {
        body: {
          applicationId: app.id,
          frozenAt: frozen.frozenAt,
          links: frozen.links.map((l) => {
            const found = loaded.get(l.evidenceId);
            const v = found?.versions.find((x) => x.version === l.version);
            return {
              criterionId: l.criterionId,
              evidenceId: l.evidenceId,
              version: l.version,
              status: 'frozen' as const,
              ...(found?.item ? { title: found.item.title } : {}),
              ...(v ? { fileName: v.fileName } : {}),
              size: l.size,
              sha256: l.sha256,
            };
          }),
        },
      };
    }
    const whole = await getApplicationWithResponses(app.id);
    const { links, loaded } = await draftLinks(referencesOf(whole?.responses ?? []));
    return {
      body: {
        applicationId: app.id,
        links: links.map((l) => {
          const found = loaded.get(l.evidenceId);
          const v = found?.versions.find((x) => x.version === (l.version ?? l.latestVersion));
          return {
            ...l,
            ...(found?.item ? { title: found.item.title } : {}),
            ...(v ? { fileName: v.fileName, size: v.size, ...(v.sha256 ? { sha256: v.sha256 } : {}) } : {}),
          };
        }),
      },
    };
  }),

  implement(r.getApplicationEvidence, async (req) => {
    const app = await loadApplication(req.params.applicationId);
    authorize(await loadAccess(req.principal), 'evidence.read', applicationTarget(app), 'application');
    const { files } = await applicationFiles(app);
    // An item may be referenced at two versions (two criteria); the newest one is shown.
    const file = files.filter((f) => f.evidenceId === req.params.evidenceId).sort((a, b) => b.version - a.version)[0];
    if (!file) throw problems.notFound('evidence item');
    const found = await getEvidenceWithVersions(file.evidenceId);
    const v = found?.versions.find((x) => x.version === file.version);
    if (!found || !v) throw problems.notFound('evidence item');
    const url = await presignGet(file.objectKey, {
      expiresInSeconds: DOWNLOAD_EXPIRY_SECONDS,
      contentDisposition: contentDisposition(file.fileName),
      ...(file.objectVersionId ? { versionId: file.objectVersionId } : {}),
    });
    return {
      body: {
        applicationId: app.id,
        item: itemView(found.item),
        version: versionView(v),
        criterionIds: file.criterionIds,
        download: {
          version: file.version,
          url,
          expiresAt: new Date(now().getTime() + DOWNLOAD_EXPIRY_SECONDS * 1000).toISOString(),
          fileName: safeDownloadName(file.fileName),
        },
      },
    };
  }),

  // Exports -----------------------------------------------------------------------------
  implement(r.requestExport, async (req) => {
    const app = await loadApplication(req.params.applicationId);
    authorize(await loadAccess(req.principal), 'export.request', applicationTarget(app), 'application');
    const ctx = creationContext(req, r.requestExport);
    return idempotent(ctx, async (record) => {
      const at = nowIso();
      const e: StoredExport = {
        exportId: newId('export'),
        applicationId: app.id,
        pathwayId: app.pathwayId,
        status: 'queued',
        requestedAt: at,
        requestedBy: { sub: req.principal.sub, ...(req.principal.name ? { name: req.principal.name } : {}) },
        progress: { itemsDone: 0, itemsTotal: 0, bytesWritten: 0 },
        fileName: safeDownloadName(`${app.pathwayName} evidence ${at.slice(0, 10)}.zip`),
      };
      const result: HttpResult = {
        status: 202,
        body: exportView(e),
        headers: { location: `/applications/${app.id}/exports/${e.exportId}` },
      };
      await createExport(e, record(result));
      try {
        await putObject(exportRequestKey(app.id, e.exportId), JSON.stringify({ applicationId: app.id, exportId: e.exportId, requestedAt: at }), 'application/json');
      } catch (error) {
        logger.error('could not queue an evidence export', { exportId: e.exportId, error });
        await failExport(e.exportId, 'The export could not be queued.');
        // The 202 stored with the export would replay this failed export to the retry the 503 invites.
        await forgetIdempotent(ctx).catch((forgetError: unknown) => logger.error('could not forget the idempotency record', { error: forgetError }));
        throw problems.unavailable(5);
      }
      return result;
    });
  }),

  implement(r.getExport, async (req) => {
    const app = await loadApplication(req.params.applicationId);
    authorize(await loadAccess(req.principal), 'export.read', applicationTarget(app), 'application');
    const e = await getExport(req.params.exportId, true);
    if (!e || e.applicationId !== app.id) throw problems.notFound('export');
    let dl: Awaited<ReturnType<typeof download>> | undefined;
    if (e.status === 'ready' && e.key) {
      dl = await download(e.key, { fileName: e.fileName }, false);
    }
    return { body: exportView(e, dl) };
  }),
]);
