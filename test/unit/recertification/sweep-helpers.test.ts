/**
 * The sweep's pure helpers: what a pathway keeps when one certification expires, the
 * renewal draft's deterministic id, and the actions a recorded state still accepts.
 */
import { describe, expect, it } from 'vitest';
import { dueActions } from '#recertification/certification.ts';
import { pendingEntries } from '#recertification/outbox.ts';
import { remainingCertification } from '#recertification/records.ts';
import type { Certification } from '#store/certifications.ts';
import { renewalApplicationId } from '#store/renewals.ts';

const cert = (over: Partial<Certification>): Certification => ({
  id: 'cert_01JAAAAAAAAAAAAAAAAAAAAAAA',
  pathwayId: 'pw_1',
  districtId: 'dst_1',
  applicationId: 'app_1',
  level: 'silver',
  issuedOn: '2024-01-10',
  validFrom: '2024-01-10',
  expiresOn: '2026-01-10',
  continuous: false,
  status: 'active',
  noticesSent: [],
  renewalOpened: false,
  expiredApplied: false,
  issuedAt: '2024-01-10T10:00:00.000Z',
  validUntil: '2026-01-10',
  createdAt: '2024-01-10T10:00:00.000Z',
  ...over,
});

describe('remainingCertification', () => {
  it('is nothing once the only certification expires', () => {
    const c = cert({});
    expect(remainingCertification([c], c, '2026-01-10')).toEqual({ level: null, until: null });
  });

  it('keeps a level another certification still holds, until its end', () => {
    const gold = cert({ id: 'cert_gold', level: 'gold', expiresOn: '2026-01-10' });
    const silver = cert({ id: 'cert_silver', level: 'silver', validFrom: '2025-01-01', expiresOn: '2027-01-01', status: 'renewed' });
    expect(remainingCertification([gold, silver], gold, '2026-01-10')).toEqual({ level: 'silver', until: '2027-01-01' });
    const revoked = { ...silver, status: 'revoked' as const };
    expect(remainingCertification([gold, revoked], gold, '2026-01-10')).toEqual({ level: null, until: null });
  });
});

describe('renewal draft id', () => {
  it('is one application id per certification, valid as an application id', () => {
    expect(renewalApplicationId('cert_01JAAAAAAAAAAAAAAAAAAAAAAA')).toBe('app_01JAAAAAAAAAAAAAAAAAAAAAAA');
  });
});

describe('dueActions', () => {
  it('keeps only what the recorded state accepts, in order', () => {
    const c = cert({ expiresOn: '2026-01-10' });
    expect(dueActions(c, '2026-01-12', {}).map((a) => a.kind)).toEqual(['open-renewal', 'expire']);
    expect(dueActions({ ...c, renewalOpened: true, noticesSent: [30] }, '2026-01-05', {})).toEqual([
      { kind: 'notice', daysBefore: 7, daysLeft: 5, expiresOn: '2026-01-10', superseded: [180, 90] },
    ]);
    // A more urgent notice already recorded: the 90-day one is stale, even if the rules list it.
    expect(dueActions({ ...c, renewalOpened: true, noticesSent: [30] }, '2025-11-01', {})).toEqual([]);
    expect(dueActions({ ...c, status: 'renewed' }, '2026-02-01', {})).toEqual([]);
  });
});

describe('outbox', () => {
  it('lists pending entries oldest first and ignores other attributes', () => {
    const entry = (key: string, at: string) => ({ key, recordedAt: at, event: { detailType: 'RenewalOpened', detail: {} } });
    const item = {
      outbox_renewal: entry('renewal', '2026-01-02T07:00:00Z'),
      outbox_notice_90: entry('notice_90', '2026-01-01T07:00:00Z'),
      outboxOther: 1,
      noticesSent: [],
    };
    expect(pendingEntries(item).map((e) => e.key)).toEqual(['notice_90', 'renewal']);
  });
});

describe('sweepConfig', () => {
  it('reads the thresholds from RECERTIFICATION_NOTICE_DAYS, ignoring malformed entries', async () => {
    const { sweepConfig } = await import('#store/certifications.ts');
    const before = process.env.RECERTIFICATION_NOTICE_DAYS;
    try {
      delete process.env.RECERTIFICATION_NOTICE_DAYS;
      expect(sweepConfig().noticeDaysBefore).toEqual([180, 90, 30, 7]);
      process.env.RECERTIFICATION_NOTICE_DAYS = '120, 14,x,-3';
      expect(sweepConfig().noticeDaysBefore).toEqual([120, 14]);
      process.env.RECERTIFICATION_NOTICE_DAYS = 'none';
      expect(sweepConfig().noticeDaysBefore).toEqual([180, 90, 30, 7]);
    } finally {
      if (before === undefined) delete process.env.RECERTIFICATION_NOTICE_DAYS;
      else process.env.RECERTIFICATION_NOTICE_DAYS = before;
    }
  });
});
