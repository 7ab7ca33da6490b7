import { describe, expect, it } from 'vitest';
import { newId } from '#core/ids.ts';
import { outcomeUploadKey, outcomeUploadPolicy, parseOutcomeUploadKey } from '#core/outcomes/object-keys.ts';
import { computeProgress } from '#store/outcomes-progress.ts';

describe('outcome upload keys', () => {
  const districtId = newId('district');
  const uploadId = newId('outcome');

  it('round-trips and ignores every other key', () => {
    const key = outcomeUploadKey(districtId, uploadId);
    expect(key).toBe(`outcomes/${districtId}/${uploadId}.csv`);
    expect(parseOutcomeUploadKey(key)).toEqual({ districtId, uploadId });
    for (const other of [
      `pending/${districtId}/${uploadId}.csv`,
      `outcomes/${districtId}/${uploadId}.xlsx`,
      `outcomes/${districtId}/../${uploadId}.csv`,
      `outcomes/not-a-district/${uploadId}.csv`,
      `outcomes/${districtId}/${uploadId}.csv/extra`,
    ]) {
      expect(parseOutcomeUploadKey(other), other).toBeNull();
    }
    expect(() => outcomeUploadKey('dst_../x', uploadId)).toThrow();
  });

  it('pins key, type and exact size in the policy, within the limit', () => {
    const policy = outcomeUploadPolicy(districtId, uploadId, 1234, 10_000);
    expect(policy.Conditions).toEqual(
      expect.arrayContaining([
        ['eq', '$key', policy.Key],
        ['eq', '$Content-Type', 'text/csv'],
        ['content-length-range', 1234, 1234],
      ]),
    );
    expect(() => outcomeUploadPolicy(districtId, uploadId, 10_001, 10_000)).toThrow(RangeError);
    expect(() => outcomeUploadPolicy(districtId, uploadId, 0, 10_000)).toThrow(RangeError);
  });
});

describe('network progress', () => {
  const row = (over: Record<string, unknown>) => ({
    id: 'pw',
    districtId: 'd1',
    districtName: 'D1',
    state: 'CA',
    enrollment: 100,
    status: 'active',
    certificationLevel: 'gold' as const,
    certifiedUntil: '2030-06-30',
    ...over,
  });
  const settings = { progressLevels: ['silver', 'gold'], progressTarget: 1000, progressTargetYear: 2030 } as never;

  it('counts active pathways holding a configured level that is still valid', () => {
    const p = computeProgress(
      [
        row({}),
        row({ certificationLevel: 'silver', state: 'OR', districtId: 'd2', enrollment: 50, certifiedUntil: '2029-01-01' }),
        row({ certificationLevel: 'candidacy', enrollment: 999 }),
        row({ certifiedUntil: '2020-01-01', enrollment: 999 }),
        row({ status: 'inactive', enrollment: 999 }),
        row({ certificationLevel: null, certifiedUntil: null, enrollment: 999 }),
      ] as never,
      '2026-01-01T00:00:00.000Z',
      settings,
    );
    expect(p).toMatchObject({ students: 150, pathways: 2, shareOfTarget: 0.15, nextExpiry: '2029-01-01', year: 2026 });
    expect(p.byLevel).toEqual({ gold: { pathways: 1, students: 100 }, silver: { pathways: 1, students: 50 } });
    expect(p.byState).toEqual({ CA: { pathways: 1, students: 100 }, OR: { pathways: 1, students: 50 } });
  });

  it('counts only gold when so configured', () => {
    const p = computeProgress([row({}), row({ certificationLevel: 'silver' })] as never, '2026-01-01T00:00:00.000Z', {
      progressLevels: ['gold'],
      progressTarget: 1000,
      progressTargetYear: 2030,
    } as never);
    expect(p.students).toBe(100);
  });
});
