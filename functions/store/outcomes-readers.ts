/**
 * The outcome views a non-staff reader gets (docs/outcomes.md, "Coalitions").
 *
 * The stored views of a school year share one suppression pattern that holds against the
 * public, every single district and pathway, and every set of up to `maxCoalition` districts
 * (core suppressYear). A reader's coalition — every district and pathway whose raw counts they
 * know — comes from the memberships authorization already loaded (no extra request). When
 * the shared pattern covers it (core coveredByShared: nearly everyone) the stored views are
 * served as they are. Otherwise the reader gets the shared pattern with more withheld,
 * computed for their coalition (core suppressForReader) from the year's stored views: one
 * Query per school year (access pattern 74), cached in the function instance by year,
 * generation and coalition.
 */
import type { Membership } from '#core/access.ts';
import type { SchoolYear } from '#core/outcomes/codes.ts';
import { coalitionOf, coveredByShared, suppressForReader, type Coalition } from '#core/outcomes/coalitions.ts';
import { SUPPRESSED, entriesOf, type CountView } from '#core/outcomes/model.ts';
import type { NetworkView, PublicYear } from '#core/outcomes/suppression.ts';
import { queryPartition, stripKeys } from './db.ts';
import { partitions } from './keys.ts';
import { outcomeSettings } from './outcomes-config.ts';
import type { EntityViewItem, NetworkViewItem } from './outcomes.ts';

type ViewItem = EntityViewItem | NetworkViewItem;

interface ReaderYear {
  generation: number;
  year: PublicYear;
}

const CACHE_SIZE = 16;
const cache = new Map<string, Promise<ReaderYear | null>>();

const isNetwork = (item: ViewItem): item is NetworkViewItem => !('entity' in item);

/** A view with every cell withheld: what a reader gets when their own pattern cannot be computed consistently. */
function withheldAll(view: CountView): CountView {
  const out: CountView = {};
  for (const [m, groups] of entriesOf(view)) out[m] = Object.fromEntries(entriesOf(groups).map(([g]) => [g, { ...SUPPRESSED }]));
  return out;
}

function withheldNetwork(view: NetworkView): NetworkView {
  const rateBases: NetworkView['rateBases'] = {};
  for (const [n, groups] of Object.entries(view.rateBases)) {
    (rateBases as Record<string, unknown>)[n] = Object.fromEntries(Object.keys(groups ?? {}).map((g) => [g, { ...SUPPRESSED }]));
  }
  return { counts: withheldAll(view.counts), rateBases, pathways: view.pathways };
}

/** The year's views computed for one coalition, or null when the stored views disagree on the generation (a recompute is under way). */
async function readerYear(schoolYear: SchoolYear, c: Coalition): Promise<ReaderYear | null> {
  const items = (await queryPartition({ partition: partitions.outcomeViewsOfYear(schoolYear) })).map(
    (i) => stripKeys(i) as unknown as ViewItem,
  );
  const generations = new Set(items.map((i) => i.generation));
  if (generations.size !== 1) return null;
  const districts = new Map<
    string,
    { districtId: string; counts?: EntityViewItem['counts']; pathways: { pathwayId: string; counts: EntityViewItem['counts'] }[] }
  >();
  const shared: PublicYear = { districts: new Map(), pathways: new Map(), unauditedUnknowns: 0 };
  const districtOf = (id: string) => {
    let d = districts.get(id);
    if (!d) districts.set(id, (d = { districtId: id, pathways: [] }));
    return d;
  };
  for (const item of items) {
    if (isNetwork(item)) {
      shared.network = item.public;
    } else if (item.entity.kind === 'district') {
      districtOf(item.entity.districtId).counts = item.counts;
      shared.districts.set(item.entity.districtId, item.public);
    } else {
      districtOf(item.entity.districtId).pathways.push({ pathwayId: item.entity.pathwayId, counts: item.counts });
      shared.pathways.set(item.entity.pathwayId, item.public);
    }
  }
  const year = suppressForReader({ districts: [...districts.values()] }, shared, c, outcomeSettings.suppression);
  return { generation: [...generations][0]!, year };
}

function cachedReaderYear(schoolYear: SchoolYear, generation: number, c: Coalition): Promise<ReaderYear | null> {
  const key = `${schoolYear}|${generation}|${c.narrow.join(',')}|${c.wide.join(',')}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = readerYear(schoolYear, c);
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return hit;
}

/**
 * The reader's coalition (both readings): from their memberships; a team membership without
 * its district (older records) is placed by the views at hand.
 */
export function readerCoalition(memberships: readonly Membership[], items: readonly ViewItem[] = []): Coalition {
  const districtOf = new Map<string, string>();
  for (const i of items) if (!isNetwork(i) && i.entity.kind === 'pathway') districtOf.set(i.entity.pathwayId, i.entity.districtId);
  return coalitionOf(memberships, (p) => districtOf.get(p));
}

/**
 * The items with `public` replaced by what this (non-staff) reader may see. Covered readers
 * get the items unchanged and cost nothing; others cost one Query per school year (cached).
 */
export async function viewsForReader<T extends ViewItem>(memberships: readonly Membership[], items: readonly T[]): Promise<T[]> {
  const c = readerCoalition(memberships, items);
  if (coveredByShared(c, outcomeSettings.suppressionMaxCoalition)) return [...items];
  return Promise.all(
    items.map(async (item) => {
      const own = await cachedReaderYear(item.schoolYear, item.generation, c);
      if (isNetwork(item)) {
        const network = own && own.generation === item.generation ? own.year.network : undefined;
        return { ...item, public: network ?? withheldNetwork(item.public) };
      }
      const view =
        own && own.generation === item.generation
          ? item.entity.kind === 'district'
            ? own.year.districts.get(item.entity.districtId)
            : own.year.pathways.get(item.entity.pathwayId)
          : undefined;
      return { ...item, public: view ?? withheldAll(item.public) };
    }),
  );
}
