/**
 * How evidence, versions, resources and exports are shown over HTTP (moved here from
 * store/evidence.ts: rendering is the edge's). Shared by the evidence and resource handlers.
 */
import type { VersionState } from '#core/evidence/library.ts';
import type { StoredEvidenceItem, StoredVersion, VersionSummary } from '#store/evidence.ts';
import type { StoredExport } from '#store/evidence-exports.ts';
import type { StoredResource } from '#store/evidence-resources.ts';
import type { Download } from '#use-cases/evidence/downloads.ts';

export interface VersionView {
  version: number;
  state: VersionState;
  fileName: string;
  contentType: string;
  size: number;
  sha256?: string;
  declaredSha256?: string;
  declaredAt: string;
  declaredBy: { sub: string; name?: string };
  verifiedAt?: string;
  expiresAt?: string;
  uploadExpiresAt?: string;
  /** Why verification refused the file, for the uploader. */
  quarantine?: { reason: string; message: string; at: string };
  expiredAt?: string;
}

export function versionView(v: StoredVersion): VersionView {
  return {
    version: v.version,
    state: v.state,
    fileName: v.fileName,
    contentType: v.contentType,
    size: v.size,
    ...(v.sha256 ? { sha256: v.sha256 } : {}),
    ...(v.declaredSha256 ? { declaredSha256: v.declaredSha256 } : {}),
    declaredAt: v.declaredAt,
    declaredBy: { sub: v.declaredBy, ...(v.declaredByName ? { name: v.declaredByName } : {}) },
    ...(v.verifiedAt ? { verifiedAt: v.verifiedAt } : {}),
    ...(v.state === 'declared' ? { expiresAt: v.expiresAt, uploadExpiresAt: v.uploadExpiresAt } : {}),
    ...(v.quarantine ? { quarantine: v.quarantine } : {}),
    ...(v.expiredAt ? { expiredAt: v.expiredAt } : {}),
  };
}

export interface ItemView {
  evidenceId: string;
  pathwayId: string;
  title: string;
  description?: string;
  criterionIds: string[];
  createdAt: string;
  createdBy: { sub: string; name?: string };
  updatedAt: string;
  revision: number;
  latestVersion: number;
  current?: VersionSummary;
}

export function itemView(i: StoredEvidenceItem): ItemView {
  return {
    evidenceId: i.evidenceId,
    pathwayId: i.pathwayId,
    title: i.title,
    ...(i.description ? { description: i.description } : {}),
    criterionIds: i.criterionIds,
    createdAt: i.createdAt,
    createdBy: { sub: i.createdBy, ...(i.createdByName ? { name: i.createdByName } : {}) },
    updatedAt: i.updatedAt,
    revision: i.revision,
    latestVersion: i.latestVersion,
    ...(i.current ? { current: i.current } : {}),
  };
}

export function resourceView(x: StoredResource) {
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

export function exportView(e: StoredExport, dl?: Download) {
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
