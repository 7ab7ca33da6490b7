/**
 * Coalitions: what one reader knows of the raw outcome counts, from their memberships, and
 * the view of a school year that is safe for them (docs/outcomes.md, "Coalitions").
 *
 * A unit is `district:<id>` (a district's data contacts and leads know its report and each of
 * its pathways') or `pathway:<id>` (a team knows its own pathway's). A person holding several
 * roles knows the union: their coalition. Whether a team member also knows their district's
 * figures (a teacher may see them in the district's own systems) is not something we can
 * tell, so both readings are audited:
 * - `narrow`: the district roles as districts, the teams as pathways — the pathways next to
 *   theirs in the same district stay protected from them;
 * - `wide`: every district they touch, teams included — everyone else stays protected even
 *   if they know their teams' districts whole.
 *
 * The year's shared pattern (suppressYear) holds against every single unit and every set of
 * up to `maxCoalition` districts. A reader it covers gets the shared views; anyone else gets
 * the shared pattern with more withheld, computed for their coalition (`suppressForReader`).
 */
import type { Membership } from '../access.ts';
import { HEADLINE_METRICS, NUMERATOR_METRICS, denominatorOf, type NumeratorMetric } from './codes.ts';
import { entriesOf, isSuppressed, type CountView } from './model.ts';
import { cellId, suppressYear, type PublicYear, type SuppressionConfig, type YearInput } from './suppression.ts';

export interface Coalition {
  /** Sorted units; a pathway unit only when its district is not one of theirs. */
  narrow: string[];
  /** Sorted district units: every district of a role or of a team. */
  wide: string[];
}

const districtUnit = (id: string) => `district:${id}`;
const pathwayUnit = (id: string) => `pathway:${id}`;

/**
 * The reader's coalition. `districtOfPathway` answers for a team membership that does not
 * carry its district (stored memberships do); a pathway whose district is unknown counts as
 * a unit of its own in both readings.
 */
export function coalitionOf(
  memberships: readonly Membership[],
  districtOfPathway: (pathwayId: string) => string | undefined = () => undefined,
): Coalition {
  const districts = new Set<string>();
  const teams: { pathwayId: string; districtId: string | undefined }[] = [];
  for (const m of memberships) {
    if (m.kind === 'district') districts.add(m.districtId);
    else teams.push({ pathwayId: m.pathwayId, districtId: m.districtId ?? districtOfPathway(m.pathwayId) });
  }
  const narrow = new Set([...districts].map(districtUnit));
  const wide = new Set(narrow);
  for (const t of teams) {
    if (t.districtId === undefined) {
      narrow.add(pathwayUnit(t.pathwayId));
      wide.add(pathwayUnit(t.pathwayId));
      continue;
    }
    if (!districts.has(t.districtId)) narrow.add(pathwayUnit(t.pathwayId));
    wide.add(districtUnit(t.districtId));
  }
  return { narrow: [...narrow].sort(), wide: [...wide].sort() };
}

/**
 * Whether the shared pattern already holds against this reader: one unit (every district and
 * pathway is audited on its own), or up to `maxCoalition` districts and no team outside them.
 * Staff and people without outcome roles have an empty coalition (covered).
 */
export function coveredByShared(c: Coalition, maxCoalition: number): boolean {
  if (c.narrow.length <= 1 && c.wide.length <= 1) return true;
  const onlyDistricts = c.narrow.every((u) => u.startsWith('district:')) && c.wide.every((u) => u.startsWith('district:'));
  return onlyDistricts && c.narrow.length === c.wide.length && c.wide.length <= maxCoalition;
}

const NETWORK = 'network';

/** Every cell a shared year withholds, by suppression cell id. */
export function withheldCellsOf(year: PublicYear): string[] {
  const out: string[] = [];
  const collect = (key: string, view: CountView) => {
    for (const [m, groups] of entriesOf(view))
      for (const [g, cell] of entriesOf(groups)) if (isSuppressed(cell)) out.push(cellId(key, m, g));
  };
  for (const [id, view] of year.districts) collect(districtUnit(id), view);
  for (const [id, view] of year.pathways) collect(pathwayUnit(id), view);
  if (year.network) {
    collect(NETWORK, year.network.counts);
    for (const [n, groups] of Object.entries(year.network.rateBases) as [NumeratorMetric, CountView[keyof CountView]][]) {
      for (const [g, cell] of entriesOf(groups ?? {})) if (isSuppressed(cell)) out.push(cellId(NETWORK, `base:${n}`, g));
    }
  }
  return out;
}

/**
 * The cells of the shared headlines anyone can read without signing in (the directory
 * profile: enrollment and all-students rates), shown ones only.
 */
export function headlineCellsOf(year: PublicYear): string[] {
  const out = new Set<string>();
  for (const [id, view] of year.pathways) {
    const key = pathwayUnit(id);
    const add = (m: keyof CountView) => {
      const cell = view[m]?.all;
      if (cell && !isSuppressed(cell)) out.add(cellId(key, m, 'all'));
    };
    add('enrolled');
    for (const m of HEADLINE_METRICS) {
      if (!(NUMERATOR_METRICS as readonly string[]).includes(m)) continue;
      add(m);
      add(denominatorOf(m));
    }
  }
  return [...out];
}

/**
 * The year as a reader the shared pattern does not cover may see it: the shared pattern with
 * more withheld, so that their coalition (both readings) learns no one else's small count
 * from it, from the shared headlines they can read signed out, and from their own data.
 * It withholds everything the shared views withhold, so it adds nothing to them. (What they
 * read while they held fewer roles, they keep: see docs/outcomes.md, "Coalitions".)
 */
export function suppressForReader(
  input: Pick<YearInput, 'districts'>,
  shared: PublicYear,
  c: Coalition,
  config: SuppressionConfig = {},
): PublicYear {
  return suppressYear(
    {
      districts: input.districts,
      network: shared.network !== undefined,
      readers: 'given',
      coalitions: [c.narrow, c.wide],
      withheld: withheldCellsOf(shared),
      knownToCoalitions: headlineCellsOf(shared),
    },
    config,
  );
}
