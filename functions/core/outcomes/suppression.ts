/**
 * Small-cell suppression: what non-staff readers may see of outcome counts.
 *
 * Goal: no count of 10 or fewer students (the threshold, configurable) is revealed, neither
 * directly nor by subtracting revealed numbers from one another.
 *
 * Model. Published counts are cells. Counts are tied by additive relations
 *     total = part_1 + ... + part_k + remainder
 * where the remainder is a group of students that is never published itself:
 * - `complement` remainders are real groups a reader might want: non-graduates
 *   (cohort − graduates), students outside a subset (all − English learners), cohort members
 *   who neither graduated on time nor dropped out, a district's students outside its
 *   pathways. A reader does not know them, and they are sensitive when at or below the
 *   threshold — zero included ("all 40 English learners graduated" discloses each one's
 *   outcome).
 * - `uncounted` remainders are the students of a partition family left out of every listed
 *   group (e.g. gender not submitted). When zero, the family is complete, which a reader may
 *   well assume, so a zero is treated as known and, saying nothing about any student, as not
 *   sensitive; from 1 to the threshold it is sensitive.
 *
 * Rules, applied to a fixed point:
 * 1. Primary: every cell at or below the threshold is suppressed ('small_cell'), zero
 *    included (a zero is a small cell: "0 of the 14 students with disabilities dropped out"
 *    discloses every one of them).
 * 2. Complementary ('complementary'), per relation:
 *    a. a suppressed cell must not be the relation's only unknown (unknown = a suppressed
 *       cell, or a remainder the reader does not know);
 *    b. a sensitive remainder needs at least one suppressed cell in its relation;
 *    c. when the total is revealed, the unknowns must not add up to zero (non-negativity
 *       would reveal every one of them as 0).
 *    The cell added is the relation's smallest revealed cell (ties: a part before the total,
 *    then by id), which hides the least information.
 * 3. Audit: the per-relation rules do not stop a reader who combines several relations
 *    (e.g. a cell on a "bridge" between two blocks of suppressed cells). Exact relations
 *    (those whose remainder the reader knows) form a linear system over the suppressed
 *    cells; a suppressed cell, or a sensitive remainder, is disclosed exactly when its
 *    value is a linear combination of the system's rows. Each connected block of unknowns
 *    is reduced (Gaussian elimination modulo a prime, exact for these 0/±1 systems up to
 *    a negligible chance of over-suppressing); a disclosure suppresses one more cell and
 *    the rules run again. Blocks larger than `maxAuditUnknowns` (only possible with
 *    network-wide sums) are not audited and are counted in the result.
 *
 * Not covered: bounds a reader can derive from non-negativity beyond rule 2c (intervals,
 * not exact values), and relations across school years (different students).
 *
 * Rates and everything derived from counts are revealed only when every count they come
 * from is revealed (see rates.ts), so they add nothing a reader could not compute.
 *
 * Determinism: the same input gives the same pattern regardless of input order, so every
 * response of a school year can share one pattern (compute it once per year over the whole
 * network with `suppressYear`; suppressing entities separately would let two responses
 * disagree, and their union leak).
 */
import {
  EXCLUSIVE_OUTCOMES,
  NUMERATOR_METRICS,
  PARTITION_FAMILIES,
  SUBSET_GROUPS,
  denominatorOf,
  type Metric,
  type NumeratorMetric,
  type StudentGroup,
} from './codes.ts';
import { entriesOf, type BaseView, type Cell, type CountView, type OutcomeCounts, type SuppressionReason } from './model.ts';
import { aggregateNetwork, type NetworkAggregate } from './rates.ts';

export const DEFAULT_SUPPRESSION_THRESHOLD = 10;
export const DEFAULT_MAX_AUDIT_UNKNOWNS = 500;

export interface SuppressionConfig {
  /** Counts at or below this are small cells. Default 10. */
  threshold?: number;
  /** Largest block of linked unknowns the exact audit reduces. Default 500. */
  maxAuditUnknowns?: number;
}

export type RemainderKind = 'complement' | 'uncounted';

/** total = Σ parts + remainder; the remainder is never published. */
export interface AdditiveRelation {
  total: string;
  parts: readonly string[];
  remainder: RemainderKind;
}

export interface SuppressionPattern {
  suppressed: ReadonlyMap<string, SuppressionReason>;
  /** Unknowns in blocks too large for the exact audit (0 for a district's reports). */
  unauditedUnknowns: number;
  /** Relations skipped because the data contradicts them (a negative remainder). */
  inconsistentRelations: number;
}

