// The trace's compact encoding of a first-match chain, and its expansion. A traced decision
// records one entry per chain it ran (the blocks, each service or nested chain): how many of
// its conditions were tested, which one held, and the values of the attributes they read,
// once. `expandTrace` turns each into the per-condition entries a person reads (`block`,
// `branch`), using the scheme's table of conditions, so what is shown is what a walk of the
// chain would have recorded: every condition tested in order until one held.
import { valueKey, type AttrName } from './conditions.js';
import type { DecideContext } from './context.js';
import type { TraceEntry } from './types.js';

/** One condition of a chain as the expanded trace shows it (`else`: no attributes). */
export interface TracedCondition {
  readonly line: number;
  readonly condition: string;
  readonly attrs: readonly AttrName[];
}

export interface TracedBlock extends TracedCondition {
  readonly block: string;
}

/** What expansion needs of a scheme: its blocks, and each chain's branches by the chain's path. */
export interface TraceTable {
  readonly blocks: readonly TracedBlock[];
  readonly chains: ReadonlyMap<string, readonly TracedCondition[]>;
}

/** What generated code knows of a chain: its path and its number of branches. */
export interface ChainTrace {
  readonly path: string;
  readonly length: number;
}

function testedOf(chain: ChainTrace, taken: number | null): number {
  return taken === null ? chain.length : taken + 1;
}

/**
 * Records a chain's outcome: branches 0..taken tested (all of them when `taken` is null), with
 * `values` the attributes those branches read (generated code builds them as one literal).
 */
export function branchesTested(ctx: DecideContext, chain: ChainTrace, taken: number | null, values: Readonly<Record<string, unknown>>): void {
  ctx.trace!.push({ step: 'branches', path: chain.path, tested: testedOf(chain, taken), taken, values });
}

/** Records the blocks' outcome as branchesTested does a chain's; `block` names the one that matched. */
export function blocksTested(ctx: DecideContext, names: readonly string[], matched: number | null, values: Readonly<Record<string, unknown>>): void {
  const tested = matched === null ? names.length : matched + 1;
  ctx.trace!.push({ step: 'blocks', tested, block: matched === null ? null : names[matched]!, values });
}

/** The values one condition read, from a compact entry's values (in the condition's order). */
function valuesFor(all: unknown, attrs: readonly AttrName[]): Record<string, unknown> {
  const from = (typeof all === 'object' && all !== null ? all : {}) as Readonly<Record<string, unknown>>;
  const values: Record<string, unknown> = {};
  for (const a of attrs) values[valueKey(a)] = Object.hasOwn(from, valueKey(a)) ? from[valueKey(a)] : null;
  return values;
}

function count(v: unknown, limit: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? Math.min(v, limit) : 0;
}

function expandBranches(table: TraceTable, e: TraceEntry): TraceEntry[] | undefined {
  const branches = typeof e['path'] === 'string' ? table.chains.get(e['path']) : undefined;
  if (!branches) return undefined;
  const tested = count(e['tested'], branches.length);
  return branches.slice(0, tested).map((b, i) => ({
    step: 'branch',
    line: b.line,
    condition: b.condition,
    values: valuesFor(e['values'], b.attrs),
    taken: i === e['taken'],
  }));
}

function expandBlocks(table: TraceTable, e: TraceEntry): TraceEntry[] {
  const tested = count(e['tested'], table.blocks.length);
  return table.blocks.slice(0, tested).map((b, i) => ({
    step: 'block',
    line: b.line,
    condition: b.condition,
    values: valuesFor(e['values'], b.attrs),
    block: b.block,
    matched: i === tested - 1 && e['block'] === b.block,
  }));
}

/**
 * The trace with each compact chain entry expanded into one `block` or `branch` entry per
 * condition tested; other entries (and any chain the scheme does not have) as they are.
 */
export function expandTrace(scheme: { readonly traceTable: TraceTable }, trace: readonly TraceEntry[]): TraceEntry[] {
  const table = scheme.traceTable;
  return trace.flatMap((e) => (e.step === 'branches' ? (expandBranches(table, e) ?? [e]) : e.step === 'blocks' ? expandBlocks(table, e) : [e]));
}
