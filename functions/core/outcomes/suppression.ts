/**
 * Small-cell suppression: what non-staff readers may see of outcome counts.
 * Rules, reasoning and anchors (NCES, state "n < 11" practice): docs/outcomes.md, "Privacy".
 *
 * Goal: no count of 10 or fewer students (the threshold, configurable) of a district or
 * pathway is revealed to anyone but staff, neither directly nor by subtracting revealed
 * numbers from one another — including by an insider: a district's data contacts know every
 * count their district submitted (its report and its pathways'), a pathway's team knows its
 * pathway's. Every reader is checked: the public (anyone signed in), each insider, and each
 * coalition (one person knowing several districts' counts at once: every set of up to
 * `maxCoalition` districts, and any given one; see coalitions.ts).
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
 * Relations over several entities are `nested` (a district over its pathways) or `pooled`
 * (a network total over every district's pathways).
 *
 * Rules, applied to a fixed point. "Unknown to a reader" = suppressed and not their own.
 * 1. Primary: every cell at or below the threshold is suppressed, zero included (a zero is
 *    a small cell: "0 of the 14 students with disabilities dropped out" discloses every one
 *    of them).
 * 2. Complementary, per relation and per reader:
 *    a. a suppressed cell must not be the relation's only unknown (unknown = a suppressed
 *       cell, or a remainder the reader does not know);
 *    b. a sensitive remainder needs at least one unknown cell in its relation;
 *    c. when the total is known, the unknowns must not add up to zero (non-negativity
 *       would reveal every one of them as 0).
 *    The cell added is the relation's smallest revealed cell the reader does not know
 *    (ties: a part before the total, then by id), which hides the least information.
 * 3. Audit: the per-relation rules do not stop a reader who combines several relations
 *    (e.g. a cell on a "bridge" between two blocks of suppressed cells). Exact relations
 *    (those whose remainder the reader knows) form a linear system over the suppressed
 *    cells; a suppressed cell, or a sensitive remainder, is disclosed exactly when its
 *    value is a linear combination of the system's rows (for an insider: of the rows and
 *    their own cells). Each connected block of unknowns is reduced (Gaussian elimination
 *    modulo a prime, exact for these 0/±1 systems up to a negligible chance of
 *    over-suppressing); a disclosure suppresses one more cell and the rules run again.
 *    Blocks larger than `maxAuditUnknowns` (only possible with network-wide sums) are not
 *    audited and are counted in the result.
 * 4. Totals over several contributors (statistical agencies' rules for aggregates of few
 *    respondents, applied to what a published total adds to the published parts):
 *    a. minimum contributors: the withheld parts of a published network total come from at
 *       least `minContributors` districts (default 3), or from none;
 *    b. dominance: after removing the `maxCoalition` largest districts' withheld shares,
 *       more than the threshold remains — so no such coalition subtracting its own lands
 *       in 0..T;
 *    c. an insider who knows some parts of a published nested or pooled total (a pathway
 *       team and its district's total, a district and the network's) must be left with
 *       more than the threshold of unknowns (others' withheld cells and the remainder).
 *    Each withholds the total itself (one figure, rather than complements in the parts).
 *
 * Published cells carry no reason (model.ts `SUPPRESSED`): "small cell" bounds a cell by
 * the threshold and "complementary" bounds it from below, and such bounds pin small cells.
 *
 * Not covered: a coalition larger than `maxCoalition` in the shared pattern (such a reader
 * gets a pattern of their own: coalitions.ts), a reader who reasons about the algorithm
 * itself, and relations across school
 * years (different students, so none exist). Interval bounds beyond the rules above are
 * checked by the LP adversary test (test/unit/core/outcomes/adversary.test.ts), not here.
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
import { SUPPRESSED, entriesOf, type BaseView, type Cell, type CountView, type OutcomeCounts, type SuppressionReason } from './model.ts';
import { aggregateNetwork, type NetworkAggregate } from './rates.ts';

export const DEFAULT_SUPPRESSION_THRESHOLD = 10;
export const DEFAULT_MIN_CONTRIBUTORS = 3;
export const DEFAULT_MAX_AUDIT_UNKNOWNS = 500;
/**
 * Largest coalition of districts every shared pattern holds against (docs/outcomes.md,
 * "Coalitions"): a person holding roles in up to this many districts. Default 2.
 */
export const DEFAULT_MAX_COALITION = 2;

export interface SuppressionConfig {
  /** Counts at or below this are small cells. Default 10. */
  threshold?: number;
  /**
   * Rule 4a: the withheld part of a published pooled (network) total must come from at
   * least this many contributors (districts), or from none. Default 3.
   */
  minContributors?: number;
  /** Largest block of linked unknowns the exact audit reduces. Default 500. */
  maxAuditUnknowns?: number;
  /**
   * Coalitions: every set of up to this many districts is audited as one reader who knows
   * all their raw counts (suppressYear), and rule 4b removes this many districts' shares.
   * Default 2; 1 is the single-insider model.
   */
  maxCoalition?: number;
}

/**
 * Who, besides staff, knows raw counts: the insiders a pattern must also hold against.
 * A district's data contacts know every count their district submitted (the district report
 * and each of its pathways'); a pathway's team knows its own pathway's.
 */