interface Prepared {
  index: number;
  total: string;
  parts: readonly string[];
  remainder: number;
  /** The reader does not know the remainder. */
  remainderUnknown: boolean;
  /** The remainder is a small group that must not be recoverable. */
  remainderSensitive: boolean;
}

function resolveThreshold(config: SuppressionConfig): number {
  const t = config.threshold ?? DEFAULT_SUPPRESSION_THRESHOLD;
  if (!Number.isInteger(t) || t < 0) throw new RangeError(`suppression threshold must be a whole number ≥ 0, got ${t}`);
  return t;
}

function prepare(
  values: ReadonlyMap<string, number>,
  relations: readonly AdditiveRelation[],
  threshold: number,
): { rels: Prepared[]; inconsistent: number } {
  const rels: Prepared[] = [];
  let inconsistent = 0;
  const valueOf = (id: string): number => {
    const v = values.get(id);
    if (v === undefined) throw new RangeError(`relation refers to unknown cell ${id}`);
    return v;
  };
  relations.forEach((r, index) => {
    if (r.parts.length === 0 || new Set([r.total, ...r.parts]).size !== r.parts.length + 1) {
      throw new RangeError(`relation ${index} must have a total and distinct parts`);
    }
    const remainder = valueOf(r.total) - r.parts.reduce((s, p) => s + valueOf(p), 0);
    if (remainder < 0) {
      // Not a real group; a reader who trusts the relation computes a wrong value, so it
      // protects nothing and discloses nothing. Validation should have rejected the data.
      inconsistent++;
      return;
    }
    const complement = r.remainder === 'complement';
    rels.push({
      index,
      total: r.total,
      parts: r.parts,
      remainder,
      remainderUnknown: complement || remainder > 0,
      remainderSensitive: complement ? remainder <= threshold : remainder >= 1 && remainder <= threshold,
    });
  });
  return { rels, inconsistent };
}

/** Computes which cells to hide. `values` are all published counts by cell id. */
export function suppressCells(
  values: ReadonlyMap<string, number>,
  relations: readonly AdditiveRelation[],
  config: SuppressionConfig = {},
): SuppressionPattern {
  const threshold = resolveThreshold(config);
  const maxAudit = config.maxAuditUnknowns ?? DEFAULT_MAX_AUDIT_UNKNOWNS;
  for (const [id, v] of values) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`cell ${id} is not a count: ${v}`);
  }
  const { rels, inconsistent } = prepare(values, relations, threshold);
  const suppressed = new Map<string, SuppressionReason>();
  for (const id of [...values.keys()].sort()) {
    if (values.get(id)! <= threshold) suppressed.set(id, 'small_cell');
  }

  const relsOfCell = new Map<string, Prepared[]>();
  for (const r of rels) {
    for (const c of [r.total, ...r.parts]) {
      const list = relsOfCell.get(c);
      if (list) list.push(r);
      else relsOfCell.set(c, [r]);
    }
  }

  let queue: Prepared[] = [...rels];
  let head = 0;
  const queued = new Set<Prepared>(rels);
  const hide = (id: string) => {
    suppressed.set(id, 'complementary');
    for (const r of relsOfCell.get(id) ?? []) {
      if (!queued.has(r)) {
        queued.add(r);
        queue.push(r);
      }
    }
  };

  let unauditedUnknowns = 0;
  for (;;) {
    while (head < queue.length) {
      const r = queue[head++]!;
      queued.delete(r);
      if (needsMore(r, values, suppressed)) {
        const pick = smallestRevealed([r], values, suppressed);
        if (pick) hide(pick);
      }
    }
    queue = [];
    head = 0;
    const found = runAudit(rels, values, suppressed, maxAudit, false);
    unauditedUnknowns = found.unauditedUnknowns;
    if (found.fixes.length === 0) break;
    for (const id of found.fixes) hide(id);
  }
  return { suppressed, unauditedUnknowns, inconsistentRelations: inconsistent };
}

