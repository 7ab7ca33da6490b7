/**
 * The review-round stage table: which moves the pipeline may make, and that a finished
 * round (decided, withdrawn) never moves again.
 */
import { describe, expect, it } from 'vitest';
import { canMoveStage, reviewStages, stageMoves, type ReviewStage } from '#core/review/stages.ts';

describe('review-round stage moves', () => {
  it('allows the moves of a normal round, a disagreement, a withdrawal, a failure and a restart', () => {
    const allowed: [ReviewStage, ReviewStage][] = [
      ['assigning', 'reviewing'],
      ['reviewing', 'assigning'],
      ['reviewing', 'adjudication'],
      ['reviewing', 'decision'],
      ['adjudication', 'decision'],
      ['decision', 'decided'],
      ['decision', 'withdrawn'],
      ['reviewing', 'failed'],
      ['failed', 'withdrawn'],
      ['failed', 'assigning'],
      ['failed', 'decided'],
    ];
    for (const [from, to] of allowed) expect(canMoveStage(from, to), `${from} → ${to}`).toBe(true);
  });

  it('refuses moves that skip or go back', () => {
    const refused: [ReviewStage, ReviewStage][] = [
      ['assigning', 'decided'],
      ['reviewing', 'decided'],
      ['decision', 'reviewing'],
      ['decision', 'adjudication'],
      ['adjudication', 'assigning'],
      ['failed', 'reviewing'],
      ['failed', 'decision'],
    ];
    for (const [from, to] of refused) expect(canMoveStage(from, to), `${from} → ${to}`).toBe(false);
  });

  it('never moves a decided or withdrawn round', () => {
    for (const from of ['decided', 'withdrawn'] as const) {
      for (const to of reviewStages) expect(canMoveStage(from, to), `${from} → ${to}`).toBe(false);
    }
  });

  it('names only real stages, and every move starts somewhere', () => {
    for (const [name, move] of Object.entries(stageMoves)) {
      expect(reviewStages, name).toContain(move.to);
      expect(move.from.length, name).toBeGreaterThan(0);
      for (const from of move.from) expect(reviewStages, name).toContain(from);
    }
  });
});
