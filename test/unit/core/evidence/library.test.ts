import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newId } from '#core/ids.ts';
import {
  applyVersionEvent,
  canTransition,
  carryForward,
  currentVersion,
  declarationExpiresAt,
  DECLARATION_GRACE_SECONDS,
  freezeLinks,
  linksFromTags,
  nextVersionNumber,
  verificationEvent,
  versionTransitions,
  type EvidenceItem,
  type EvidenceVersion,
  type VersionEvent,
  type VersionState,
} from '#core/evidence/library.ts';
import { evidenceKey, MAX_VERSION } from '#core/evidence/object-keys.ts';

const pw = newId('pathway');
const T0 = '2025-03-01T10:00:00.000Z';
const LATER = '2025-03-01T10:05:00.000Z';
const AFTER_DEADLINE = '2025-03-02T00:00:00.000Z';

function version(evidenceId: string, n: number, state: VersionState = 'declared', pathwayId = pw): EvidenceVersion {
  return {
    evidenceId,
    pathwayId,
    version: n,
    state,
    fileName: 'plan.pdf',
    contentType: 'application/pdf',
    size: 100,
    declaredBy: 'per_x',
    declaredAt: T0,
    expiresAt: '2025-03-01T11:05:00.000Z',
    ...(state === 'available' ? { sha256: `${n}`.padStart(64, '0'), verifiedAt: LATER } : {}),
  };
}

const verified: VersionEvent = { type: 'verified', sha256: 'c'.repeat(64), size: 100, objectVersionId: 'v-1', at: LATER };
const rejected: VersionEvent = { type: 'rejected', reason: 'executable', message: 'The file is a Windows program.', at: LATER };

describe('versions', () => {
  it('are numbered one past the highest ever declared', () => {
    expect(nextVersionNumber([])).toBe(1);
    expect(nextVersionNumber([{ version: 1 }, { version: 3 }, { version: 2 }])).toBe(4);
    expect(() => nextVersionNumber([{ version: MAX_VERSION }])).toThrow(RangeError);
  });

  it('current is the latest available one, not the latest declared or failed', () => {
    const ev = newId('evidence');
    const vs = [version(ev, 1, 'available'), version(ev, 2, 'available'), version(ev, 3, 'quarantined'), version(ev, 4, 'declared')];
    expect(currentVersion(vs)?.version).toBe(2);
    expect(currentVersion([version(ev, 1)])).toBeUndefined();
  });

  it('expire an hour after their upload policy', () => {
    expect(declarationExpiresAt(new Date(T0), 300).toISOString()).toBe(
      new Date(Date.parse(T0) + (300 + DECLARATION_GRACE_SECONDS) * 1000).toISOString(),
    );
  });
});

describe('state transitions', () => {
  it('go from declared to one final state only', () => {
    expect(canTransition('declared', 'available')).toBe(true);
    expect(canTransition('declared', 'quarantined')).toBe(true);
    expect(canTransition('declared', 'expired')).toBe(true);
    for (const from of ['available', 'quarantined', 'expired'] as const) {
      for (const to of Object.keys(versionTransitions) as VersionState[]) expect(canTransition(from, to)).toBe(false);
    }
  });

  it('make a verified upload available and say to promote it', () => {
    const r = applyVersionEvent(version(newId('evidence'), 1), verified);
    expect(r).toMatchObject({
      changed: true,
      effect: 'promote',
      version: { state: 'available', sha256: 'c'.repeat(64), objectVersionId: 'v-1', verifiedAt: LATER },
    });
  });

  it('quarantine a failed upload with its reason, for the uploader', () => {
    const r = applyVersionEvent(version(newId('evidence'), 1), rejected);
    expect(r).toMatchObject({
      changed: true,
      effect: 'quarantine',
      version: { state: 'quarantined', quarantine: { reason: 'executable', message: 'The file is a Windows program.', at: LATER } },
    });
  });

  it('expire only overdue declarations, and an upload verified late but before the sweep still counts', () => {
    const v = version(newId('evidence'), 1);
    expect(applyVersionEvent(v, { type: 'expired', at: LATER })).toMatchObject({ changed: false, reason: 'not_due' });
    expect(applyVersionEvent(v, { type: 'expired', at: AFTER_DEADLINE })).toMatchObject({
      changed: true,
      effect: 'none',
      version: { state: 'expired' },
    });
    expect(applyVersionEvent(v, { ...verified, at: AFTER_DEADLINE })).toMatchObject({ changed: true, version: { state: 'available' } });
  });

  it('ignore duplicate and out-of-order events once final, discarding any object left under pending/', () => {
    const v = version(newId('evidence'), 1);
    const events: VersionEvent[] = [verified, rejected, { type: 'expired', at: AFTER_DEADLINE }];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...events), { minLength: 1, maxLength: 8 }), (sequence) => {
        let state = v;
        const first = applyVersionEvent(state, sequence[0]!);
        state = first.version;
        for (const event of sequence.slice(1)) {
          const r = applyVersionEvent(state, event);
          expect(r.changed).toBe(false);
          expect(r.version).toBe(state);
          expect(r.effect).toBe(event.type === 'expired' ? 'none' : 'discard_pending');
        }
        // The first event decides, whatever follows.
        expect(state.state).toBe({ verified: 'available', rejected: 'quarantined', expired: 'expired' }[sequence[0]!.type]);
      }),
    );
  });

  it('apply per version: a result for version 1 arriving after version 2 still verifies 1, and current stays 2', () => {
    const ev = newId('evidence');
    let v1 = version(ev, 1);
    let v2 = version(ev, 2);
    v2 = applyVersionEvent(v2, verified).version;
    v1 = applyVersionEvent(v1, verified).version;
    expect(v1.state).toBe('available');
    expect(currentVersion([v1, v2])?.version).toBe(2);
  });

  it('map verification results to events', () => {
    expect(verificationEvent({ ok: true, sha256: 'd'.repeat(64), size: 5 }, LATER, 'vid')).toEqual({
      type: 'verified',
      sha256: 'd'.repeat(64),
      size: 5,
      objectVersionId: 'vid',
      at: LATER,
    });
    expect(verificationEvent({ ok: false, reason: 'size_mismatch', message: 'm', bytesRead: 3 }, LATER)).toEqual({
      type: 'rejected',
      reason: 'size_mismatch',
      message: 'm',
      at: LATER,
    });
  });
});

