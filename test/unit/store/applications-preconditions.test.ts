import { describe, expect, it } from 'vitest';
import { expectedVersion, expectedVersionOrNew } from '#lib/preconditions.ts';
import { compareVersions } from '#core/framework.ts';
import { Problem } from '#lib/problem.ts';
import { versionSortKey } from '#store/keys.ts';

const status = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as Problem).status;
  }
  return 'ok';
};

describe('If-Match and If-None-Match', () => {
  it('reads the version from a strong or weak tag, or from the body', () => {
    expect(expectedVersion({ 'if-match': '"3"' })).toBe(3);
    expect(expectedVersion({ 'if-match': 'W/"3"' })).toBe(3);
    expect(expectedVersion({ 'if-match': '3' })).toBe(3);
    expect(expectedVersion({}, 4)).toBe(4);
    expect(expectedVersion({ 'if-match': '"4"' }, 4)).toBe(4);
  });

  it('428 without a version, 400 for *, lists, garbage or a header and body that disagree', () => {
    expect(status(() => expectedVersion({}))).toBe(428);
    expect(status(() => expectedVersion({ 'if-match': '*' }))).toBe(400);
    expect(status(() => expectedVersion({ 'if-match': '"1", "2"' }))).toBe(400);
    expect(status(() => expectedVersion({ 'if-match': '"abc"' }))).toBe(400);
    expect(status(() => expectedVersion({ 'if-match': '"1"' }, 2))).toBe(400);
  });

  it('creation: If-None-Match: * or version 0', () => {
    expect(expectedVersionOrNew({ 'if-none-match': '*' })).toBe(0);
    expect(expectedVersionOrNew({}, 0)).toBe(0);
    expect(expectedVersionOrNew({ 'if-match': '"0"' })).toBe(0);
    expect(status(() => expectedVersionOrNew({ 'if-none-match': '"1"' }))).toBe(400);
    expect(status(() => expectedVersionOrNew({ 'if-none-match': '*', 'if-match': '"1"' }))).toBe(400);
    expect(status(() => expectedVersionOrNew({ 'if-none-match': '*' }, 2))).toBe(400);
    expect(status(() => expectedVersionOrNew({}))).toBe(428);
  });
});

describe('versionSortKey (published frameworks, highest version first)', () => {
  it('sorts like compareVersions', () => {
    const versions = ['2026.1', '2026.10', '2026.9', '2026', '2027.0.1', '999', '2026.1.5', '10.0'];
    const byKey = [...versions].sort((a, b) =>
      versionSortKey(a) < versionSortKey(b) ? -1 : versionSortKey(a) > versionSortKey(b) ? 1 : 0,
    );
    const byCompare = [...versions].sort(compareVersions);
    expect(byKey).toEqual(byCompare);
    expect(versionSortKey('2026')).toBe(versionSortKey('2026.0.0'));
  });
});
