// Every decision the service makes (the decide endpoint, each item of a batch, each step of a
// payout request) gets an id, returned as `decision_id`, is counted in the metrics, and goes to the
// decision log when one is configured and the sample draws it. The library's decide makes no id:
// the id belongs to the service that acted on the decision.
import { randomUUID } from 'node:crypto';
import type { InvalidRequest } from '../runtime/decide-request.js';
import { decisionJson } from '../runtime/decision-json.js';
import type { Decision } from '../runtime/types.js';
import type { Mode } from './db/schema.js';
import type { DecisionLog } from './decision-log.js';
import type { Endpoint, Metrics } from './metrics.js';
import type { Tracing } from './tracing.js';

export interface DecisionContext {
  readonly endpoint: Endpoint;
  readonly mode: Mode;
  readonly scheme: string;
  readonly version: number;
  /** The HTTP request's id, when a request made the decision. */
  readonly requestId?: string | undefined;
}

/** A decision with the id the service gave it. */
export type NamedDecision = Decision & { readonly decisionId: string };

/** The Decision JSON with its `decision_id`. */
export function decisionAnswer(d: NamedDecision): Record<string, unknown> {
  const json = decisionJson(d);
  json['decision_id'] = d.decisionId;
  return json;
}

export class Decisions {
  constructor(
    private readonly metrics: Metrics,
    private readonly log: DecisionLog | undefined,
    private readonly tracing: Tracing,
  ) {}

  /**
   * Names, counts and logs one decision; `started` is performance.now() before it was made. An
   * invalid request is counted (status `invalid`) and comes back as it is.
   */
  record(ctx: DecisionContext, input: unknown, d: Decision | InvalidRequest, started: number): NamedDecision | InvalidRequest {
    const seconds = (performance.now() - started) / 1000;
    const routed = d.status === 'invalid' ? null : d;
    // Fields named, not spread: V8 (Node 20) copies a spread object in microseconds, Object.assign in nanoseconds.
    const { endpoint, mode, scheme, version } = ctx;
    this.metrics.decision({ endpoint, mode, scheme, version, status: d.status, resolution: routed?.resolution ?? null, route: routed?.route ?? null, seconds });
    if (!routed) return d as InvalidRequest;
    const named: NamedDecision = Object.assign({}, routed, { decisionId: randomUUID() });
    if (this.log?.sampled()) this.log.add(this.entry(ctx, input, named));
    // A batch's decisions are not a span each: its request's span covers them.
    if (this.tracing.enabled && ctx.endpoint !== 'decide-batch') {
      this.tracing.record('decide', started, { 'sluice.scheme': ctx.scheme, 'sluice.version': ctx.version, 'sluice.decision_id': named.decisionId, 'sluice.status': named.status, 'sluice.route': named.route });
    }
    return named;
  }

  /** A decision-making function whose every decision is recorded under `ctx`. */
  recorded(ctx: DecisionContext, decideOne: (request: unknown) => Decision | InvalidRequest): (request: unknown) => NamedDecision | InvalidRequest {
    return (request) => {
      const started = performance.now();
      return this.record(ctx, request, decideOne(request), started);
    };
  }

  private entry(ctx: DecisionContext, input: unknown, d: NamedDecision): Record<string, unknown> {
    const { trace, ...result } = decisionJson(d);
    return {
      decision_id: d.decisionId,
      timestamp: new Date().toISOString(),
      ...(ctx.requestId ? { req_id: ctx.requestId } : {}),
      endpoint: ctx.endpoint,
      mode: ctx.mode,
      scheme: ctx.scheme,
      version: ctx.version,
      input,
      result,
      ...((trace as unknown[]).length ? { trace } : {}),
    };
  }
}
