/**
 * Audit reads. Existence is checked the same way as for the entity itself (a district or
 * pathway the caller cannot see is 404), then the audit right decides (403).
 */
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { frameworkStatus, listAudit, type AuditView } from '#store/audit-read.ts';
import type { Page } from '#store/db.ts';
import { getDistrict, getPathway } from '#store/registry.ts';
import { authorize, loadAccess } from '../access.ts';
import { districtTarget, pathwayTarget } from '../targets.ts';

export interface AuditPage {
  limit?: number;
  cursor?: string;
  newestFirst?: boolean;
}

export async function pathwayAudit(principal: Principal, pathwayId: string, page: AuditPage): Promise<Page<AuditView>> {
  const p = await getPathway(pathwayId);
  if (!p) throw new NotFoundError('pathway');
  authorize(await loadAccess(principal), 'audit.read', pathwayTarget(p), 'pathway');
  return listAudit({ kind: 'pathway', id: p.id }, page);
}

export async function districtAudit(principal: Principal, districtId: string, page: AuditPage): Promise<Page<AuditView>> {
  const d = await getDistrict(districtId);
  if (!d) throw new NotFoundError('district');
  const access = await loadAccess(principal);
  authorize(access, 'district.read', districtTarget(d), 'district');
  // A district's trail spans all its pathways' creation and its contacts: network-level history.
  authorize(access, 'audit.read', { kind: 'network' });
  return listAudit({ kind: 'district', id: d.id }, page);
}

export async function frameworkAudit(principal: Principal, frameworkId: string, page: AuditPage): Promise<Page<AuditView>> {
  const status = await frameworkStatus(frameworkId);
  if (!status) throw new NotFoundError('framework');
  const access = await loadAccess(principal);
  authorize(access, 'framework.read', { kind: 'framework', frameworkId, status }, 'framework');
  authorize(access, 'audit.read', { kind: 'network' });
  return listAudit({ kind: 'framework', id: frameworkId }, page);
}
