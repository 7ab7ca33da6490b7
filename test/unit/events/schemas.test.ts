/** Domain event schemas and the batching of events/publish.ts. */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { buildDomainEvent, InvalidDomainEventError, parseDomainEvent, type DomainEventInput } from '#core/events.ts';
import { newId } from '#core/ids.ts';
import { batchEntries, entrySize, MAX_PUT_BYTES } from '#events/publish.ts';

const ids = {
  applicationId: newId('application'),
  pathwayId: newId('pathway'),
  districtId: newId('district'),
  certificationId: newId('certification'),
};

const certIds = { certificationId: ids.certificationId, pathwayId: ids.pathwayId, districtId: ids.districtId };

const expiring: DomainEventInput = {
  detailType: 'CertificationExpiring',
  detail: { ...certIds, level: 'gold', expiresOn: '2026-06-15', daysBefore: 30 },
};

describe('buildDomainEvent', () => {
  it('fills in version 1 and keeps the facts', () => {
    const event = buildDomainEvent({
      detailType: 'CertificationExpiring',
      detail: { ...certIds, level: 'gold', expiresOn: '2026-06-15', daysBefore: 30 },
    });
    expect(event).toEqual({
      detailType: 'CertificationExpiring',
      detail: { version: 1, ...certIds, level: 'gold', expiresOn: '2026-06-15', daysBefore: 30 },
    });
  });

  it('rejects unknown fields, so narratives and counts cannot slip into an event', () => {
    expect(() => buildDomainEvent({ ...expiring, detail: { ...expiring.detail, narrative: 'Our students…' } as never })).toThrow(
      InvalidDomainEventError,
    );
  });

  it('rejects wrong ids, levels, dates and versions', () => {
    const base = {
      applicationId: ids.applicationId,
      pathwayId: ids.pathwayId,
      districtId: ids.districtId,
      level: 'silver' as const,
      decision: 'certified' as const,
      decidedBy: 'staff-sub',
      decidedAt: '2026-03-01T10:00:00.000Z',
    };
    expect(() => buildDomainEvent({ detailType: 'DecisionMade', detail: base })).not.toThrow();
    for (const bad of [
      { applicationId: ids.pathwayId },
      { level: 'platinum' },
      { decision: 'maybe' },
      { decidedAt: 'yesterday' },
      { version: 2 },
    ]) {
      expect(() => buildDomainEvent({ detailType: 'DecisionMade', detail: { ...base, ...bad } as never }), JSON.stringify(bad)).toThrow(
        /Invalid DecisionMade event/,
      );
    }
  });
});

describe('benefit and withdrawal events (issue 19)', () => {
  const changed = {
    ...certIds,
    cause: 'withdrawn' as const,
    previousLevel: 'gold' as const,
    level: null,
    unlocked: [],
    lost: [newId('benefit')],
  };

  it('BenefitsChanged carries benefit ids and the levels, a lost level as null', () => {
    expect(buildDomainEvent({ detailType: 'BenefitsChanged', detail: changed }).detail).toEqual({ version: 1, ...changed });
    for (const bad of [{ cause: 'upgraded' }, { lost: ['scholarship'] }, { level: 'platinum' }, { titles: ['Scholarships'] }]) {
      expect(
        () => buildDomainEvent({ detailType: 'BenefitsChanged', detail: { ...changed, ...bad } as never }),
        JSON.stringify(bad),
      ).toThrow(/Invalid BenefitsChanged/);
    }
  });

  it('CertificationWithdrawn names who and when, never the reason', () => {
    const detail = { ...certIds, level: 'silver' as const, withdrawnAt: '2027-02-01T10:00:00.000Z', withdrawnBy: 'staff-sub' };
    expect(() => buildDomainEvent({ detailType: 'CertificationWithdrawn', detail })).not.toThrow();
    expect(() =>
      buildDomainEvent({ detailType: 'CertificationWithdrawn', detail: { ...detail, reason: 'Program closed' } as never }),
    ).toThrow(/Invalid CertificationWithdrawn/);
  });
});

describe('parseDomainEvent', () => {
  const detail = {
    version: 1,
    applicationId: ids.applicationId,
    pathwayId: ids.pathwayId,
    reviewId: newId('review'),
    reviewerSub: 'rev-1',
    dueOn: '2026-03-15',
  };
  const envelope = {
    version: '0',
    id: 'e-1',
    'detail-type': 'ReviewerAssigned',
    source: 'pathcert',
    account: '000000000000',
    time: '2026-03-01T07:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };

  it('narrows a valid envelope by detail-type', () => {
    const event = parseDomainEvent(envelope);
    expect(event.detailType).toBe('ReviewerAssigned');
    if (event.detailType === 'ReviewerAssigned') expect(event.detail.reviewerSub).toBe('rev-1');
    expect(event.id).toBe('e-1');
  });

  it('rejects foreign sources, unknown types and invalid details', () => {
    expect(() => parseDomainEvent({ ...envelope, source: 'aws.s3' })).toThrow(InvalidDomainEventError);
    expect(() => parseDomainEvent({ ...envelope, 'detail-type': 'Nope' })).toThrow(InvalidDomainEventError);
    expect(() => parseDomainEvent({ ...envelope, detail: { ...detail, dueOn: 'soon' } })).toThrow(InvalidDomainEventError);
  });

  it('rejects an envelope without an id', () => {
    const issues = (bad: unknown) => {
      try {
        parseDomainEvent(bad);
      } catch (error) {
        return error instanceof InvalidDomainEventError ? error.issues : error;
      }
      return 'accepted';
    };
    const { id: _id, ...withoutId } = envelope;
    for (const bad of [withoutId, { ...envelope, id: '' }, { ...envelope, id: null }]) {
      expect(issues(bad)).toEqual([{ path: ['id'], message: 'missing event id' }]);
    }
  });
});

describe('batchEntries', () => {
  const entry = (detailBytes: number): PutEventsRequestEntry => ({
    Source: 'pathcert',
    DetailType: 'X',
    Detail: `{"p":"${'x'.repeat(detailBytes - 8)}"}`,
    Time: new Date(0),
  });

  it('puts at most 10 entries in a request', () => {
    const batches = batchEntries(Array.from({ length: 23 }, () => entry(100)));
    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
  });

  it('keeps each request within 256 KB as EventBridge counts it', () => {
    expect(entrySize(entry(100))).toBe(14 + 8 + 1 + 100);
    const big = entry(100_000);
    const batches = batchEntries([big, big, big, entry(10)]);
    expect(batches.map((b) => b.length)).toEqual([2, 2]);
    for (const b of batches) expect(b.reduce((n, e) => n + entrySize(e), 0)).toBeLessThanOrEqual(MAX_PUT_BYTES);
  });

  it('refuses an entry larger than a whole request', () => {
    expect(() => batchEntries([entry(MAX_PUT_BYTES)])).toThrow(/at most/);
  });
});