function needsMore(r: Prepared, values: ReadonlyMap<string, number>, suppressed: ReadonlyMap<string, unknown>): boolean {
  let hidden = 0;
  let hiddenPartsSum = 0;
  const totalHidden = suppressed.has(r.total);
  if (totalHidden) hidden++;
  for (const p of r.parts) {
    if (suppressed.has(p)) {
      hidden++;
      hiddenPartsSum += values.get(p)!;
    }
  }
  const unknowns = hidden + (r.remainderUnknown ? 1 : 0);
  if (hidden >= 1 && unknowns === 1) return true;
  if (r.remainderSensitive && hidden === 0) return true;
  if (!totalHidden && unknowns >= 1 && hiddenPartsSum + (r.remainderUnknown ? r.remainder : 0) === 0) return true;
  return false;
}

function smallestRevealed(
  rels: readonly Prepared[],
  values: ReadonlyMap<string, number>,
  suppressed: ReadonlyMap<string, unknown>,
): string | null {
  let best: { id: string; value: number; isTotal: number } | null = null;
  for (const r of rels) {
    for (const id of [r.total, ...r.parts]) {
      if (suppressed.has(id)) continue;
      const cand = { id, value: values.get(id)!, isTotal: id === r.total ? 1 : 0 };
      if (
        !best ||
        cand.value < best.value ||
        (cand.value === best.value && (cand.isTotal < best.isTotal || (cand.isTotal === best.isTotal && cand.id < best.id)))
      ) {
        best = cand;
      }
    }
  }
  return best?.id ?? null;
}

// ---------------------------------------------------------------------------------------
// Exact audit: linear algebra over the relations whose remainder the reader knows.

const P = 67_108_859; // prime below 2^26: products of two residues stay exact in a double

function mod(a: number): number {
  const r = a % P;
  return r < 0 ? r + P : r;
}

function inverse(a: number): number {
  let [r0, r1] = [mod(a), P];
  let [s0, s1] = [1, 0];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0);
}

/** Reduced row-echelon basis of a row space, for membership tests. */
class RowSpace {
  private readonly pivots: { col: number; row: Float64Array }[] = [];
  constructor(private readonly width: number) {}

  /** Reduces `v` in place against the basis; returns true when it becomes zero. */
  private reduce(v: Float64Array): boolean {
    for (const { col, row } of this.pivots) {
      const c = v[col]!;
      if (c === 0) continue;
      for (let j = 0; j < this.width; j++) if (row[j] !== 0) v[j] = mod(v[j]! - c * row[j]!);
    }
    return v.every((x) => x === 0);
  }

  add(v: Float64Array): void {
    if (this.reduce(v)) return;
    const col = v.findIndex((x) => x !== 0);
    const inv = inverse(v[col]!);
    for (let j = 0; j < this.width; j++) v[j] = mod(v[j]! * inv);
    // Keep the basis fully reduced so membership is a single pass.
    for (const p of this.pivots) {
      const c = p.row[col]!;
      if (c !== 0) for (let j = 0; j < this.width; j++) p.row[j] = mod(p.row[j]! - c * v[j]!);
    }
    this.pivots.push({ col, row: v });
  }

  contains(v: Float64Array): boolean {
    return this.reduce(v.slice());
  }
}

export interface AuditResult {
  /** Suppressed cells whose value follows from revealed ones. */
  disclosedCells: string[];
  /** Indexes (into the input relations) of sensitive remainders whose value follows. */
  disclosedRemainders: number[];
  unauditedUnknowns: number;
}

interface Block {
  vars: string[];
  col: Map<string, number>;
  space: RowSpace | null; // null: too large to audit
}

