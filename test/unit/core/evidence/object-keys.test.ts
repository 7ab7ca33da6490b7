import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newId } from '#core/ids.ts';
import {
  decodeS3EventKey,
  eventObjectKey,
  evidenceKey,
  exportKey,
  hasDotSegment,
  isKeyOfPathway,
  keyInArea,
  keyPrefixes,
  MAX_VERSION,
  objectKey,
  parseEvidenceKey,
  parseObjectKey,
  pathwayPrefix,
  pendingKey,
  quarantineKey,
  resourceKey,
  type ObjectKeyParts,
} from '#core/evidence/object-keys.ts';

const pw = newId('pathway');
const otherPw = newId('pathway');
const ev = newId('evidence');

describe('object keys', () => {
  it('have the documented shapes', () => {
    expect(pendingKey(pw, ev, 1)).toBe(`pending/${pw}/${ev}/1`);
    expect(evidenceKey(pw, ev, 12)).toBe(`evidence/${pw}/${ev}/12`);
    expect(quarantineKey(pw, ev, 3)).toBe(`quarantine/${pw}/${ev}/3`);
    const res = newId('resource');
    expect(resourceKey(res, 2)).toBe(`resources/${res}/2`);
    const app = newId('application');
    const exp = newId('export');
    expect(exportKey(app, exp)).toBe(`exports/${app}/${exp}.zip`);
    expect(pathwayPrefix('evidence', pw)).toBe(`evidence/${pw}/`);
    for (const prefix of Object.values(keyPrefixes)) expect(prefix.endsWith('/')).toBe(true);
  });

  it('are only built from valid ids and versions', () => {
    expect(() => pendingKey('../x', ev, 1)).toThrow(TypeError);
    expect(() => pendingKey(pw, newId('pathway'), 1)).toThrow(TypeError);
    expect(() => evidenceKey(pw, ev, 0)).toThrow(TypeError);
    expect(() => evidenceKey(pw, ev, 1.5)).toThrow(TypeError);
    expect(() => evidenceKey(pw, ev, MAX_VERSION + 1)).toThrow(TypeError);
    expect(() => exportKey(newId('application'), newId('evidence'))).toThrow(TypeError);
  });

  it('round-trip through the parser, whatever the ids and versions', () => {
    const idOf = (kind: 'pathway' | 'evidence' | 'resource' | 'application' | 'export') =>
      fc.integer({ min: 0, max: 2 ** 47 }).map((t) => newId(kind, t));
    const version = fc.integer({ min: 1, max: MAX_VERSION });
    const parts: fc.Arbitrary<ObjectKeyParts> = fc.oneof(
      fc.record({
        kind: fc.constantFrom('pending' as const, 'evidence' as const, 'quarantine' as const),
        pathwayId: idOf('pathway'),
        evidenceId: idOf('evidence'),
        version,
      }),
      fc.record({ kind: fc.constant('resource' as const), resourceId: idOf('resource'), version }),
      fc.record({ kind: fc.constant('export' as const), applicationId: idOf('application'), exportId: idOf('export') }),
    );
    fc.assert(
      fc.property(parts, (p) => {
        expect(parseObjectKey(objectKey(p))).toEqual(p);
      }),
    );
  });

  it('reject traversal, encodings, other prefixes and anything this module does not generate', () => {
    const good = pendingKey(pw, ev, 1);
    for (const bad of [
      `pending/${pw}/../${otherPw}/${ev}/1`,
      `pending/${pw}/${ev}/../../evidence/${pw}/${ev}/1`,
      `pending/${pw}/${ev}/1/`,
      `/pending/${pw}/${ev}/1`,
      `pending//${pw}/${ev}/1`,
      `pending/${pw}/${ev}/01`,
      `pending/${pw}/${ev}/0`,
      `pending/${pw}/${ev}/1.pdf`,
      `pending/${pw}/${ev}/1\n`,
      `pending/${pw.toLowerCase()}/${ev}/1`,
      `pending/${pw}/${ev.replace('ev_', 'ev-')}/1`,
      `pending%2F${pw}%2F${ev}%2F1`,
      `pending/${pw}/%2e%2e/${ev}/1`,
      `uploads/${pw}/${ev}/1`,
      `PENDING/${pw}/${ev}/1`,
      `evidence/${ev}/${pw}/1`,
      `pending/${pw}/${ev}/${'9'.repeat(7)}`,
      `exports/${newId('application')}/${newId('export')}`,
      `resources/${newId('evidence')}/1`,
      '',
      good.replace('pending', 'pending '),
    ]) {
      expect(parseObjectKey(bad), bad).toBeNull();
    }
  });

  it('tell keys of one pathway from another', () => {
    expect(isKeyOfPathway(evidenceKey(pw, ev, 1), pw)).toBe(true);
    expect(isKeyOfPathway(evidenceKey(otherPw, ev, 1), pw)).toBe(false);
    expect(isKeyOfPathway(`evidence/${pw}/../${otherPw}/${ev}/1`, pw)).toBe(false);
    expect(parseEvidenceKey(pendingKey(pw, ev, 1), { area: 'evidence' })).toBeNull();
    expect(parseEvidenceKey(pendingKey(pw, ev, 1), { area: 'pending', pathwayId: pw })).toEqual({
      kind: 'pending',
      pathwayId: pw,
      evidenceId: ev,
      version: 1,
    });
    expect(parseEvidenceKey(resourceKey(newId('resource'), 1))).toBeNull();
  });

  it('move between areas keeping pathway, item and version', () => {
    expect(keyInArea(pendingKey(pw, ev, 4), 'evidence')).toBe(evidenceKey(pw, ev, 4));
    expect(keyInArea(pendingKey(pw, ev, 4), 'quarantine')).toBe(quarantineKey(pw, ev, 4));
    expect(keyInArea(`pending/${pw}/../x`, 'evidence')).toBeNull();
  });
});

