// What a compiled scheme (or the reference interpreter) gives the runtime: its settings, and
// the parts of a decision that depend on conditions: blocks and the choice of a plan. Generated
// decision code becomes a Program here, whether compiled in process or built into a module.
import { compiledHelpers, type CompiledHelpers } from './compiled-helpers.js';
import type { DecideContext } from './context.js';
import type { PlanDef, SchemeSettings } from './types.js';

export interface Program {
  readonly settings: SchemeSettings;
  /** Currencies of the money literals in the blocks and in `service`'s conditions. */
  moneyCurrencies(service: string): readonly string[];
  /** The name of the first block whose condition holds, or null. */
  block(ctx: DecideContext): string | null;
  /** The plan of the branch taken; null when no branch holds; undefined for an unknown service. */
  plan(ctx: DecideContext): PlanDef | null | undefined;
}

/** What generated decision code returns when instantiated over its scope. */
export type ProgramParts = Pick<Program, 'block' | 'plan'>;

/** Generated decision code: a function of its scope `K` (values passed by reference) and the helpers `rt`. */
export type ProgramCode = (K: readonly unknown[], rt: CompiledHelpers) => ProgramParts;

/** The currencies of a scheme's money literals: in its blocks, and per service (blocks' included). */
export interface MoneyLiterals {
  readonly blocks: readonly string[];
  readonly services: ReadonlyMap<string, readonly string[]>;
}

/** A service without its own list (an unknown one) gets the blocks'. Without money literals (the usual scheme) no lookup at all. */
function moneyLookup(money: MoneyLiterals): Program['moneyCurrencies'] {
  if (money.blocks.length === 0 && [...money.services.values()].every((c) => c.length === 0)) return () => money.blocks;
  return (service) => money.services.get(service) ?? money.blocks;
}

/** Runs generated code once over its scope: the Program that decides with it. */
export function instantiateProgram(code: ProgramCode, scope: readonly unknown[], settings: SchemeSettings, money: MoneyLiterals): Program {
  const parts = code(scope, compiledHelpers);
  return { settings, moneyCurrencies: moneyLookup(money), block: parts.block, plan: parts.plan };
}