export interface Insiders {
  /** Per cell id, the readers who know its raw value (e.g. `district:d1`, `pathway:p1`). */
  knownBy: ReadonlyMap<string, readonly string[]>;
  /** Per cell id of a pooled relation's part, the contributor (district) it comes from. */
  contributorOf: ReadonlyMap<string, string>;
  /**
   * Per coalition of districts, the district readers it is the union of. The audit then
   * checks the coalition only where two of them know cells (elsewhere it is one of them).
   * Only for coalitions of whole districts: every relation's cells are then one district's
   * or the network's (pooled), so no relation is known in part to two members.
   */
  membersOf?: ReadonlyMap<string, readonly string[]>;
  /**
   * Readers for whom every sensitive remainder is audited, not only those of relations with
   * a cell of theirs (affordable for the one or two readers of a reader's own pattern).
   */
  auditEveryRemainder?: ReadonlySet<string>;
}

const NO_INSIDERS: Insiders = { knownBy: new Map(), contributorOf: new Map() };

export type RemainderKind = 'complement' | 'uncounted';

/** total = Σ parts + remainder; the remainder is never published. */
export interface AdditiveRelation {
  total: string;
  parts: readonly string[];
  remainder: RemainderKind;
  /** The total pools several contributors' cells (a network sum): rules 4a and 4b apply. */
  pooled?: boolean;
  /** The parts are different entities' cells (a district over its pathways, the network): rule 4c applies. */
  nested?: boolean;
  /**
   * Insiders for whom the remainder is sensitive although it is not for the public: a
   * pathway's team, when the district's remainder minus their pathway's own is at or below
   * the threshold (rule 2b then holds for them too).
   */
  sensitiveTo?: readonly string[];
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
  pooled: boolean;
  nested: boolean;
  sensitiveTo: readonly string[];
  remainder: number;
  /** The reader does not know the remainder. */
  remainderUnknown: boolean;
  /** The remainder is a small group that must not be recoverable. */
  remainderSensitive: boolean;
}

/** A configuration with its defaults filled in and checked. */
interface Settings {
  threshold: number;
  minContributors: number;
  maxAudit: number;
  maxCoalition: number;
}

function settingsOf(config: SuppressionConfig): Settings {
  const threshold = config.threshold ?? DEFAULT_SUPPRESSION_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 0)
    throw new RangeError(`suppression threshold must be a whole number ≥ 0, got ${threshold}`);
  const minContributors = config.minContributors ?? DEFAULT_MIN_CONTRIBUTORS;
  if (!Number.isInteger(minContributors) || minContributors < 1) {
    throw new RangeError(`minimum contributors must be a whole number ≥ 1, got ${minContributors}`);
  }
  const maxCoalition = config.maxCoalition ?? DEFAULT_MAX_COALITION;
  if (!Number.isInteger(maxCoalition) || maxCoalition < 1) {
    throw new RangeError(`maximum coalition must be a whole number ≥ 1, got ${maxCoalition}`);
  }
  return { threshold, minContributors, maxAudit: config.maxAuditUnknowns ?? DEFAULT_MAX_AUDIT_UNKNOWNS, maxCoalition };
}

/** A relation's remainder, total − Σ parts; undefined when a cell has no value. */
function remainderOf(values: ReadonlyMap<string, number>, r: Pick<AdditiveRelation, 'total' | 'parts'>): number | undefined {
  const total = values.get(r.total);
  if (total === undefined) return undefined;
  let rest = total;
  for (const p of r.parts) {
    const v = values.get(p);
    if (v === undefined) return undefined;
    rest -= v;
  }
  return rest;
}

/**
 * A remainder of `n` students is a small group that must not be recoverable: a complement
 * at or below the threshold (zero included), an uncounted group from 1 to the threshold.
 */
function isSensitiveRemainder(kind: RemainderKind, n: number, threshold: number): boolean {
  return kind === 'complement' ? n <= threshold : n >= 1 && n <= threshold;
}

function prepare(
  values: ReadonlyMap<string, number>,
  relations: readonly AdditiveRelation[],
  threshold: number,
): { rels: Prepared[]; relsOfCell: Map<string, Prepared[]>; inconsistent: number } {
  const rels: Prepared[] = [];
  let inconsistent = 0;
  relations.forEach((r, index) => {
    if (r.parts.length === 0 || new Set([r.total, ...r.parts]).size !== r.parts.length + 1) {
      throw new RangeError(`relation ${index} must have a total and distinct parts`);
    }
    const remainder = remainderOf(values, r);
    if (remainder === undefined) {
      const unknown = [r.total, ...r.parts].find((id) => !values.has(id));
      throw new RangeError(`relation refers to unknown cell ${unknown}`);
    }
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
      pooled: r.pooled === true,
      nested: r.nested === true || r.pooled === true,
      sensitiveTo: r.sensitiveTo ?? [],
      remainder,
      remainderUnknown: complement || remainder > 0,
      remainderSensitive: isSensitiveRemainder(r.remainder, remainder, threshold),
    });
  });
  const relsOfCell = new Map<string, Prepared[]>();
  for (const r of rels) {
    for (const c of [r.total, ...r.parts]) {
      const list = relsOfCell.get(c);
      if (list) list.push(r);
      else relsOfCell.set(c, [r]);
    }
  }
  return { rels, relsOfCell, inconsistent };
}

