/** The decision letter's Markdown and the workflow's execution names. */
import { describe, expect, it } from 'vitest';
import { renderLetter } from '#api/threads/letter.ts';
import { executionArnFor, executionName } from '#pipeline/workflow.ts';
import type { ReviewDecision } from '#store/reviews.ts';

const decision: ReviewDecision = {
  applicationId: 'app_1',
  pathwayId: 'pw_1',
  round: 2,
  level: 'silver',
  decision: 'revise_and_resubmit',
  letter: {
    summary: 'Good progress.\n# not a heading',
    strengths: ['Strong partners', '- not a list'],
    areasForGrowth: [
      { componentId: 'WBL', text: 'More internships.' },
      { componentId: 'XX', text: 'Unknown component.' },
    ],
  },
  requiredChanges: [{ criterionId: 'WBL-1.2', change: 'Describe internships.' }],
  recommendation: 'does-not-meet',
  decidedBy: { sub: 'staff' },
  decidedAt: '2026-05-04T10:00:00.000Z',
};

describe('the decision letter', () => {
  it('renders every part, with component titles, and keeps reviewers\u2019 text from becoming Markdown structure', () => {
    const md = renderLetter(decision, { pathwayName: 'Health Academy', componentTitles: new Map([['WBL', 'Work-based learning']]) });
    expect(md).toContain('# Certification decision: Health Academy');
    expect(md).toContain('- Level: Silver');
    expect(md).toContain('- Decision: Revise and resubmit');
    expect(md).toContain('- Decided: 2026-05-04');
    expect(md).toContain('\\# not a heading');
    expect(md).toContain('- \\- not a list');
    expect(md).toContain('### Work-based learning');
    expect(md).toContain('### XX');
    expect(md).toContain('- **WBL-1.2**: Describe internships.');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('shows the validity of a certification', () => {
    const md = renderLetter(
      { ...decision, decision: 'certified', requiredChanges: [] },
      {
        pathwayName: 'A',
        componentTitles: new Map(),
        certification: { expiresOn: '2028-05-04' },
      },
    );
    expect(md).toContain('- Valid until: 2028-05-04 (exclusive)');
    expect(md).not.toContain('## Required changes');
  });
});

describe('execution names', () => {
  it('are <application>-<submission>, restarts -r<n>, within Step Functions\u2019 80 characters', () => {
    const app = 'app_01KDVDNA000000000000000000';
    expect(executionName(app, 1)).toBe(`${app}-1`);
    expect(executionName(app, 3, 2)).toBe(`${app}-3-r2`);
    expect(executionName(app, 9999, 999).length).toBeLessThanOrEqual(80);
  });

  it('map to execution ARNs of the review machine', () => {
    expect(executionArnFor('app_1-1', 'arn:aws:states:us-east-1:000000000000:stateMachine:pathcert-local-review')).toBe(
      'arn:aws:states:us-east-1:000000000000:execution:pathcert-local-review:app_1-1',
    );
  });
});