describe('carryForward', () => {
  it('marks each previous link unchanged, newer version available, or removed', () => {
    const [a, b, c, d] = [newId('evidence'), newId('evidence'), newId('evidence'), newId('evidence')];
    const previous = [
      { criterionId: 'c1', evidenceId: a, version: 2 },
      { criterionId: 'c2', evidenceId: b, version: 1 },
      { criterionId: 'c3', evidenceId: c, version: 1 },
      { criterionId: 'c4', evidenceId: d, version: 3 },
    ];
    const current = new Map([
      [a, 2],
      [b, 4],
      [d, 2],
    ]);
    expect(carryForward(previous, current)).toEqual([
      { criterionId: 'c1', evidenceId: a, version: 2, status: 'unchanged', latestVersion: 2 },
      { criterionId: 'c2', evidenceId: b, version: 1, status: 'newer_version_available', latestVersion: 4 },
      { criterionId: 'c3', evidenceId: c, version: 1, status: 'removed' },
      { criterionId: 'c4', evidenceId: d, version: 3, status: 'removed', latestVersion: 2 },
    ]);
  });
});

describe('freezeLinks', () => {
  const ev = newId('evidence');
  const other = newId('evidence');
  const foreign = newId('evidence');
  const versions = [
    { ...version(ev, 1, 'available'), objectVersionId: 'ov1' },
    version(ev, 2, 'available'),
    version(ev, 3, 'quarantined'),
    version(other, 1, 'declared'),
    version(foreign, 1, 'available', newId('pathway')),
  ];

  it('pins exact verified versions, the current one when no version is given', () => {
    const result = freezeLinks(
      [
        { criterionId: 'c1', evidenceId: ev, version: 1 },
        { criterionId: 'c2', evidenceId: ev },
      ],
      { pathwayId: pw, versions },
    );
    expect(result).toEqual({
      ok: true,
      links: [
        {
          criterionId: 'c1',
          evidenceId: ev,
          version: 1,
          objectKey: evidenceKey(pw, ev, 1),
          objectVersionId: 'ov1',
          sha256: versions[0]!.sha256,
          size: 100,
        },
        { criterionId: 'c2', evidenceId: ev, version: 2, objectKey: evidenceKey(pw, ev, 2), sha256: versions[1]!.sha256, size: 100 },
      ],
    });
  });

  it('reports every bad link: unknown, other pathway, not available, none available, duplicate', () => {
    const result = freezeLinks(
      [
        { criterionId: 'c1', evidenceId: newId('evidence') },
        { criterionId: 'c1', evidenceId: foreign, version: 1 },
        { criterionId: 'c1', evidenceId: ev, version: 3 },
        { criterionId: 'c3', evidenceId: ev, version: 9 },
        { criterionId: 'c1', evidenceId: other },
        { criterionId: 'c2', evidenceId: ev, version: 1 },
        { criterionId: 'c2', evidenceId: ev, version: 2 },
      ],
      { pathwayId: pw, versions },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => [e.index, e.code])).toEqual([
        [0, 'unknown_item'],
        [1, 'other_pathway'],
        [2, 'version_not_available'],
        [3, 'version_not_available'],
        [4, 'no_available_version'],
        [6, 'duplicate_link'],
      ]);
    }
  });
});

describe('linksFromTags', () => {
  it('links each tagged criterion to the item current version, skipping items with none', () => {
    const [a, b] = [newId('evidence'), newId('evidence')];
    const item = (evidenceId: string, criterionIds: string[]): EvidenceItem => ({
      evidenceId,
      pathwayId: pw,
      title: 't',
      criterionIds,
      createdBy: 'per_x',
      createdAt: T0,
    });
    const links = linksFromTags(
      [item(a, ['c1', 'c2']), item(b, ['c3'])],
      [version(a, 1, 'available'), version(a, 2, 'available'), version(b, 1)],
    );
    expect(links).toEqual([
      { criterionId: 'c1', evidenceId: a, version: 2 },
      { criterionId: 'c2', evidenceId: a, version: 2 },
    ]);
  });
});