/** Computes which cells to hide. `values` are all published counts by cell id. */
export function suppressCells(
  values: ReadonlyMap<string, number>,
  relations: readonly AdditiveRelation[],
  config: SuppressionConfig = {},
  insiders: Insiders = NO_INSIDERS,
  withheld: Iterable<string> = [],
): SuppressionPattern {
  return suppressWith(values, relations, settingsOf(config), insiders, withheld);
}

/** Per cell, its readers as a set (`knows` is asked millions of times in a large network). */
function knownSetsOf(insiders: Insiders): Map<string, ReadonlySet<string>> {
  const out = new Map<string, ReadonlySet<string>>();
  for (const [cell, readers] of insiders.knownBy) out.set(cell, new Set(readers));
  return out;
}

function suppressWith(
  values: ReadonlyMap<string, number>,
  relations: readonly AdditiveRelation[],
  { threshold, minContributors, maxAudit, maxCoalition }: Settings,
  insiders: Insiders,
  withheld: Iterable<string> = [],
): SuppressionPattern {
  for (const [id, v] of values) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`cell ${id} is not a count: ${v}`);
  }
  const { rels, relsOfCell, inconsistent } = prepare(values, relations, threshold);
  const suppressed = new Map<string, SuppressionReason>();
  for (const id of [...values.keys()].sort()) {
    if (values.get(id)! <= threshold) suppressed.set(id, 'small_cell');
  }
  // A pattern this one must contain (a reader's own view is the shared one and more).
  for (const id of [...withheld].sort()) if (values.has(id) && !suppressed.has(id)) suppressed.set(id, 'complementary');
  const ctx: Ctx = { values, suppressed, relsOfCell, threshold, minContributors, maxCoalition, insiders, knownSets: knownSetsOf(insiders) };

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

  let unauditedUnknowns: number;
  for (;;) {
    while (head < queue.length) {
      const r = queue[head++]!;
      queued.delete(r);
      // One fix at a time: the relation is queued again by hide() and re-checked.
      const pick = fixRelation(r, ctx);
      if (pick) hide(pick);
    }
    queue = [];
    head = 0;
    const found = runAudit(rels, ctx, maxAudit, false);
    unauditedUnknowns = found.unauditedUnknowns;
    if (found.fixes.length === 0) break;
    for (const id of found.fixes) hide(id);
  }
  return { suppressed, unauditedUnknowns, inconsistentRelations: inconsistent };
}