describe('decodeS3EventKey', () => {
  it('decodes form-style URL encoding (a space is +), and leaves our plain keys alone', () => {
    const key = pendingKey(pw, ev, 7);
    expect(decodeS3EventKey(key)).toBe(key);
    expect(decodeS3EventKey(encodeURIComponent(key))).toBe(key);
    expect(decodeS3EventKey('a+b%2Bc%20d')).toBe('a b+c d');
  });

  it('returns null for malformed encodings, and decoded traversal still fails to parse', () => {
    expect(decodeS3EventKey('%E0%A4%A')).toBeNull();
    expect(decodeS3EventKey('%')).toBeNull();
    const traversal = decodeS3EventKey(`pending/${pw}/%2E%2E/${ev}/1`)!;
    expect(traversal).toBe(`pending/${pw}/../${ev}/1`);
    expect(parseObjectKey(traversal)).toBeNull();
    // Double encoding decodes once, to something that is still not a key.
    expect(parseObjectKey(decodeS3EventKey(`pending/${pw}/%252E%252E/${ev}/1`)!)).toBeNull();
  });
});

describe('hasDotSegment', () => {
  it('finds . and .. segments, also percent-encoded once or more, anywhere in the key', () => {
    for (const key of [
      `pending/${pw}/../../evidence/${otherPw}/${ev}/1`,
      `pending/./${pw}/${ev}/1`,
      '../x',
      'a/..',
      '.',
      `pending/${pw}/%2e%2E/x`,
      'a/.%2e/b',
      'a/%2e/b',
      'a/%252e%252E/b',
    ]) {
      expect(hasDotSegment(key), key).toBe(true);
    }
  });

  it('leaves every key this module builds, and dots inside a segment, alone', () => {
    for (const key of [
      pendingKey(pw, ev, 1),
      evidenceKey(pw, ev, 12),
      exportKey(newId('application'), newId('export')),
      'a/..b/c..',
      'a/.x/...',
      'a/%2e%2e%2e/b',
      '',
    ]) {
      expect(hasDotSegment(key), key).toBe(false);
    }
  });
});

describe('eventObjectKey', () => {
  it('decodes a usable key, and says why to ignore a missing, malformed or dot-segment one', () => {
    const key = pendingKey(pw, ev, 3);
    expect(eventObjectKey(encodeURIComponent(key))).toEqual({ key });
    expect(eventObjectKey(undefined)).toEqual({ key: null, refused: 'bad_event' });
    expect(eventObjectKey('')).toEqual({ key: null, refused: 'bad_event' });
    expect(eventObjectKey('%E0%A4%A')).toEqual({ key: null, refused: 'bad_event' });
    expect(eventObjectKey(`pending/${pw}/%2E%2E/${ev}/1`)).toEqual({ key: `pending/${pw}/../${ev}/1`, refused: 'dot_segment' });
    // Encoded twice: decoded once, the segment is still an encoded dot-dot.
    expect(eventObjectKey('a/%252e%252E/b')).toEqual({ key: 'a/%2e%2E/b', refused: 'dot_segment' });
  });
});
