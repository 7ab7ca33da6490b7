/** EventBridge pattern matching of the local EventBridge server (exact values; everything else refused). */
import { describe, expect, it } from 'vitest';
import type { EventPattern } from '#events/rules.ts';
import { InvalidEventPatternError, matchesPattern, validatePattern } from '../../../infra/local/eventbridge/pattern.ts';

const event = {
  version: '0',
  id: 'e-1',
  'detail-type': 'CertificationExpiring',
  source: 'pathcert',
  account: '000000000000',
  time: '2026-03-01T07:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:x:1', 'arn:aws:y:2'],
  detail: {
    version: 1,
    certificationId: 'cert_01',
    level: 'gold',
    daysBefore: 30,
    renewal: false,
    note: null,
    district: { id: 'dst_9', state: 'CA' },
    tags: ['stem', 'health'],
    reviewers: [
      { sub: 'a', lead: false },
      { sub: 'b', lead: true },
    ],
  },
};

const matches = (pattern: EventPattern) => {
  validatePattern(pattern);
  return matchesPattern(pattern, event);
};

describe('exact values', () => {
  it('matches when the field equals one of the listed values', () => {
    expect(matches({ source: ['pathcert'] })).toBe(true);
    expect(matches({ source: ['other', 'pathcert'], 'detail-type': ['CertificationExpiring'] })).toBe(true);
    expect(matches({ source: ['other'] })).toBe(false);
    // Every field of the pattern must match.
    expect(matches({ source: ['pathcert'], 'detail-type': ['DecisionMade'] })).toBe(false);
  });

  it('matches nested detail fields, numbers, booleans and null by type', () => {
    expect(matches({ detail: { level: ['gold'], daysBefore: [30] } })).toBe(true);
    expect(matches({ detail: { daysBefore: ['30'] } })).toBe(false);
    expect(matches({ detail: { renewal: [false] } })).toBe(true);
    expect(matches({ detail: { renewal: ['false'] } })).toBe(false);
    expect(matches({ detail: { note: [null] } })).toBe(true);
    expect(matches({ detail: { district: { state: ['CA'] } } })).toBe(true);
    expect(matches({ detail: { district: { state: ['NY'] } } })).toBe(false);
  });

  it('is case sensitive', () => {
    expect(matches({ source: ['PathCert'] })).toBe(false);
  });

  it('matches an array in the event when one element matches', () => {
    expect(matches({ resources: ['arn:aws:y:2'] })).toBe(true);
    expect(matches({ detail: { tags: ['health'] } })).toBe(true);
    expect(matches({ detail: { tags: ['arts'] } })).toBe(false);
    expect(matches({ detail: { reviewers: { lead: [true], sub: ['b'] } } })).toBe(true);
    expect(matches({ detail: { reviewers: { lead: [true], sub: ['a'] } } })).toBe(false);
  });

  it('never matches a missing field', () => {
    expect(matches({ detail: { missing: ['x'] } })).toBe(false);
    expect(matches({ detail: { district: { county: ['x'] } } })).toBe(false);
    expect(matches({ nothing: { deeper: ['x'] } })).toBe(false);
  });
});

describe('validatePattern', () => {
  it.each([
    ['not an object', []],
    ['empty', {}],
    ['a scalar leaf', { source: 'pathcert' }],
    ['an empty list', { source: [] }],
    ['an unknown matcher', { source: [{ contains: 'x' }] }],
  ])('rejects %s', (_, pattern) => {
    expect(() => validatePattern(pattern)).toThrow(InvalidEventPatternError);
  });

  // EventBridge accepts these; the local server matches exact values only and says so,
  // so a rule that needs more fails at load (and in definitions.test.ts), not by never matching.
  it.each([
    ['prefix', { 'detail-type': [{ prefix: 'Certification' }] }],
    ['suffix', { 'detail-type': [{ suffix: 'Expiring' }] }],
    ['equals-ignore-case', { source: [{ 'equals-ignore-case': 'PATHCERT' }] }],
    ['wildcard', { resources: [{ wildcard: 'arn:aws:*:2' }] }],
    ['exists', { detail: { certificationId: [{ exists: true }] } }],
    ['numeric', { detail: { daysBefore: [{ numeric: ['<=', 30] }] } }],
    ['anything-but', { detail: { level: [{ 'anything-but': 'silver' }] } }],
    ['cidr', { detail: { ip: [{ cidr: '10.0.0.0/24' }] } }],
    ['$or', { $or: [{ source: ['a'] }, { source: ['b'] }] }],
  ])('refuses %s, which the local server does not implement', (name, pattern) => {
    expect(() => validatePattern(pattern)).toThrow(InvalidEventPatternError);
    expect(() => validatePattern(pattern)).toThrow(/not supported by the local EventBridge server/);
    expect(() => validatePattern(pattern)).toThrow(name);
  });
});