interface Ctx {
  values: ReadonlyMap<string, number>;
  suppressed: ReadonlyMap<string, unknown>;
  /** Per cell, the (consistent) relations it is in, in input order. */
  relsOfCell: ReadonlyMap<string, readonly Prepared[]>;
  threshold: number;
  minContributors: number;
  maxCoalition: number;
  insiders: Insiders;
  knownSets: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A reader: null for the public (anyone signed in), else an insider id. */
type Reader = string | null;

function knows(ctx: Ctx, reader: Reader, cell: string): boolean {
  return reader !== null && (ctx.knownSets.get(cell)?.has(reader) ?? false);
}

/** The reader's own relation: they know all its cells, hence its remainder; nothing in it to protect from them. */
function ownsRelation(ctx: Ctx, reader: Reader, r: Prepared): boolean {
  return knows(ctx, reader, r.total) && r.parts.every((p) => knows(ctx, reader, p));
}

/** The suppressed cells of `r` the reader does not know, as terms of total − Σ parts. */
function termsOf(ctx: Ctx, r: Prepared, reader: Reader): [string, number][] {
  const terms: [string, number][] = [];
  if (ctx.suppressed.has(r.total) && !knows(ctx, reader, r.total)) terms.push([r.total, 1]);
  for (const p of r.parts) if (ctx.suppressed.has(p) && !knows(ctx, reader, p)) terms.push([p, -1]);
  return terms;
}

type Violation = 'alone' | 'remainder' | 'zero' | 'pooled' | 'residue';

/** What one reader knows of a relation's cells. */
interface Knowledge {
  total: boolean;
  /** Withheld parts they know, and their sum. */
  hiddenParts: number;
  hiddenSum: number;
}

/**
 * A cell to hide so that `r` holds for every reader (the public, then each insider of a
 * withheld cell in it, in id order), or null when it does. Linear in the relation's cells:
 * each reader's unknowns are the withheld cells less the ones they know.
 */
function fixRelation(r: Prepared, ctx: Ctx): string | null {
  const { values, suppressed, threshold } = ctx;
  let hiddenParts = 0;
  let hiddenSum = 0;
  const know = new Map<string, Knowledge>();
  const entry = (k: string) => {
    let e = know.get(k);
    if (!e) know.set(k, (e = { total: false, hiddenParts: 0, hiddenSum: 0 }));
    return e;
  };
  const totalSuppressed = suppressed.has(r.total);
  for (const k of ctx.insiders.knownBy.get(r.total) ?? []) entry(k).total = true;
  // A pooled total's withheld parts by contributor (rules 4a and 4b).
  const shares = new Map<string, number>();
  for (const p of r.parts) {
    if (!suppressed.has(p)) continue;
    const v = values.get(p)!;
    hiddenParts++;
    hiddenSum += v;
    if (r.pooled) {
      const c = ctx.insiders.contributorOf.get(p) ?? p;
      shares.set(c, (shares.get(c) ?? 0) + v);
    }
    for (const k of ctx.insiders.knownBy.get(p) ?? []) {
      const e = entry(k);
      e.hiddenParts++;
      e.hiddenSum += v;
    }
  }
  const readers: Reader[] = [null];
  for (const [k, e] of [...know].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // Only insiders of a withheld cell see the relation differently from the public.
    if (e.hiddenParts > 0 || (e.total && totalSuppressed)) readers.push(k);
  }
  const none: Knowledge = { total: false, hiddenParts: 0, hiddenSum: 0 };

  for (const k of r.sensitiveTo) if (!readers.includes(k)) readers.push(k);
  for (const reader of readers) {
    const k = reader === null ? none : (know.get(reader) ?? none);
    if (ownsRelation(ctx, reader, r)) continue;
    const totalHidden = totalSuppressed && !k.total;
    const unknownParts = hiddenParts - k.hiddenParts;
    const unknownSum = hiddenSum - k.hiddenSum + (r.remainderUnknown ? r.remainder : 0);
    const hidden = unknownParts + (totalHidden ? 1 : 0);
    const unknowns = hidden + (r.remainderUnknown ? 1 : 0);
    let broken: Violation | null = null;
    if (r.pooled && reader === null && !totalHidden && hiddenParts > 0 && pooledTooFew(shares, ctx)) {
      // 4a/4b, first: withholding the pooled total is cheaper than complements among the parts.
      broken = 'pooled';
    } else if (r.nested && reader !== null && !totalHidden && unknowns >= 1 && k.hiddenParts > 0 && unknownSum <= threshold) {
      // 4c: an insider who subtracts their own part of a published total is left with what
      // the others withheld (and, for a district, its students outside the pathways): it
      // must be more than the threshold, or the total is withheld.
      broken = 'residue';
    } else if (hidden >= 1 && unknowns === 1) {
      // 2a. For an insider, a withheld network total that follows from their own cells tells
      // them nothing about anyone else's (every other part is published); what they could
      // do with it in other relations is the exact audit's to find.
      const only = totalHidden ? r.total : r.parts.find((p) => suppressed.has(p) && !knows(ctx, reader, p))!;
      if (reader === null || ctx.insiders.knownBy.has(only)) broken = 'alone';
    }
    const sensitive = r.remainderSensitive || (reader !== null && r.sensitiveTo.includes(reader));
    if (broken === null && sensitive && hidden === 0) broken = 'remainder'; // 2b
    if (broken === null && !totalHidden && unknowns >= 1 && unknownSum === 0) broken = 'zero'; // 2c
    if (broken === null) continue;
    if (broken === 'pooled' || broken === 'residue') {
      if (!suppressed.has(r.total)) return r.total;
      continue;
    }
    const pick = smallestRevealed([r], values, suppressed, (c) => !knows(ctx, reader, c));
    if (pick) return pick;
  }
  return null;
}

/**
 * Rules 4a and 4b on a published pooled total's withheld parts, summed by contributor. 4b
 * removes the largest `maxCoalition` shares: a coalition of that many districts subtracting
 * its own must be left with more than the threshold.
 */
function pooledTooFew(shares: ReadonlyMap<string, number>, ctx: Ctx): boolean {
  if (shares.size === 0) return false;
  if (shares.size < ctx.minContributors) return true; // 4a
  const sorted = [...shares.values()].sort((a, b) => b - a);
  const rest = sorted.slice(ctx.maxCoalition).reduce((a, b) => a + b, 0);
  return rest <= ctx.threshold; // 4b
}

function smallestRevealed(
  rels: readonly Prepared[],
  values: ReadonlyMap<string, number>,
  suppressed: ReadonlyMap<string, unknown>,
  eligible: (id: string) => boolean = () => true,
): string | null {
  let best: { id: string; value: number; isTotal: number } | null = null;
  for (const r of rels) {
    for (const id of [r.total, ...r.parts]) {
      if (suppressed.has(id) || !eligible(id)) continue;
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
  /** `shared`: the row is another space's too (withKnown), copied before it is changed. */
  private readonly pivots: { col: number; row: Float64Array; shared?: boolean }[] = [];
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
      if (c === 0) continue;
      if (p.shared) {
        p.row = p.row.slice();
        p.shared = false;
      }
      for (let j = 0; j < this.width; j++) p.row[j] = mod(p.row[j]! - c * v[j]!);
    }
    this.pivots.push({ col, row: v });
  }

  contains(v: Float64Array): boolean {
    return this.reduce(v.slice());
  }

  /**
   * The space of what follows once the variables in `known` are known too: every basis row
   * with those columns set to zero (their values move to the right-hand side), re-reduced.
   */
  withKnown(known: ReadonlySet<number>): RowSpace {
    const out = new RowSpace(this.width);
    // A row keeping its pivot stays reduced against the others (zero in their pivot
    // columns): only the rows that lost theirs need reducing again.
    const moved: Float64Array[] = [];
    for (const p of this.pivots) {
      const { col, row } = p;
      let touched = false;
      for (const j of known) {
        if (row[j] !== 0) {
          touched = true;
          break;
        }
      }
      if (!touched) {
        out.pivots.push({ col, row, shared: true });
        p.shared = true;
        continue;
      }
      const v = row.slice();
      for (const j of known) v[j] = 0;
      if (known.has(col)) moved.push(v);
      else out.pivots.push({ col, row: v });
    }
    for (const v of moved) out.add(v);
    return out;
  }

  /** Columns whose unit vector is in the space: in a fully reduced basis, the one-entry rows. */
  unitColumns(): number[] {
    const out: number[] = [];
    for (const { col, row } of this.pivots) {
      let nonzero = 0;
      for (let j = 0; j < this.width && nonzero < 2; j++) if (row[j] !== 0) nonzero++;
      if (nonzero === 1) out.push(col);
    }
    return out;
  }
}

export interface AuditResult {
  /** Suppressed cells whose value follows from revealed ones. */
  disclosedCells: string[];
  /** Indexes (into the input relations) of sensitive remainders whose value follows. */
  disclosedRemainders: number[];
  /** Per insider, the suppressed cells of others and the remainders whose value follows from revealed ones and the insider's own counts. */
  disclosedToInsiders: { reader: string; cells: string[]; remainders: number[] }[];
  unauditedUnknowns: number;
}

interface Block {
  vars: string[];
  col: Map<string, number>;
  space: RowSpace | null; // null: too large to audit
}

function buildBlocks(
  rels: readonly Prepared[],
  ctx: Ctx,
  maxAudit: number,
): { blockOf: Map<string, Block>; hardRowsOf: Map<Block, Prepared[]>; unaudited: number } {
  const hardRows: { rel: Prepared; terms: [string, number][] }[] = [];
  for (const r of rels) {
    if (r.remainderUnknown) continue; // its remainder absorbs it: no information on the cells
    const terms = termsOf(ctx, r, null);
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

/**
 * Is the combination Σ coef·cell (over suppressed cells) determined by the exact relations?
 * `spaceOf` gives a block's space as a given reader has it (insiders know more).
 */
function determined(
  terms: readonly [string, number][],
  blockOf: ReadonlyMap<string, Block>,
  spaceOf: (b: Block) => RowSpace | null = (b) => b.space,
): boolean {
  const byBlock = new Map<Block, Float64Array>();
  for (const [v, c] of terms) {
    const block = blockOf.get(v);
    if (!block || !spaceOf(block)) return false; // in no exact relation (free), or unaudited
    let vec = byBlock.get(block);
    if (!vec) {
      vec = new Float64Array(block.vars.length);
      byBlock.set(block, vec);
    }
    const j = block.col.get(v)!;
    vec[j] = mod(vec[j]! + c);
  }
  for (const [block, vec] of byBlock) if (!spaceOf(block)!.contains(vec)) return false;
  return true;
}

function runAudit(rels: readonly Prepared[], ctx: Ctx, maxAudit: number, reportAll: boolean): AuditResult & { fixes: string[] } {
  const { values, suppressed } = ctx;
  const { blockOf, hardRowsOf, unaudited } = buildBlocks(rels, ctx, maxAudit);
  const disclosedCells: string[] = [];
  const disclosedRemainders: number[] = [];
  const disclosedToInsiders: AuditResult['disclosedToInsiders'] = [];
  // One fix per block per round: blocks are independent, and a second fix in the same block
  // may be unnecessary once the first has changed the block.
  const fixes = new Set<string>();
  const fixed = new Set<Block>();

  /** Hides, for `reader`, the smallest revealed cell of the disclosed value's own relations, else of its block. */
  const fixFor = (reader: Reader, own: readonly Prepared[], blocks: readonly Block[]) => {
    const eligible = (c: string) => !knows(ctx, reader, c);
    const fix =
      smallestRevealed(own, values, suppressed, eligible) ??
      smallestRevealed(
        blocks.flatMap((b) => hardRowsOf.get(b) ?? []),
        values,
        suppressed,
        eligible,
      );
    if (fix) {
      fixes.add(fix);
      for (const b of blocks) fixed.add(b);
    }
  };
  const blocksOf = (terms: readonly [string, number][]) => [
    ...new Set(terms.map(([v]) => blockOf.get(v)).filter((b): b is Block => b !== undefined)),
  ];
  /** A withheld cell's exact relations: its rows in its block. */
  const exactRelsOf = (v: string) => (ctx.relsOfCell.get(v) ?? []).filter((r) => !r.remainderUnknown);
  const isSensitive = (r: Prepared) => r.remainderSensitive && r.remainderUnknown;

  /** The withheld cells a space determines on their own (its unit columns), with their block. */
  const unitCells = (spaces: Iterable<readonly [Block, RowSpace]>): [string, Block][] => {
    const out: [string, Block][] = [];
    for (const [block, space] of spaces) {
      if (!reportAll && fixed.has(block)) continue;
      for (const j of space.unitColumns()) out.push([block.vars[j]!, block]);
    }
    return out;
  };

  /**
   * What `reader` can compute, with a fix for the first disclosure in each block: the
   * `cells` (withheld cells their spaces determine, in the order given) and the sensitive
   * remainders among `remainderCandidates` (in index order).
   */
  const auditReader = (
    reader: Reader,
    cells: readonly [string, Block][],
    spaceOf: (b: Block) => RowSpace | null,
    remainderCandidates: readonly Prepared[],
  ): { cells: string[]; remainders: number[] } => {
    const disclosed: string[] = [];
    const remainders: number[] = [];
    for (const [v, block] of cells) {
      if (!reportAll && fixed.has(block)) continue;
      // An insider's own cells, and network totals (the latter matter only through the
      // contributors' cells they would reveal, which this loop checks).
      if (reader !== null && (knows(ctx, reader, v) || !ctx.insiders.knownBy.has(v))) continue;
      disclosed.push(v);
      if (fixed.has(block)) continue;
      // Prefer the cell's own relations: each gains an unknown the cell must be told apart from.
      fixFor(reader, exactRelsOf(v), [block]);
    }
    for (const r of remainderCandidates) {
      if (ownsRelation(ctx, reader, r)) continue;
      const terms = termsOf(ctx, r, reader);
      const blocks = blocksOf(terms);
      if (!reportAll && blocks.some((b) => fixed.has(b))) continue;
      if (!determined(terms, blockOf, spaceOf)) continue;
      remainders.push(r.index);
      if (blocks.some((b) => fixed.has(b))) continue;
      // With no unknown left the per-relation rule 2b fixes it (a cell the reader does not
      // know; for the public that never reaches the audit).
      if (terms.length > 0) fixFor(reader, [r], blocks);
    }
    return { cells: disclosed, remainders };
  };

  // The public: every audited block, cells in id order.
  const audited: [Block, RowSpace][] = [];
  for (const block of new Set(blockOf.values())) if (block.space) audited.push([block, block.space]);
  const byId = ([a]: [string, Block], [b]: [string, Block]) => (a < b ? -1 : a > b ? 1 : 0);
  const publicly = auditReader(null, unitCells(audited).sort(byId), (b) => b.space, rels.filter(isSensitive));
  disclosedCells.push(...publicly.cells);
  disclosedRemainders.push(...publicly.remainders);

  // Each insider: the same system with their own withheld cells known.
  const insiderCells = new Map<string, string[]>();
  for (const v of [...suppressed.keys()].sort()) {
    for (const k of ctx.insiders.knownBy.get(v) ?? []) {
      const list = insiderCells.get(k);
      if (list) list.push(v);
      else insiderCells.set(k, [v]);
    }
  }
  for (const reader of [...insiderCells.keys()].sort()) {
    const own = insiderCells.get(reader)!;
    const knownCols = new Map<Block, Set<number>>();
    for (const v of own) {
      const block = blockOf.get(v);
      if (!block?.space) continue;
      const set = knownCols.get(block);
      if (set) set.add(block.col.get(v)!);
      else knownCols.set(block, new Set([block.col.get(v)!]));
    }
    // A coalition whose members are audited on their own differs from them only where two
    // members know cells: in a block where one member alone knows cells the coalition's
    // space is that member's, and so are its disclosures (blocks are independent systems).
    const members = (ctx.insiders.membersOf?.get(reader) ?? []).filter((m) => insiderCells.has(m));
    const single = members.length > 0 && members.length === (ctx.insiders.membersOf?.get(reader)?.length ?? 0);
    // Coalitions of districts: a cell's member is its contributor's district reader.
    const memberOf = (v: string) => {
      const m = `district:${ctx.insiders.contributorOf.get(v)}`;
      return members.includes(m) ? m : undefined;
    };
    const membersIn = new Map<Block, Set<string | undefined>>();
    if (single) {
      for (const v of own) {
        const block = blockOf.get(v);
        if (!block?.space) continue;
        const set = membersIn.get(block);
        if (set) set.add(memberOf(v));
        else membersIn.set(block, new Set([memberOf(v)]));
      }
    }
    const shared = (b: Block) => !single || (membersIn.get(b)?.size ?? 0) > 1 || membersIn.get(b)?.has(undefined) === true;
    // Only the blocks they know cells of differ from the public's (in the order of their
    // first own cell, each block's cells in pivot order); computed when first needed.
    const spaces = new Map<Block, RowSpace>();
    const spaceOf = (b: Block): RowSpace | null => {
      const cols = knownCols.get(b);
      if (!cols) return b.space;
      let space = spaces.get(b);
      if (!space) spaces.set(b, (space = b.space!.withKnown(cols)));
      return space;
    };
    const checked: [Block, RowSpace][] = [];
    for (const block of knownCols.keys()) if (shared(block)) checked.push([block, spaceOf(block)!]);
    // Remainders of relations with one of their withheld cells. (A remainder elsewhere in a
    // block they know cells of could follow too; checking every such relation for every
    // insider is quadratic in a large network, so those are left to the LP adversary test.)
    // For a coalition of districts: those with a cell in a shared block (any other relation
    // is one member's, known to it whole, or none of theirs).
    const candidates = new Set<Prepared>(ctx.insiders.auditEveryRemainder?.has(reader) ? rels.filter(isSensitive) : []);
    for (const v of own) {
      if (single) {
        const block = blockOf.get(v);
        if (!block?.space || !shared(block)) continue;
      }
      for (const r of ctx.relsOfCell.get(v) ?? []) if (isSensitive(r)) candidates.add(r);
    }
    const { cells, remainders } = auditReader(
      reader,
      unitCells(checked),
      spaceOf,
      [...candidates].sort((a, b) => a.index - b.index),
    );
    if (cells.length || remainders.length) disclosedToInsiders.push({ reader, cells, remainders });
  }
  return { disclosedCells, disclosedRemainders, disclosedToInsiders, unauditedUnknowns: unaudited, fixes: [...fixes] };
}

/** Which hidden values a reader could still compute exactly (empty for a sound pattern). */
export function findDisclosures(
  values: ReadonlyMap<string, number>,
  relations: readonly AdditiveRelation[],
  suppressed: ReadonlyMap<string, unknown>,
  config: SuppressionConfig = {},
  insiders: Insiders = NO_INSIDERS,
): AuditResult {
  const { threshold, minContributors, maxAudit, maxCoalition } = settingsOf(config);
  const { rels, relsOfCell } = prepare(values, relations, threshold);
  const ctx: Ctx = { values, suppressed, relsOfCell, threshold, minContributors, maxCoalition, insiders, knownSets: knownSetsOf(insiders) };
  const { disclosedCells, disclosedRemainders, disclosedToInsiders, unauditedUnknowns } = runAudit(rels, ctx, maxAudit, true);
  return { disclosedCells, disclosedRemainders, disclosedToInsiders, unauditedUnknowns };
}

// ---------------------------------------------------------------------------------------
// Outcome reports as cells and relations

export const cellId = (key: string, metric: string, group: StudentGroup) => `${key}|${metric}|${group}`;

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
  return pattern.suppressed.has(id) ? { ...SUPPRESSED } : { value: values.get(id)! };
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
  /**
   * Protect against outsiders only (rules 1–3, no insiders, no rule 4): the model before
   * issue 15, kept so the benchmark can report what the insider rules cost. Never published.
   */
  outsidersOnly?: boolean;
  /**
   * Coalitions to audit besides the network's own readers: each a set of units
   * (`district:<id>`, `pathway:<id>`) one person knows every raw count of (coalitions.ts).
   */
  coalitions?: readonly (readonly string[])[];
  /**
   * `network` (default): the public, every district and pathway, every coalition of up to
   * `maxCoalition` districts, and `coalitions`. `given`: the public and `coalitions` only —
   * for a reader's own pattern on top of `withheld` (a shared pattern already sound for the
   * others: withholding more never tells anyone more).
   */
  readers?: 'network' | 'given';
  /** Cells withheld from the start: the result contains this pattern. */
  withheld?: Iterable<string>;
  /**
   * Cells the `coalitions` can read elsewhere whatever this pattern says (the shared
   * headlines of the public directory): counted as known to them, so never relied on.
   */
  knownToCoalitions?: Iterable<string>;
}

export const coalitionReaderId = (units: readonly string[]) => `coalition:${[...units].sort().join('+')}`;

/** Every set of 2..k of `items` (in order), for the hypothetical coalitions of districts. */
function combinations(items: readonly string[], k: number): string[][] {
  const out: string[][] = [];
  const pick = (start: number, chosen: string[]) => {
    if (chosen.length >= 2) out.push([...chosen]);
    if (chosen.length === k) return;
    for (let i = start; i < items.length; i++) pick(i + 1, [...chosen, items[i]!]);
  };
  pick(0, []);
  return out;
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
  const settings = settingsOf(config);
  const values = new Map<string, number>();
  const relations: AdditiveRelation[] = [];
  const knownBy = new Map<string, readonly string[]>();
  const contributorOf = new Map<string, string>();
  const districts = [...input.districts].sort((a, b) => (a.districtId < b.districtId ? -1 : 1));
  const allPathways: { key: string; pathwayId: string; counts: OutcomeCounts }[] = [];
  const network = (input.readers ?? 'network') === 'network';
  // Coalition readers, by the units they know: every set of up to maxCoalition districts
  // (network readers only), then the given ones. A unit's readers know its cells (a district
  // unit: its report and every pathway's of it).
  const coalitionSets = new Map<string, readonly string[]>();
  if (network) {
    for (const set of combinations(
      districts.map((d) => `district:${d.districtId}`),
      settings.maxCoalition,
    )) {
      coalitionSets.set(coalitionReaderId(set), set);
    }
  }
  const given = new Set<string>();
  for (const c of input.coalitions ?? []) {
    const units = [...new Set(c)].sort();
    if (units.length === 0 || (network && units.length === 1)) continue; // a single unit is a network reader already
    const id = coalitionReaderId(units);
    coalitionSets.set(id, units);
    given.add(id);
  }
  const readersOfUnit = new Map<string, string[]>();
  for (const [id, units] of coalitionSets) {
    for (const u of units) {
      const list = readersOfUnit.get(u);
      if (list) list.push(id);
      else readersOfUnit.set(u, [id]);
    }
  }
  const unitReaders = (u: string) => readersOfUnit.get(u) ?? [];
  /** A report's cells, with the insiders who know them and the district they come from. */
  const addOwnCells = (key: string, counts: OutcomeCounts, readers: readonly string[], districtId: string) => {
    for (const [metric, groups] of entriesOf(counts)) {
      for (const [group, v] of entriesOf(groups)) {
        const id = cellId(key, metric, group);
        values.set(id, v);
        knownBy.set(id, readers);
        contributorOf.set(id, districtId);
      }
    }
  };
  for (const d of districts) {
    const districtKey = `district:${d.districtId}`;
    const pathways = [...d.pathways]
      .sort((a, b) => (a.pathwayId < b.pathwayId ? -1 : 1))
      .map((p) => ({ key: `pathway:${p.pathwayId}`, pathwayId: p.pathwayId, counts: p.counts }));
    for (const p of pathways) {
      // The district's data contacts submitted it; the pathway's team knows its own counts.
      const own = network ? [districtKey, p.key] : [];
      addOwnCells(p.key, p.counts, [...new Set([...own, ...unitReaders(districtKey), ...unitReaders(p.key)])], d.districtId);
      relations.push(...reportRelations(p.key, p.counts));
      allPathways.push(p);
    }
    if (d.counts) {
      addOwnCells(districtKey, d.counts, [...(network ? [districtKey] : []), ...unitReaders(districtKey)], d.districtId);
      // A pathway's team knows its own remainders: the district's minus theirs is the rest of
      // the district's (e.g. its non-graduates outside the pathway). The same for a
      // coalition holding pathways of the district but not the district: minus all of them.
      const pathwayReaders = new Map<string, typeof pathways>();
      for (const p of pathways) {
        const readers = [...(network ? [p.key] : []), ...unitReaders(p.key).filter((c) => !coalitionSets.get(c)!.includes(districtKey))];
        for (const k of readers) {
          const list = pathwayReaders.get(k);
          if (list) list.push(p);
          else pathwayReaders.set(k, [p]);
        }
      }
      for (const r of reportRelations(districtKey, d.counts)) {
        const mine = remainderOf(values, r);
        const sensitiveTo: string[] = [];
        if (mine !== undefined) {
          for (const [reader, theirPathways] of pathwayReaders) {
            let rest = mine;
            for (const p of theirPathways) {
              const inPathway = (id: string) => id.replace(districtKey, p.key);
              const theirs = remainderOf(values, { total: inPathway(r.total), parts: r.parts.map(inPathway) });
              if (theirs === undefined) {
                rest = Number.NaN;
                break;
              }
              rest -= theirs;
            }
            if (!Number.isNaN(rest) && isSensitiveRemainder(r.remainder, rest, settings.threshold)) sensitiveTo.push(reader);
          }
        }
        relations.push(sensitiveTo.length ? { ...r, sensitiveTo } : r);
      }
      relations.push(...nestingRelations(districtKey, d.counts, pathways, 'complement').map((r) => ({ ...r, nested: true })));
    }
  }

  let aggregate: NetworkAggregate | undefined;
  if (input.network) {
    aggregate = aggregateNetwork(allPathways.map((p) => p.counts));
    addCells(values, NETWORK, aggregate.counts);
    // The network's cells are exact sums of pathway cells: a reader knows the remainder is 0.
    relations.push(...nestingRelations(NETWORK, aggregate.counts, allPathways, 'uncounted').map((r) => ({ ...r, pooled: true })));
    relations.push(...reportRelations(NETWORK, aggregate.counts));
    for (const n of NUMERATOR_METRICS) {
      const d = denominatorOf(n);
      for (const [group, v] of entriesOf(aggregate.rateBases[n] ?? {})) {
        const id = cellId(NETWORK, baseKey(n), group);
        values.set(id, v);
        const parts = allPathways
          .filter((p) => p.counts[n]?.[group] !== undefined && p.counts[d]?.[group] !== undefined)
          .map((p) => cellId(p.key, d, group));
        if (parts.length) relations.push({ total: id, parts, remainder: 'uncounted', pooled: true });
        const numerator = cellId(NETWORK, n, group);
        if (values.has(numerator)) relations.push({ total: id, parts: [numerator], remainder: 'complement' });
      }
    }
  }

  for (const id of input.knownToCoalitions ?? []) {
    if (!given.size || !values.has(id)) continue;
    knownBy.set(id, [...new Set([...(knownBy.get(id) ?? []), ...given])]);
  }
  const pattern = input.outsidersOnly
    ? suppressWith(
        values,
        relations.map(({ pooled: _p, nested: _n, sensitiveTo: _s, ...r }) => r),
        { ...settings, maxCoalition: 1 },
        NO_INSIDERS,
        input.withheld,
      )
    : suppressWith(
        values,
        relations,
        settings,
        {
          knownBy,
          contributorOf,
          membersOf: new Map([...coalitionSets].filter(([id]) => network && !given.has(id))),
          // A reader's own pattern: their subtraction from a network total may pin a remainder
          // in a relation with no cell of theirs (a district's students outside its pathways).
          auditEveryRemainder: network ? new Set() : given,
        },
        input.withheld,
      );
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
