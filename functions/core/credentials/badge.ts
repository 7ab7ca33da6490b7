/**
 * The badge image of a level, as SVG, with the credential baked in as Open Badges 3.0
 * describes: an `<openbadges:credential>` element (namespace
 * https://purl.imsglobal.org/ob/v3p0) right inside the root, whose text is the compact
 * JWS. Software that knows OB3 extracts it and verifies it; anyone else sees a badge.
 */
import type { Level } from '../levels.ts';
import { levelName } from './achievement.ts';

export const OB3_SVG_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0';

const COLOURS: Record<Level, { fill: string; ink: string }> = {
  candidacy: { fill: '#4a6fa5', ink: '#ffffff' },
  silver: { fill: '#c0c6cc', ink: '#1d2329' },
  gold: { fill: '#d4a017', ink: '#1d2329' },
};

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function badgeSvg(o: { level: Level; pathwayName: string; validUntil: string; jwt?: string }): string {
  const { fill, ink } = COLOURS[o.level];
  const title = `Linked Learning ${levelName(o.level)} Certification`;
  // A JWS is base64url and dots: nothing to escape, but escaping keeps the rule simple.
  const baked = o.jwt ? `\n  <openbadges:credential>${xml(o.jwt)}</openbadges:credential>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="${OB3_SVG_NAMESPACE}" width="240" height="240" viewBox="0 0 240 240" role="img" aria-label="${xml(title)}">${baked}
  <title>${xml(title)}: ${xml(o.pathwayName)}</title>
  <circle cx="120" cy="120" r="112" fill="${fill}" stroke="${ink}" stroke-width="6"/>
  <text x="120" y="92" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="18" fill="${ink}">Linked Learning</text>
  <text x="120" y="132" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="34" font-weight="bold" fill="${ink}">${xml(levelName(o.level).toUpperCase())}</text>
  <text x="120" y="162" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="14" fill="${ink}">certified until ${xml(o.validUntil)}</text>
</svg>
`;
}

/** The baked credential of an SVG badge, if any (what a verifier's extraction does). */
export function bakedCredential(svg: string): string | undefined {
  return /<openbadges:credential(?:\s[^>]*)?>([^<]*)<\/openbadges:credential>/.exec(svg)?.[1]?.trim() || undefined;
}
