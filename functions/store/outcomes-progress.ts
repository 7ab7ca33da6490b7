/**
 * The network's progress toward its goal (one million students in certified pathways by
 * 2030; levels, target and year are configuration: outcomes-config.ts).
 *
 * `refreshNetworkProgress()` reads every pathway record of the registry once (enrollment,
 * certificationLevel, certifiedUntil, state, district) and stores the totals in ONE small
 * partition: `CURRENT` (totals, by level, by state), `CURRENT#DISTRICTS#<n>` (per-district
 * tallies, 1,000 districts an item) and a snapshot per calendar year (`YEAR#<yyyy>`, the
 * year's latest). `GET /network/progress` reads that partition with one Query, however
 * many pathways the network has.
 *
 * It runs off the request path (functions/api/network/refresh-progress.ts): when a
 * certification is issued or expires, daily, and on the staff route
 * POST /network/progress/refresh. Because certifications also lapse with time, the item
 * records `nextExpiry`: a reader past it knows the totals may count a lapsed certification
 * until the next refresh (answered as `stale: true`). Refreshes may overlap (an event and
 * the schedule): the summary is written only over an older one, so a slow refresh that
 * read the registry earlier never replaces a newer result.
 */
import { unlockedBy } from '#core/benefits.ts';
import { isValidAt, levels as allLevels, type Level } from '#core/levels.ts';
import { wholeCatalog } from './benefits.ts';
import { nowIso } from '#lib/clock.ts';
import { deleteItem, getItem, put, queryAll, queryPartition, stripKeys, transact, TransactionCancelled, type TransactItem } from './db.ts';
import { partitions } from './keys.ts';
import * as keys from './keys.ts';
import { outcomeSettings } from './outcomes-config.ts';

export interface Tally {
  pathways: number;
  students: number;
}

export interface NetworkProgress {
  computedAt: string;
  /** Calendar year of the snapshot. */
  year: number;
  countedLevels: Level[];
  target: number;
  targetYear: number;
  /** Students enrolled in pathways holding a counted level that is valid now. */
  students: number;
  pathways: number;
  /** students / target, 0..1+. */
  shareOfTarget: number;
  byLevel: Partial<Record<Level, Tally>>;
  byState: Record<string, Tally>;
  byDistrict: Record<string, Tally & { name: string; state: string }>;
  /** Earliest certifiedUntil among counted pathways: after it the totals may be stale. */
  nextExpiry: string | null;
  /**
   * Active pathways whose valid level unlocks an active scholarship benefit (issue 19,
   * docs/benefits.md), and their students; any level counts, not only `countedLevels`.
   */
  scholarshipPathways: number;
  scholarshipStudents: number;
}

const PROJECTION = ['id', 'districtId', 'districtName', 'state', 'enrollment', 'status', 'certificationLevel', 'certifiedUntil'];

type PathwayRow = {
  id: string;
  districtId: string;
  districtName: string;
  state: string;
  enrollment: number;
  status: string;
  certificationLevel: Level | null;
  certifiedUntil: string | null;
};

export function computeProgress(
  pathways: readonly PathwayRow[],
  at: string,
  settings = outcomeSettings,
  /** The levels that unlock an active scholarship benefit (none when the catalog has none). */
  scholarshipLevels: readonly Level[] = [],
): NetworkProgress {
  const levels = settings.progressLevels;
  const target = settings.progressTarget;
  const p: NetworkProgress = {
    computedAt: at,
    year: Number(at.slice(0, 4)),
    countedLevels: levels,
    target,
    targetYear: settings.progressTargetYear,
    students: 0,
    pathways: 0,
    shareOfTarget: 0,
    byLevel: {},
    byState: {},
    byDistrict: {},
    nextExpiry: null,
    scholarshipPathways: 0,
    scholarshipStudents: 0,
  };
  for (const row of pathways) {
    if (row.status !== 'active' || !row.certificationLevel || !row.certifiedUntil) continue;
    if (scholarshipLevels.includes(row.certificationLevel) && isValidAt(row.certifiedUntil, at)) {
      p.scholarshipPathways++;
      p.scholarshipStudents += Number(row.enrollment) || 0;
    }
    if (!levels.includes(row.certificationLevel) || !isValidAt(row.certifiedUntil, at)) continue;
    const n = Number(row.enrollment) || 0;
    p.students += n;
    p.pathways++;
    const add = (t: Tally) => {
      t.pathways++;
      t.students += n;
    };
    add((p.byLevel[row.certificationLevel] ??= { pathways: 0, students: 0 }));
    add((p.byState[row.state] ??= { pathways: 0, students: 0 }));
    add((p.byDistrict[row.districtId] ??= { pathways: 0, students: 0, name: row.districtName, state: row.state }));
    if (p.nextExpiry === null || row.certifiedUntil < p.nextExpiry) p.nextExpiry = row.certifiedUntil;
  }
  p.shareOfTarget = Math.round((p.students / target) * 1e6) / 1e6;
  return p;
}

