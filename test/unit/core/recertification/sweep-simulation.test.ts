/**
 * Three years of daily recertification sweeps over a random population, with gaps of
 * several days, double firings (one after the other, and two at once reading the same
 * state), and renewals decided by staff on any day. Actions are applied the way the sweep
 * handler does: record with applySweepAction's condition first, perform only if recorded.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareLevels, levels, type Level } from '#core/levels.ts';
import {
  DEFAULT_NOTICE_DAYS_BEFORE,
  applySweepAction,
  needsSweep,
  nextSweepDay,
  sweepActions,
  type SweepAction,
  type SweepCertification,
} from '#core/recertification/notices.ts';
import { addDaysTo, dayNumber, levelHeldOn, renewalTerm, termOf, type DatedCertification } from '#core/recertification/validity.ts';
// mulberry32: a tiny seeded generator for the calendar (gaps, double firings, decisions).
import { mulberry32 as prng } from '../../../support/random.ts';

const START = '2025-01-01';
const DAYS = 3 * 365 + 1;
const RENEWAL_WINDOW = 180;
const RENEWABLE: readonly Level[] = ['silver', 'gold'];

type Rec = SweepCertification & DatedCertification;

interface SimCert {
  rec: Rec;
  pathway: number;
  createdDay: number;
  expiresDay: number;
  /** Days on which the certification was active when the day's first sweep read it. */
  activeSweepDays: number[];
  performed: { day: number; action: SweepAction }[];
  renewedBy?: { day: number; continuous: boolean; level: Level; successor: SimCert };
}

function fail(message: string): never {
  throw new Error(message);
}

const dayIndex = (date: string) => dayNumber(date) - dayNumber(START);

const coverage = {
  runs: 0,
  gaps: 0,
  concurrentDays: 0,
  supersededNotices: 0,
  expiredOnTheDay: 0,
  expiredLate: 0,
  expiredAtFirstSweep: 0,
  continuousRenewals: 0,
  renewalsAfterExpiry: 0,
  upgrades: 0,
  leapDayCerts: 0,
};

const populationArb = fc.array(
  fc.record({
    level: fc.constantFrom(...levels),
    pathway: fc.integer({ min: 0, max: 7 }),
    issued: fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: -1300, max: 1000 }) },
      { weight: 1, arbitrary: fc.constant('leap' as const) },
    ),
  }),
  { minLength: 5, maxLength: 25 },
);

type Population = typeof populationArb extends fc.Arbitrary<infer T> ? T : never;

