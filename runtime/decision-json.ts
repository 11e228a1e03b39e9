// The Decision as DESIGN.md prints it, keys in a stable, readable order.
import type { Decision } from '../runtime/types.js';

export function decisionJson(d: Decision): Record<string, unknown> {
  return {
    status: d.status,
    route: d.route,
    allocations: d.allocations,
    strategy: d.strategy,
    strategyKey: d.strategyKey,
    block: d.block,
    resolution: d.resolution,
    trace: d.trace,
  };
}
