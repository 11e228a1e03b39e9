// What a compiled scheme (or the reference interpreter) gives the runtime: its settings, and
// the parts of a decision that depend on conditions: blocks and the choice of a plan.
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
