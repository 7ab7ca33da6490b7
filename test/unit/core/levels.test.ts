import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applicationTargets,
  canOpenApplication,
  compareLevels,
  isValidAt,
  levels,
  renewalWindowOpensAt,
  type CanOpenInput,
  type CertificationStanding,
  type Level,
} from '#core/levels.ts';
import { DAY_MS } from '#core/time.ts';

const NOW = '2026-03-01T12:00:00.000Z';
const inDays = (days: number) => new Date(Date.parse(NOW) + days * DAY_MS).toISOString();
const held = (level: Level, validUntilDays: number): CertificationStanding => ({ level, validUntil: inDays(validUntilDays) });

function open(current: CertificationStanding | null, target: CanOpenInput['target'], extra: Partial<CanOpenInput> = {}) {
  return canOpenApplication({ current, hasOpenApplication: false, target, now: NOW, ...extra });
}
const codes = (r: ReturnType<typeof canOpenApplication>) => (r.ok ? [] : r.reasons.map((x) => x.code));

const level = fc.constantFrom(...levels);

describe('levels', () => {
  it('orders candidacy < silver < gold', () => {
    expect(compareLevels('candidacy', 'silver')).toBeLessThan(0);
    expect(compareLevels('gold', 'silver')).toBeGreaterThan(0);
    expect(compareLevels('gold', 'gold')).toBe(0);
  });

  it('has four application targets', () => {
    expect(applicationTargets).toEqual(['candidacy', 'silver', 'gold', 'renewal']);
  });
});

describe('renewal window', () => {
  it('opens 180 days before expiry by default and is configurable', () => {
    const validUntil = '2026-09-01T00:00:00.000Z';
    expect(renewalWindowOpensAt(validUntil).toISOString()).toBe('2026-03-05T00:00:00.000Z');
    expect(renewalWindowOpensAt(validUntil, { renewalWindowDays: 30 }).toISOString()).toBe('2026-08-02T00:00:00.000Z');
  });
});

describe('isValidAt', () => {
  it('treats the end of validity as exclusive: at that instant the certification has expired', () => {
    const validUntil = '2026-09-01T00:00:00.000Z';
    expect(isValidAt(validUntil, Date.parse(validUntil) - 1)).toBe(true);
    expect(isValidAt(validUntil, validUntil)).toBe(false);
  });
});