function buildBlocks(
  rels: readonly Prepared[],
  suppressed: ReadonlyMap<string, unknown>,
  maxAudit: number,
): { blockOf: Map<string, Block>; hardRowsOf: Map<Block, Prepared[]>; unaudited: number } {
  const hardRows: { rel: Prepared; terms: [string, number][] }[] = [];
  for (const r of rels) {
    if (r.remainderUnknown) continue; // its remainder absorbs it: no information on the cells
    const terms: [string, number][] = [];
    if (suppressed.has(r.total)) terms.push([r.total, 1]);
    for (const p of r.parts) if (suppressed.has(p)) terms.push([p, -1]);
    if (terms.length) hardRows.push({ rel: r, terms });
  }
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let cur = x;
    while (cur !== root) {
      const next = parent.get(cur)!;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  for (const { terms } of hardRows) {
    for (const [v] of terms) if (!parent.has(v)) parent.set(v, v);
    for (let i = 1; i < terms.length; i++) {
      const a = find(terms[0]![0]);
      const b = find(terms[i]![0]);
      if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
    }
  }
  const byRoot = new Map<string, Block>();
  const blockOf = new Map<string, Block>();
  for (const v of [...parent.keys()].sort()) {
    const root = find(v);
    let block = byRoot.get(root);
    if (!block) {
      block = { vars: [], col: new Map(), space: null };
      byRoot.set(root, block);
    }
    block.col.set(v, block.vars.length);
    block.vars.push(v);
    blockOf.set(v, block);
  }
  let unaudited = 0;
  const hardRowsOf = new Map<Block, Prepared[]>();
  for (const block of byRoot.values()) {
    if (block.vars.length > maxAudit) unaudited += block.vars.length;
    else block.space = new RowSpace(block.vars.length);
  }
  for (const { rel, terms } of hardRows) {
    const block = blockOf.get(terms[0]![0])!;
    const list = hardRowsOf.get(block);
    if (list) list.push(rel);
    else hardRowsOf.set(block, [rel]);
    if (!block.space) continue;
    const row = new Float64Array(block.vars.length);
    for (const [v, c] of terms) row[block.col.get(v)!] = mod(c);
    block.space.add(row);
  }
  return { blockOf, hardRowsOf, unaudited };
}

/** Is the combination Σ coef·cell (over suppressed cells) determined by the exact relations? */
function determined(terms: readonly [string, number][], blockOf: ReadonlyMap<string, Block>): boolean {
  const byBlock = new Map<Block, Float64Array>();
  for (const [v, c] of terms) {
    const block = blockOf.get(v);
    if (!block || !block.space) return false; // in no exact relation (free), or unaudited
    let vec = byBlock.get(block);
    if (!vec) {
      vec = new Float64Array(block.vars.length);
      byBlock.set(block, vec);
    }
    const j = block.col.get(v)!;
    vec[j] = mod(vec[j]! + c);
  }
  for (const [block, vec] of byBlock) if (!block.space!.contains(vec)) return false;
  return true;
}

function runAudit(
  rels: readonly Prepared[],
  values: ReadonlyMap<string, number>,
  suppressed: ReadonlyMap<string, unknown>,
  maxAudit: number,
  reportAll: boolean,
): AuditResult & { fixes: string[] } {
  const { blockOf, hardRowsOf, unaudited } = buildBlocks(rels, suppressed, maxAudit);
  const disclosedCells: string[] = [];
  const disclosedRemainders: number[] = [];
  // One fix per block per round: blocks are independent, and a second fix in the same block
  // may be unnecessary once the first has changed the block.
  const fixes = new Set<string>();
  const fixed = new Set<Block>();

  for (const v of blockOf.keys()) {
    const block = blockOf.get(v)!;
    if (!reportAll && fixed.has(block)) continue;
    if (!determined([[v, 1]], blockOf)) continue;
    disclosedCells.push(v);
    if (fixed.has(block)) continue;
    // Prefer the cell's own relations: each gains an unknown the cell must be told apart from.
    const rows = hardRowsOf.get(block) ?? [];
    const fix =
      smallestRevealed(rows.filter((r) => r.total === v || r.parts.includes(v)), values, suppressed) ??
      smallestRevealed(rows, values, suppressed);
    if (fix) {
      fixes.add(fix);
      fixed.add(block);
    }
  }
  for (const r of rels) {
    if (!r.remainderSensitive || !r.remainderUnknown) continue;
    const terms: [string, number][] = [];
    if (suppressed.has(r.total)) terms.push([r.total, 1]);
    for (const p of r.parts) if (suppressed.has(p)) terms.push([p, -1]);
    const blocks = new Set(terms.map(([v]) => blockOf.get(v)).filter((b): b is Block => b !== undefined));
    if (!reportAll && [...blocks].some((b) => fixed.has(b))) continue;
    if (!determined(terms, blockOf)) continue;
    disclosedRemainders.push(r.index);
    if ([...blocks].some((b) => fixed.has(b))) continue;
    const fix =
      smallestRevealed([r], values, suppressed) ??
      smallestRevealed([...blocks].flatMap((b) => hardRowsOf.get(b) ?? []), values, suppressed);
    if (fix) {
      fixes.add(fix);
      for (const b of blocks) fixed.add(b);
    }
  }
  return { disclosedCells, disclosedRemainders, unauditedUnknowns: unaudited, fixes: [...fixes] };
}

/** Which hidden values a reader could still compute exactly (empty for a sound pattern). */
export function findDisclosures(
  values: ReadonlyMap<string, number>,
  relations: readonly AdditiveRelation[],
  suppressed: ReadonlyMap<string, unknown>,
  config: SuppressionConfig = {},
): AuditResult {
  const threshold = resolveThreshold(config);
  const { rels } = prepare(values, relations, threshold);
  const { disclosedCells, disclosedRemainders, unauditedUnknowns } = runAudit(
    rels,
    values,
    suppressed,
    config.maxAuditUnknowns ?? DEFAULT_MAX_AUDIT_UNKNOWNS,
    true,
  );
  return { disclosedCells, disclosedRemainders, unauditedUnknowns };
}

// ---------------------------------------------------------------------------------------
// Outcome reports as cells and relations

export const cellId = (key: string, metric: Metric | string, group: StudentGroup) => `${key}|${metric}|${group}`;

export function addCells(values: Map<string, number>, key: string, counts: OutcomeCounts): void {
  for (const [metric, groups] of entriesOf(counts)) {
    for (const [group, v] of entriesOf(groups)) values.set(cellId(key, metric, group), v);
  }
}

/** The relations inside one entity's counts (see codes.ts for the structure). */
export function reportRelations(key: string, counts: OutcomeCounts): AdditiveRelation[] {
  const out: AdditiveRelation[] = [];
  const has = (m: Metric, g: StudentGroup) => counts[m]?.[g] !== undefined;
  const id = (m: Metric, g: StudentGroup) => cellId(key, m, g);
  for (const [metric, groups] of entriesOf(counts)) {
    if (groups.all === undefined) continue;
    for (const family of PARTITION_FAMILIES) {
      const parts = family.groups.filter((g) => groups[g] !== undefined);
      if (parts.length) out.push({ total: id(metric, 'all'), parts: parts.map((g) => id(metric, g)), remainder: 'uncounted' });
    }
    for (const g of SUBSET_GROUPS) {
      if (groups[g] !== undefined) out.push({ total: id(metric, 'all'), parts: [id(metric, g)], remainder: 'complement' });
    }
  }
  for (const n of NUMERATOR_METRICS) {
    const d = denominatorOf(n);
    for (const [group] of entriesOf(counts[n] ?? {})) {
      if (has(d, group)) out.push({ total: id(d, group), parts: [id(n, group)], remainder: 'complement' });
    }
  }
  for (const rule of EXCLUSIVE_OUTCOMES) {
    for (const [group] of entriesOf(counts[rule.denominator] ?? {})) {
      if (rule.parts.every((p) => has(p, group))) {
        out.push({ total: id(rule.denominator, group), parts: rule.parts.map((p) => id(p, group)), remainder: 'complement' });
      }
    }
  }
  return out;
}

/** parent = Σ children + remainder, cell by cell (children present for that cell only). */
export function nestingRelations(
  parentKey: string,
  parent: OutcomeCounts,
  children: readonly { key: string; counts: OutcomeCounts }[],
  remainder: RemainderKind,
): AdditiveRelation[] {
  const out: AdditiveRelation[] = [];
  for (const [metric, groups] of entriesOf(parent)) {
    for (const [group] of entriesOf(groups)) {
      const parts = children.filter((c) => c.counts[metric]?.[group] !== undefined).map((c) => cellId(c.key, metric, group));
      if (parts.length) out.push({ total: cellId(parentKey, metric, group), parts, remainder });
    }
  }
  return out;
}

function viewOf(key: string, counts: OutcomeCounts, values: ReadonlyMap<string, number>, pattern: SuppressionPattern): CountView {
  const view: CountView = {};
  for (const [metric, groups] of entriesOf(counts)) {
    const out: { [G in StudentGroup]?: Cell } = {};
    for (const [group] of entriesOf(groups)) out[group] = cellOf(cellId(key, metric, group), values, pattern);
    view[metric] = out;
  }
  return view;
}

function cellOf(id: string, values: ReadonlyMap<string, number>, pattern: SuppressionPattern): Cell {
  const reason = pattern.suppressed.get(id);
  return reason ? { suppressed: true, reason } : { value: values.get(id)! };
}

/** One entity's report on its own (when nothing else about its district is published). */
export function suppressReport(counts: OutcomeCounts, config: SuppressionConfig = {}): CountView {
  const values = new Map<string, number>();
  addCells(values, 'r', counts);
  const pattern = suppressCells(values, reportRelations('r', counts), config);
  return viewOf('r', counts, values, pattern);
}

export interface YearInput {
  districts: readonly {
    districtId: string;
    /** The district-wide report, when submitted. */
    counts?: OutcomeCounts | undefined;
    pathways: readonly { pathwayId: string; counts: OutcomeCounts }[];
  }[];
  /** Also publish network-wide sums over every pathway. */
  network?: boolean;
}

export interface NetworkView {
  counts: CountView;
  /** Denominators of network rates: the numerator's pathways only (see rates.ts). */
  rateBases: BaseView;
  pathways: number;
}

export interface PublicYear {
  districts: Map<string, CountView>;
  pathways: Map<string, CountView>;
  network?: NetworkView;
  unauditedUnknowns: number;
}

const NETWORK = 'network';
const baseKey = (n: NumeratorMetric) => `base:${n}`;

/**
 * One suppression pattern for everything published about a school year: districts, their
 * pathways (pathways are disjoint parts of their district) and optionally network sums.
 */
export function suppressYear(input: YearInput, config: SuppressionConfig = {}): PublicYear {
  const values = new Map<string, number>();
  const relations: AdditiveRelation[] = [];
  const districts = [...input.districts].sort((a, b) => (a.districtId < b.districtId ? -1 : 1));
  const allPathways: { key: string; pathwayId: string; counts: OutcomeCounts }[] = [];
  for (const d of districts) {
    const pathways = [...d.pathways]
      .sort((a, b) => (a.pathwayId < b.pathwayId ? -1 : 1))
      .map((p) => ({ key: `pathway:${p.pathwayId}`, pathwayId: p.pathwayId, counts: p.counts }));
    for (const p of pathways) {
      addCells(values, p.key, p.counts);
      relations.push(...reportRelations(p.key, p.counts));
      allPathways.push(p);
    }
    if (d.counts) {
      const key = `district:${d.districtId}`;
      addCells(values, key, d.counts);
      relations.push(...reportRelations(key, d.counts));
      relations.push(...nestingRelations(key, d.counts, pathways, 'complement'));
    }
  }

  let aggregate: NetworkAggregate | undefined;
  if (input.network) {
    aggregate = aggregateNetwork(allPathways.map((p) => p.counts));
    addCells(values, NETWORK, aggregate.counts);
    // The network's cells are exact sums of pathway cells: a reader knows the remainder is 0.
    relations.push(...nestingRelations(NETWORK, aggregate.counts, allPathways, 'uncounted'));
    relations.push(...reportRelations(NETWORK, aggregate.counts));
    for (const n of NUMERATOR_METRICS) {
      const d = denominatorOf(n);
      for (const [group, v] of entriesOf(aggregate.rateBases[n] ?? {})) {
        const id = cellId(NETWORK, baseKey(n), group);
        values.set(id, v);
        const parts = allPathways
          .filter((p) => p.counts[n]?.[group] !== undefined && p.counts[d]?.[group] !== undefined)
          .map((p) => cellId(p.key, d, group));
        if (parts.length) relations.push({ total: id, parts, remainder: 'uncounted' });
        const numerator = cellId(NETWORK, n, group);
        if (values.has(numerator)) relations.push({ total: id, parts: [numerator], remainder: 'complement' });
      }
    }
  }

  const pattern = suppressCells(values, relations, config);
  const out: PublicYear = { districts: new Map(), pathways: new Map(), unauditedUnknowns: pattern.unauditedUnknowns };
  for (const d of districts) {
    if (d.counts) out.districts.set(d.districtId, viewOf(`district:${d.districtId}`, d.counts, values, pattern));
  }
  for (const p of allPathways) out.pathways.set(p.pathwayId, viewOf(p.key, p.counts, values, pattern));
  if (aggregate) {
    const rateBases: NetworkView['rateBases'] = {};
    for (const n of NUMERATOR_METRICS) {
      const groups = aggregate.rateBases[n];
      if (!groups) continue;
      const cells: { [G in StudentGroup]?: Cell } = {};
      for (const [group] of entriesOf(groups)) cells[group] = cellOf(cellId(NETWORK, baseKey(n), group), values, pattern);
      rateBases[n] = cells;
    }
    out.network = { counts: viewOf(NETWORK, aggregate.counts, values, pattern), rateBases, pathways: aggregate.pathways };
  }
  return out;
}
