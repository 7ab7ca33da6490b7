/** EventBridge pattern matching of the local EventBridge server. */
import { describe, expect, it } from 'vitest';
import type { EventPattern } from '../../../events/rules.ts';
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
    reviewers: [{ sub: 'a', lead: false }, { sub: 'b', lead: true }],
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

describe('prefix and suffix', () => {
  it('matches strings by prefix', () => {
    expect(matches({ 'detail-type': [{ prefix: 'Certification' }] })).toBe(true);
    expect(matches({ 'detail-type': [{ prefix: 'Review' }] })).toBe(false);
    expect(matches({ 'detail-type': [{ prefix: 'certification' }] })).toBe(false);
    expect(matches({ 'detail-type': [{ prefix: { 'equals-ignore-case': 'certification' } }] })).toBe(true);
    expect(matches({ detail: { daysBefore: [{ prefix: '3' }] } })).toBe(false);
  });

  it('matches strings by suffix', () => {
    expect(matches({ 'detail-type': [{ suffix: 'Expiring' }] })).toBe(true);
    expect(matches({ 'detail-type': [{ suffix: 'Expired' }] })).toBe(false);
    expect(matches({ 'detail-type': [{ suffix: { 'equals-ignore-case': 'EXPIRING' } }] })).toBe(true);
  });
});

describe('exists', () => {
  it('exists: true needs the field, exists: false needs it absent', () => {
    expect(matches({ detail: { certificationId: [{ exists: true }] } })).toBe(true);
    expect(matches({ detail: { applicationId: [{ exists: true }] } })).toBe(false);
    expect(matches({ detail: { applicationId: [{ exists: false }] } })).toBe(true);
    expect(matches({ detail: { certificationId: [{ exists: false }] } })).toBe(false);
    expect(matches({ detail: { note: [{ exists: true }] } })).toBe(true);
  });

  it('combines with other matchers in one list (one of them must match)', () => {
    expect(matches({ detail: { applicationId: ['app_1', { exists: false }] } })).toBe(true);
  });
});

describe('anything-but', () => {
  it('excludes a value or a list of values', () => {
    expect(matches({ detail: { level: [{ 'anything-but': 'silver' }] } })).toBe(true);
    expect(matches({ detail: { level: [{ 'anything-but': ['gold', 'silver'] }] } })).toBe(false);
    expect(matches({ detail: { daysBefore: [{ 'anything-but': [7, 90] }] } })).toBe(true);
    expect(matches({ detail: { daysBefore: [{ 'anything-but': 30 }] } })).toBe(false);
  });

  it('excludes by prefix or suffix', () => {
    expect(matches({ source: [{ 'anything-but': { prefix: 'aws.' } }] })).toBe(true);
    expect(matches({ source: [{ 'anything-but': { prefix: 'path' } }] })).toBe(false);
    expect(matches({ 'detail-type': [{ 'anything-but': { suffix: 'Expired' } }] })).toBe(true);
  });

  it('does not match a missing field', () => {
    expect(matches({ detail: { missing: [{ 'anything-but': 'x' }] } })).toBe(false);
  });
});

describe('numeric, equals-ignore-case, wildcard and $or', () => {
  it('matches numeric ranges', () => {
    expect(matches({ detail: { daysBefore: [{ numeric: ['>', 7, '<=', 30] }] } })).toBe(true);
    expect(matches({ detail: { daysBefore: [{ numeric: ['<', 30] }] } })).toBe(false);
    expect(matches({ detail: { daysBefore: [{ numeric: ['=', 30] }] } })).toBe(true);
    expect(matches({ detail: { level: [{ numeric: ['>', 0] }] } })).toBe(false);
  });

  it('matches equals-ignore-case and wildcards', () => {
    expect(matches({ source: [{ 'equals-ignore-case': 'PATHCERT' }] })).toBe(true);
    expect(matches({ 'detail-type': [{ wildcard: 'Cert*Expir*' }] })).toBe(true);
    expect(matches({ 'detail-type': [{ wildcard: 'Cert*Issued' }] })).toBe(false);
    expect(matches({ resources: [{ wildcard: 'arn:aws:*:2' }] })).toBe(true);
  });

  it('matches $or when one alternative matches', () => {
    const pattern: EventPattern = {
      source: ['pathcert'],
      $or: [{ detail: { level: ['silver'] } }, { detail: { daysBefore: [{ numeric: ['<=', 30] }] } }],
    };
    expect(matches(pattern)).toBe(true);
    expect(matches({ ...pattern, source: ['other'] })).toBe(false);
    expect(matches({ $or: [{ detail: { level: ['silver'] } }, { source: ['x'] }] })).toBe(false);
  });
});

describe('validatePattern', () => {
  it.each([
    ['not an object', []],
    ['empty', {}],
    ['a scalar leaf', { source: 'pathcert' }],
    ['an empty list', { source: [] }],
    ['an unknown matcher', { source: [{ contains: 'x' }] }],
    ['exists not boolean', { source: [{ exists: 'yes' }] }],
    ['numeric without operator pairs', { detail: { n: [{ numeric: ['>'] }] } }],
    ['numeric with a bad operator', { detail: { n: [{ numeric: ['!=', 1] }] } }],
    ['anything-but with an empty list', { source: [{ 'anything-but': [] }] }],
    ['$or with one alternative', { $or: [{ source: ['a'] }] }],
  ])('rejects %s', (_, pattern) => {
    expect(() => validatePattern(pattern)).toThrow(InvalidEventPatternError);
  });
});
