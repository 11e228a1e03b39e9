// What one decision reads while it runs: the request, the state, the scheme's settings, and
// an optional trace sink (null when the caller did not ask for a trace: then nothing is built).
import type { Int } from './int.js';
import type { Request, SchemeSettings, State, TraceEntry } from './types.js';

export interface DecideContext {
  readonly req: Request;
  readonly state: State;
  readonly settings: SchemeSettings;
  /** Minor-unit exponent of the request's currency. */
  readonly reqScale: number;
  /** The request's amount in integer minor units. */
  readonly reqUnits: Int;
  /**
   * The request's amount × 10^6 when that is a safe integer, else NaN: generated conditions
   * compare it with literals scaled alike, exactly, and fall back to rationals on NaN.
   */
  readonly amountMicros: number;
  readonly trace: TraceEntry[] | null;
}

export function traceStep(ctx: DecideContext, entry: () => TraceEntry): void {
  if (ctx.trace) ctx.trace.push(entry());
}