/** Districts per item: keeps every item far below DynamoDB's 400 KB limit at any network size. */
const DISTRICTS_PER_ITEM = 1000;
const chunkKey = (n: number) => ({ PK: keys.networkProgressPartition, SK: `CURRENT#DISTRICTS#${String(n).padStart(4, '0')}` });

/**
 * Recomputes the totals from the registry and stores them (see the module comment). The
 * per-district tallies go to their own items (1,000 districts each) written in the same
 * transaction as the summary, so a reader never mixes two refreshes; chunks left over
 * from a larger previous refresh are deleted in it too.
 */
export async function refreshNetworkProgress(): Promise<NetworkProgress> {
  const rows = (await queryPartition({ partition: partitions.allPathways, projection: PROJECTION })) as unknown as PathwayRow[];
  const scholarships = (await wholeCatalog()).filter((b) => b.kind === 'scholarship');
  const scholarshipLevels = allLevels.filter((l) => unlockedBy(l, scholarships).length > 0);
  const progress = computeProgress(rows, nowIso(), outcomeSettings, scholarshipLevels);
  const { byDistrict, ...summary } = progress;
  const entries = Object.entries(byDistrict).sort(([a], [b]) => (a < b ? -1 : 1));
  const chunks: (typeof byDistrict)[] = [];
  for (let i = 0; i < entries.length; i += DISTRICTS_PER_ITEM) chunks.push(Object.fromEntries(entries.slice(i, i + DISTRICTS_PER_ITEM)));
  const before = await getItem(keys.networkProgress(), true);
  const previousChunks = Number(before?.districtChunks ?? 0);
  const items: TransactItem[] = [
    put(
      { ...keys.networkProgress(), _type: 'networkProgress', ...summary, districtChunks: chunks.length },
      { expression: 'attribute_not_exists(computedAt) OR computedAt <= :at', values: { ':at': summary.computedAt } },
    ),
    // The year's snapshot keeps the totals by level and state; districts are in CURRENT only.
    put({ ...keys.networkProgressYear(progress.year), _type: 'networkProgress', ...summary }),
    ...chunks.map((byDistrict, n) => put({ ...chunkKey(n), _type: 'networkProgressDistricts', byDistrict })),
  ];
  for (let n = chunks.length; n < previousChunks; n++) items.push(deleteItem(chunkKey(n)));
  try {
    await transact(items);
  } catch (error) {
    // A refresh that started later has already stored its totals: they stand.
    if (!(error instanceof TransactionCancelled && error.failedCondition(0))) throw error;
  }
  return progress;
}

/** Current totals (districts merged back from their chunks) and one snapshot per calendar year: one Query. */
export async function readNetworkProgress(): Promise<{
  current: NetworkProgress | undefined;
  byYear: Omit<NetworkProgress, 'byDistrict'>[];
}> {
  const items = await queryAll(keys.networkProgressPartition);
  let current: NetworkProgress | undefined;
  const byDistrict: NetworkProgress['byDistrict'] = {};
  const byYear: Omit<NetworkProgress, 'byDistrict'>[] = [];
  for (const item of items) {
    const sk = String(item.SK);
    if (sk === 'CURRENT') {
      const { districtChunks: _chunks, ...rest } = stripKeys(item) as unknown as NetworkProgress & { districtChunks?: number };
      current = { ...rest, byDistrict };
    } else if (sk.startsWith('CURRENT#DISTRICTS#')) Object.assign(byDistrict, item.byDistrict as NetworkProgress['byDistrict']);
    else byYear.push(stripKeys(item) as unknown as NetworkProgress);
  }
  return { current, byYear };
}
