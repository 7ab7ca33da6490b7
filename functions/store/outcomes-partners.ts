/**
 * Work-based learning partners of a pathway (employers and organizations offering
 * experiences from single-day visits to ongoing internships). Stored in the pathway's
 * partition (pattern 78) and indexed network-wide for staff, newest first (pattern 79).
 */
import { auditItem, type AuditEvent } from './audit.ts';
import { putNew, queryPage, stripKeys, transact, type Page, type TransactItem } from './db.ts';
import { partitions } from './keys.ts';
import * as keys from './keys.ts';

import type { EngagementKind } from '#core/outcomes/partners.ts';
export { engagementKinds, type EngagementKind } from '#core/outcomes/partners.ts';

export interface Partner {
  id: string;
  pathwayId: string;
  districtId: string;
  organization: string;
  sector: string;
  engagement: EngagementKind;
  studentsServed: number;
  schoolYear?: string;
  createdAt: string;
  createdBy: AuditEvent['actor'];
}

export async function createPartner(p: Partner, extra: TransactItem[] = []): Promise<void> {
  await transact([
    putNew({ ...keys.partner(p.pathwayId, p.id), ...keys.partnerIndexes(p.createdAt, p.id), _type: 'partner', ...p }),
    auditItem(
      { kind: 'pathway', id: p.pathwayId },
      {
        at: p.createdAt,
        actor: p.createdBy,
        action: 'partner.added',
        entity: { kind: 'partner', id: p.id },
        changes: [
          { field: 'organization', to: p.organization },
          { field: 'engagement', to: p.engagement },
          { field: 'studentsServed', to: p.studentsServed },
        ],
      },
    ),
    ...extra,
  ]);
}

const clean = (i: Record<string, unknown>) => stripKeys(i) as unknown as Partner;

export async function listPathwayPartners(pathwayId: string, limit?: number, cursor?: string): Promise<Page<Partner>> {
  const page = await queryPage({ partition: partitions.pathwayPartners(pathwayId), skBeginsWith: keys.partnerPrefix, limit, cursor });
  return { items: page.items.map(clean), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

export async function listAllPartners(limit?: number, cursor?: string): Promise<Page<Partner>> {
  const page = await queryPage({ partition: partitions.partners, ascending: false, limit, cursor });
  return { items: page.items.map(clean), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
