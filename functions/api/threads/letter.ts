/** The decision letter rendered as Markdown (what the team downloads). */
import type { ReviewDecision } from '#store/reviews.ts';

const outcome: Record<ReviewDecision['decision'], string> = {
  certified: 'Certified',
  revise_and_resubmit: 'Revise and resubmit',
  not_yet: 'Not yet',
};

const levelName = (l: string) => l.charAt(0).toUpperCase() + l.slice(1);

/** Markdown-significant characters at line starts would turn a reviewer's text into headings or lists. */
const inline = (s: string) => s.replace(/\r\n?/g, '\n').replace(/^([#>*+-]|\d+\.)/gm, '\\$1');

export function renderLetter(
  d: ReviewDecision,
  context: { pathwayName: string; componentTitles: ReadonlyMap<string, string>; certification?: { expiresOn?: string } },
): string {
  const lines = [
    `# Certification decision: ${context.pathwayName}`,
    '',
    `- Level: ${levelName(d.level)}`,
    `- Decision: ${outcome[d.decision]}`,
    `- Decided: ${d.decidedAt.slice(0, 10)}`,
    ...(context.certification?.expiresOn ? [`- Valid until: ${context.certification.expiresOn} (exclusive)`] : []),
    '',
    '## Summary',
    '',
    inline(d.letter.summary),
    '',
  ];
  if (d.letter.strengths.length) lines.push('## Strengths', '', ...d.letter.strengths.map((s) => `- ${inline(s).replace(/\n/g, ' ')}`), '');
  if (d.letter.areasForGrowth.length) {
    lines.push('## Areas for growth', '');
    for (const a of d.letter.areasForGrowth)
      lines.push(`### ${context.componentTitles.get(a.componentId) ?? a.componentId}`, '', inline(a.text), '');
  }
  if (d.requiredChanges.length) {
    lines.push(
      '## Required changes',
      '',
      ...d.requiredChanges.map((c) => `- **${c.criterionId}**: ${inline(c.change).replace(/\n/g, ' ')}`),
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
