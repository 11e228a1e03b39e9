// A simulation: decisions in order, each routed one committed into the state before the
// next, summarized as DESIGN.md's JSON (volumes in `base`).
import { commit, inBase, mutableState, type MutableState } from './commit.js';
import { minorUnits } from './currencies.js';
import { decideWith } from './decide.js';
import type { Program } from './program.js';
import { add, parseDecimal, roundedText, ZERO, type Rat } from './rational.js';
import type { Decision, Request, State } from './types.js';

export interface SimulationSummary {
  readonly routes: Record<string, { count: number; volume: string }>;
  readonly statuses: { routed: number; blocked: number; failed: number };
  readonly resolutions: Record<string, number>;
}

export class Simulation {
  private readonly state: MutableState;
  private readonly routes = new Map<string, { count: number; volume: Rat }>();
  private readonly statuses = { routed: 0, blocked: 0, failed: 0 };
  private readonly resolutions = new Map<string, number>();

  /**
   * `explain`: the scheme's traced program. A decision that is not routed is decided again
   * with it (routing nothing, it changes no state), so it carries the trace that says why.
   */
  constructor(
    private readonly program: Program,
    initial: State,
    private readonly explain?: Program,
  ) {
    this.state = mutableState(initial);
  }

  step(req: Request): Decision {
    const base = this.program.settings.base;
    const fast = decideWith(this.program, req, this.state, { trace: false });
    const decision = this.explain && fast.status !== 'routed' ? decideWith(this.explain, req, this.state, { trace: true }) : fast;
    this.statuses[decision.status]++;
    if (decision.resolution) this.resolutions.set(decision.resolution, (this.resolutions.get(decision.resolution) ?? 0) + 1);
    for (const a of decision.allocations) {
      const entry = this.routes.get(a.route) ?? { count: 0, volume: ZERO };
      const piece = inBase(this.state, parseDecimal(a.requestAmount)!, req.currency, base);
      this.routes.set(a.route, { count: entry.count + 1, volume: piece ? add(entry.volume, piece) : entry.volume });
    }
    commit(this.state, req, decision, base);
    return decision;
  }

  summary(): SimulationSummary {
    const scale = minorUnits(this.program.settings.base);
    const routes: SimulationSummary['routes'] = {};
    for (const [name, r] of [...this.routes].sort(([a], [b]) => (a < b ? -1 : 1))) {
      Object.defineProperty(routes, name, {
        value: { count: r.count, volume: roundedText(r.volume, scale) },
        enumerable: true,
      });
    }
    return { routes, statuses: { ...this.statuses }, resolutions: Object.fromEntries(this.resolutions) };
  }
}