describe('canOpenApplication', () => {
  it('starts with candidacy', () => {
    expect(open(null, 'candidacy')).toEqual({ ok: true, level: 'candidacy', renewal: false });
    expect(codes(open(null, 'silver'))).toEqual(['requires_candidacy']);
    expect(codes(open(null, 'gold'))).toEqual(['requires_silver']);
    expect(codes(open(null, 'renewal'))).toEqual(['nothing_to_renew']);
  });

  it('allows silver on a valid candidacy, gold on a valid silver', () => {
    expect(open(held('candidacy', 100), 'silver')).toEqual({ ok: true, level: 'silver', renewal: false });
    expect(open(held('silver', 400), 'gold')).toEqual({ ok: true, level: 'gold', renewal: false });
    expect(codes(open(held('candidacy', 100), 'gold'))).toEqual(['requires_silver']);
  });

  it('refuses a step whose prerequisite has expired', () => {
    expect(codes(open(held('candidacy', -1), 'silver'))).toEqual(['prerequisite_expired']);
    expect(codes(open(held('silver', 0), 'gold'))).toEqual(['prerequisite_expired']);
  });

  it('refuses the level already held or a lower one, pointing to renewal', () => {
    expect(codes(open(held('candidacy', 100), 'candidacy'))).toEqual(['already_at_level']);
    expect(codes(open(held('silver', 100), 'silver'))).toEqual(['already_at_level']);
    expect(codes(open(held('gold', 100), 'gold'))).toEqual(['already_at_level']);
    expect(codes(open(held('silver', 100), 'candidacy'))).toEqual(['already_beyond_level']);
    expect(codes(open(held('gold', -500), 'silver'))).toEqual(['already_beyond_level']);
    const r = open(held('silver', 100), 'silver');
    expect(!r.ok && r.reasons[0]?.message).toMatch(/renewal/);
  });

  it('lets a lapsed candidate apply for candidacy again', () => {
    expect(open(held('candidacy', -10), 'candidacy')).toEqual({ ok: true, level: 'candidacy', renewal: false });
  });

  it('renews only within the window or after expiry, resolving to the level held', () => {
    expect(codes(open(held('silver', 181), 'renewal'))).toEqual(['renewal_window_not_open']);
    expect(open(held('silver', 180), 'renewal')).toEqual({ ok: true, level: 'silver', renewal: true });
    expect(open(held('gold', 10), 'renewal')).toEqual({ ok: true, level: 'gold', renewal: true });
    expect(open(held('gold', -400), 'renewal')).toEqual({ ok: true, level: 'gold', renewal: true });
    expect(open(held('gold', 200), 'renewal', { config: { renewalWindowDays: 365 } })).toEqual({
      ok: true,
      level: 'gold',
      renewal: true,
    });
    const r = open(held('silver', 181), 'renewal');
    expect(!r.ok && r.reasons[0]?.message).toMatch(/opens on \d{4}-\d{2}-\d{2}/);
  });

  it('does not renew candidacy unless configured to', () => {
    expect(codes(open(held('candidacy', 10), 'renewal'))).toEqual(['level_not_renewable']);
    const config = { renewableLevels: ['candidacy', 'silver', 'gold'] as Level[] };
    expect(open(held('candidacy', 10), 'renewal', { config })).toEqual({ ok: true, level: 'candidacy', renewal: true });
    // Renewable candidacy is renewed, not re-applied for.
    expect(codes(open(held('candidacy', -10), 'candidacy', { config }))).toEqual(['already_at_level']);
  });

  it('refuses while another application is open, listing every reason', () => {
    expect(codes(open(null, 'candidacy', { hasOpenApplication: true }))).toEqual(['open_application_exists']);
    expect(codes(open(null, 'gold', { hasOpenApplication: true }))).toEqual(['open_application_exists', 'requires_silver']);
    for (const r of [open(null, 'gold', { hasOpenApplication: true })]) {
      if (r.ok) throw new Error('expected refusal');
      for (const reason of r.reasons) expect(reason.message.length).toBeGreaterThan(5);
    }
  });

  it('refuses an unknown target instead of throwing', () => {
    expect(codes(open(null, 'platinum' as never))).toEqual(['unknown_target']);
  });

  const standing = fc.option(fc.record({ level, validUntil: fc.integer({ min: -2000, max: 2000 }).map(inDays) }), { nil: null });
  const target = fc.constantFrom(...applicationTargets);

  it('property: ok exactly when no reason applies, and an open application always blocks', () => {
    fc.assert(
      fc.property(standing, target, fc.boolean(), (current, t, hasOpen) => {
        const r = open(current, t, { hasOpenApplication: hasOpen });
        if (hasOpen) expect(r.ok).toBe(false);
        if (!r.ok) expect(r.reasons.length).toBeGreaterThan(0);
        if (hasOpen && !r.ok) expect(r.reasons[0]?.code).toBe('open_application_exists');
      }),
    );
  });

  it('property: the journey is never skipped', () => {
    fc.assert(
      fc.property(standing, target, (current, t) => {
        const r = open(current, t);
        if (!r.ok) return;
        const valid = current !== null && isValidAt(current.validUntil, NOW);
        if (t === 'silver') expect(current?.level === 'candidacy' && valid).toBe(true);
        if (t === 'gold') expect(current?.level === 'silver' && valid).toBe(true);
        if (t === 'candidacy') expect(current === null || (current.level === 'candidacy' && !valid)).toBe(true);
        if (t === 'renewal') {
          expect(current).not.toBeNull();
          expect(r.level).toBe(current?.level);
          expect(Date.parse(NOW)).toBeGreaterThanOrEqual(renewalWindowOpensAt(current!.validUntil).getTime());
        } else {
          expect(r.level).toBe(t);
        }
      }),
    );
  });
});