function simulate(population: Population, seed: number): void {
  const rand = prng(seed);
  const certs: SimCert[] = [];
  const pending: SimCert[] = [];
  const decisions = new Map<number, { cert: SimCert; level: Level }[]>();

  const make = (level: Level, validFrom: string, expiresOn: string, pathway: number, createdDay: number): SimCert => ({
    rec: {
      id: `c${certs.length + pending.length}`,
      level,
      validFrom,
      expiresOn,
      status: 'active',
      noticesSent: [],
      renewalOpened: false,
      expiredApplied: false,
    },
    pathway,
    createdDay,
    expiresDay: dayIndex(expiresOn),
    activeSweepDays: [],
    performed: [],
  });
  for (const p of population) {
    const issuedOn = p.issued === 'leap' ? '2024-02-29' : addDaysTo(START, p.issued);
    if (p.issued === 'leap') coverage.leapDayCerts++;
    const term = termOf(p.level, issuedOn);
    pending.push(make(p.level, term.validFrom, term.expiresOn, p.pathway, Math.max(0, dayIndex(issuedOn))));
  }

  let gap = 0;
  for (let d = 0; d < DAYS; d++) {
    const today = addDaysTo(START, d);
    for (let i = pending.length - 1; i >= 0; i--) {
      if (pending[i]!.createdDay === d) certs.push(...pending.splice(i, 1));
    }

    // Staff decisions happen whether or not the sweep runs.
    for (const { cert: old, level } of decisions.get(d) ?? []) {
      if (old.renewedBy || (old.rec.status !== 'active' && old.rec.status !== 'expired')) continue;
      const term = renewalTerm({ previous: old.rec, level, certifiedOn: today });
      const successor = make(level, term.validFrom, term.expiresOn, old.pathway, d);
      certs.push(successor);
      old.renewedBy = { day: d, continuous: term.continuous, level, successor };
      if (old.rec.status === 'active') old.rec = { ...old.rec, status: 'renewed' };
      if (level !== old.rec.level) coverage.upgrades++;
      else if (term.continuous) coverage.continuousRenewals++;
      else coverage.renewalsAfterExpiry++;
    }

    let sweeps: 'none' | 'one' | 'sequential' | 'concurrent' = 'one';
    if (gap > 0) {
      gap--;
      sweeps = 'none';
    } else {
      const r = rand();
      if (r < 0.04) {
        gap = 1 + Math.floor(rand() * 12);
        coverage.gaps++;
        sweeps = 'none';
      } else if (r < 0.1) sweeps = 'concurrent';
      else if (r < 0.14) sweeps = 'sequential';
    }

    const read = (): { cert: SimCert; actions: SweepAction[] }[] => {
      const found: { cert: SimCert; actions: SweepAction[] }[] = [];
      for (const cert of certs) {
        const actions = sweepActions({ certification: cert.rec, today });
        // As the sweep's query does: the index is keyed by nextSweepDay, read up to today.
        const day = nextSweepDay(cert.rec);
        const indexed = day !== null && day <= today;
        // The query must find every certification that has anything due. (Plain checks in
        // the hot loop: expect() here would dominate the run time.)
        if (!indexed && actions.length > 0) fail(`${cert.rec.id} has ${actions[0]!.kind} due on ${today} but is outside the sweep's query`);
        if (indexed) found.push({ cert, actions });
      }
      return found;
    };
    const perform = (batch: { cert: SimCert; actions: SweepAction[] }[]) => {
      for (const { cert, actions } of batch) {
        for (const action of actions) {
          const next = applySweepAction(cert.rec, action);
          if (!next) continue; // someone else recorded it first: do not send again
          cert.rec = next;
          cert.performed.push({ day: d, action });
          if (action.kind === 'notice' && action.superseded.length) coverage.supersededNotices++;
          if (action.kind === 'open-renewal' && rand() < 0.6) {
            const level: Level = cert.rec.level === 'silver' && rand() < 0.2 ? 'gold' : cert.rec.level;
            const on = d + Math.floor(rand() * 240);
            decisions.set(on, [...(decisions.get(on) ?? []), { cert, level }]);
          }
        }
      }
    };

    if (sweeps !== 'none') {
      for (const cert of certs) if (needsSweep(cert.rec)) cert.activeSweepDays.push(d);
      const first = read();
      if (sweeps === 'concurrent') {
        coverage.concurrentDays++;
        const second = read(); // same state: both sweeps computed before either recorded
        perform(first);
        perform(second);
      } else {
        perform(first);
        if (sweeps === 'sequential') perform(read());
      }
    }

    // "Is the level valid today?" must be right every day, sweep or not.
    const t = Date.parse(today);
    for (let p = 0; p <= 7; p++) {
      const own = certs.filter((c) => c.pathway === p);
      let truth: Level | null = null;
      for (const c of own) {
        if (
          Date.parse(c.rec.validFrom) <= t &&
          t < Date.parse(c.rec.expiresOn) &&
          (truth === null || compareLevels(c.rec.level, truth) > 0)
        ) {
          truth = c.rec.level;
        }
      }
      const held = levelHeldOn(
        own.map((c) => c.rec),
        today,
      );
      if (held !== truth) fail(`pathway ${p} on ${today}: held ${held}, truly ${truth}`);
    }
  }

  for (const c of certs) {
    const kinds = (k: SweepAction['kind']) => c.performed.filter((p) => p.action.kind === k);
    // Notices: each threshold at most once, ever more urgent, never early, never after expiry.
    const notices = kinds('notice').map((p) => ({ day: p.day, t: (p.action as { daysBefore: number }).daysBefore }));
    expect(new Set(notices.map((n) => n.t)).size).toBe(notices.length);
    for (let i = 1; i < notices.length; i++) expect(notices[i]!.t).toBeLessThan(notices[i - 1]!.t);
    for (const n of notices) {
      expect(n.day).toBeLessThan(c.expiresDay);
      // It is the most urgent threshold crossed that day (after a gap, the earlier ones are skipped).
      expect(n.t).toBe(Math.min(...DEFAULT_NOTICE_DAYS_BEFORE.filter((t) => c.expiresDay - n.day <= t)));
    }
    for (const t of DEFAULT_NOTICE_DAYS_BEFORE) {
      // Without a gap on that day, a notice goes out exactly on its day.
      if (c.activeSweepDays.includes(c.expiresDay - t)) expect(notices).toContainEqual({ day: c.expiresDay - t, t });
    }

    const opened = kinds('open-renewal');
    const firstInWindow = c.activeSweepDays.find((d) => d >= c.expiresDay - RENEWAL_WINDOW);
    if (RENEWABLE.includes(c.rec.level) && firstInWindow !== undefined) {
      expect(opened.map((p) => p.day)).toEqual([firstInWindow]);
    } else {
      expect(opened).toEqual([]);
    }

    const expired = kinds('expire');
    const firstDue = c.activeSweepDays.find((d) => d >= c.expiresDay);
    if (firstDue !== undefined) {
      expect(expired.map((p) => p.day)).toEqual([firstDue]);
      expect(c.rec.status).toBe('expired');
      if (firstDue === c.expiresDay) coverage.expiredOnTheDay++;
      else if (firstDue === c.activeSweepDays[0] && c.expiresDay < c.createdDay) coverage.expiredAtFirstSweep++;
      else coverage.expiredLate++;
    } else {
      expect(expired).toEqual([]);
      expect(c.rec.expiredApplied).toBe(false);
    }

    // An early renewal at the same level leaves no day without the level.
    const r = c.renewedBy;
    if (r && r.continuous && r.level === c.rec.level) {
      expect(r.successor.rec.validFrom).toBe(c.rec.expiresOn);
      const own = certs.filter((x) => x.pathway === c.pathway).map((x) => x.rec);
      const held = levelHeldOn(own, c.rec.expiresOn);
      expect(held !== null && compareLevels(held, c.rec.level) >= 0).toBe(true);
    }
  }
  coverage.runs++;
}

describe('recertification sweep simulation', () => {
  it('over three years with gaps and double firings, every action happens once, on time or at the first sweep after', () => {
    fc.assert(
      fc.property(populationArb, fc.integer(), (population, seed) => simulate(population, seed)),
      { seed: 20250101, numRuns: 12 },
    );
  });

  afterAll(() => {
    // The generated calendars must actually contain the situations the properties are about.
    expect(coverage.runs).toBeGreaterThan(0);
    expect(coverage.gaps).toBeGreaterThan(0);
    expect(coverage.concurrentDays).toBeGreaterThan(0);
    expect(coverage.supersededNotices).toBeGreaterThan(0);
    expect(coverage.expiredOnTheDay).toBeGreaterThan(0);
    expect(coverage.expiredLate).toBeGreaterThan(0);
    expect(coverage.expiredAtFirstSweep).toBeGreaterThan(0);
    expect(coverage.continuousRenewals).toBeGreaterThan(0);
    expect(coverage.renewalsAfterExpiry).toBeGreaterThan(0);
    expect(coverage.upgrades).toBeGreaterThan(0);
    expect(coverage.leapDayCerts).toBeGreaterThan(0);
  });
});
