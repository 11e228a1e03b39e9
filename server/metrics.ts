// Prometheus metrics: every metric's name, help and labels are defined here, once. Labels carry
// names only (scheme, route, endpoint pattern) and small fixed sets (mode, status), never ids or
// amounts; a name label past NAME_LIMIT distinct values, and a metric past SET_LIMIT label sets,
// counts under `other`, so a caller cannot grow the exposition without bound. Off, every method
// is a no-op and nothing is registered.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export const OTHER = 'other';
/** Distinct values one name label (scheme, version, route) keeps before the rest fold into `other`. */
export const NAME_LIMIT = 200;
/** Label sets one metric keeps before new ones fold their name labels into `other`. */
export const SET_LIMIT = 2_000;

/** Labels whose values come from names users choose: these fold into `other`. */
const NAME_LABELS = new Set(['scheme', 'version', 'route', 'endpoint']);

const SECONDS_FAST = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1];
const SECONDS_SLOW = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface Definition {
  readonly name: string;
  readonly help: string;
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
}

export const METRICS = {
  decisions: {
    name: 'sluice_decisions_total',
    help: 'Decisions, by endpoint (decide, decide-batch, payout), mode, scheme, version, status (routed, blocked, failed, invalid), resolution and chosen route',
    labels: ['endpoint', 'mode', 'scheme', 'version', 'status', 'resolution', 'route'],
  },
  decisionSeconds: { name: 'sluice_decision_duration_seconds', help: 'Time to decide one request (validation included), by endpoint and scheme', labels: ['endpoint', 'scheme'], buckets: SECONDS_FAST },
  httpRequests: { name: 'sluice_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status code', labels: ['method', 'endpoint', 'code'] },
  httpSeconds: { name: 'sluice_http_request_duration_seconds', help: 'HTTP requests from arrival to the end of the answer, by method and route pattern', labels: ['method', 'endpoint'], buckets: SECONDS_SLOW },
  payoutRequests: { name: 'sluice_payout_requests_total', help: 'Payout requests accepted (status processing) and ended, by mode and status', labels: ['mode', 'status'] },
  payouts: { name: 'sluice_payouts_total', help: "Payouts' status changes, by mode, route and the status reached", labels: ['mode', 'route', 'status'] },
  providerRequests: { name: 'sluice_provider_requests_total', help: 'Calls to providers, by mode, route, operation (send, status) and the answer', labels: ['mode', 'route', 'operation', 'answer'] },
  providerErrors: { name: 'sluice_provider_errors_total', help: 'Provider calls that threw or whose answer was unknown, by mode, route and operation', labels: ['mode', 'route', 'operation'] },
  providerSeconds: { name: 'sluice_provider_request_duration_seconds', help: 'Provider call latency, by route and operation', labels: ['route', 'operation'], buckets: SECONDS_SLOW },
  webhookDeliveries: { name: 'sluice_webhook_deliveries_total', help: 'Merchant webhook attempts, by outcome (delivered, retry, failed: given up)', labels: ['outcome'] },
  webhookRetries: { name: 'sluice_webhook_retries_total', help: 'Merchant webhook attempts after the first', labels: [] },
  reservationConflicts: { name: 'sluice_reservation_conflicts_total', help: 'Reservations refused (a concurrent payout took the balance or a cap first, or the route could not cover the payout), by mode and route', labels: ['mode', 'route'] },
  compileSeconds: { name: 'sluice_compile_duration_seconds', help: 'Compiling a stored version for its decisions (on the request thread; sources are checked in workers)', labels: [], buckets: SECONDS_SLOW },
  decisionLog: { name: 'sluice_decision_log_total', help: 'Decision log entries sent to the sink, or dropped (buffer_full, sink_error)', labels: ['outcome'] },
} as const satisfies Record<string, Definition>;

export type Endpoint = 'decide' | 'decide-batch' | 'payout';

export interface DecisionSample {
  readonly endpoint: Endpoint;
  readonly mode: string;
  readonly scheme: string;
  readonly version: number;
  readonly status: string;
  readonly resolution: string | null;
  readonly route: string | null;
  readonly seconds: number;
}

export interface Metrics {
  readonly enabled: boolean;
  decision(d: DecisionSample): void;
  http(method: string, endpoint: string, code: number, seconds: number): void;
  payoutRequest(mode: string, status: string): void;
  payout(mode: string, route: string, status: string): void;
  provider(mode: string, route: string, operation: 'send' | 'status', answer: string, seconds: number): void;
  webhookAttempt(outcome: 'delivered' | 'retry' | 'failed', attempt: number): void;
  reservationConflict(mode: string, route: string): void;
  compile(seconds: number): void;
  decisionLog(outcome: 'sent' | 'buffer_full' | 'sink_error', count: number): void;
  /** The exposition in Prometheus' text format. */
  exposition(): Promise<{ text: string; contentType: string }>;
}

const nothing = (): void => {};

export const NO_METRICS: Metrics = {
  enabled: false,
  decision: nothing,
  http: nothing,
  payoutRequest: nothing,
  payout: nothing,
  provider: nothing,
  webhookAttempt: nothing,
  reservationConflict: nothing,
  compile: nothing,
  decisionLog: nothing,
  exposition: () => Promise.resolve({ text: '', contentType: 'text/plain' }),
};

/** A name label's values: the first NAME_LIMIT kept, the rest `other`. */
class Names {
  private readonly seen = new Set<string>();
  fold(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= NAME_LIMIT) return OTHER;
    this.seen.add(value);
    return value;
  }
}

interface Child {
  inc(n?: number): void;
  observe(v: number): void;
}

/** One metric's children by label values, at most SET_LIMIT of them (then name labels fold). */
class Family {
  private readonly children = new Map<string, Child>();
  private readonly folds: (Names | undefined)[];

  constructor(
    private readonly metric: Counter | Histogram,
    labels: readonly string[],
    names: Map<string, Names>,
  ) {
    this.folds = labels.map((l) => (NAME_LABELS.has(l) ? names.get(l) : undefined));
  }

  child(values: string[]): Child {
    for (let i = 0; i < values.length; i++) values[i] = this.folds[i]?.fold(values[i]!) ?? values[i]!;
    const key = values.join('\u0001');
    let c = this.children.get(key);
    if (c) return c;
    if (this.children.size >= SET_LIMIT) return this.overflow(values);
    c = this.make(values);
    this.children.set(key, c);
    return c;
  }

  private overflow(values: string[]): Child {
    const folded = values.map((v, i) => (this.folds[i] ? OTHER : v));
    const key = folded.join('\u0001');
    let c = this.children.get(key);
    if (!c) this.children.set(key, (c = this.make(folded)));
    return c;
  }

  private make(values: string[]): Child {
    const bound = this.metric.labels(...values) as Partial<Child>;
    return { inc: (n = 1) => bound.inc?.(n), observe: (v) => bound.observe?.(v) };
  }
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sluice_' });
  const names = new Map(['scheme', 'version', 'route', 'endpoint'].map((l) => [l, new Names()]));
  const family = (d: Definition): Family => {
    const config = { name: d.name, help: d.help, labelNames: [...d.labels], registers: [registry] };
    const metric = d.buckets ? new Histogram({ ...config, buckets: [...d.buckets] }) : new Counter(config);
    return new Family(metric, d.labels, names);
  };
  const m = Object.fromEntries(Object.entries(METRICS).map(([k, d]) => [k, family(d)])) as Record<keyof typeof METRICS, Family>;
  return {
    enabled: true,
    decision: (d) => {
      m.decisions.child([d.endpoint, d.mode, d.scheme, String(d.version), d.status, d.resolution ?? '', d.route ?? '']).inc();
      m.decisionSeconds.child([d.endpoint, d.scheme]).observe(d.seconds);
    },
    http: (method, endpoint, code, seconds) => {
      m.httpRequests.child([method, endpoint, String(code)]).inc();
      m.httpSeconds.child([method, endpoint]).observe(seconds);
    },
    payoutRequest: (mode, status) => m.payoutRequests.child([mode, status]).inc(),
    payout: (mode, route, status) => m.payouts.child([mode, route, status]).inc(),
    provider: (mode, route, operation, answer, seconds) => {
      m.providerRequests.child([mode, route, operation, answer]).inc();
      if (answer === 'unknown' || answer === 'error') m.providerErrors.child([mode, route, operation]).inc();
      m.providerSeconds.child([route, operation]).observe(seconds);
    },
    webhookAttempt: (outcome, attempt) => {
      m.webhookDeliveries.child([outcome]).inc();
      if (attempt > 1) m.webhookRetries.child([]).inc();
    },
    reservationConflict: (mode, route) => m.reservationConflicts.child([mode, route]).inc(),
    compile: (seconds) => m.compileSeconds.child([]).observe(seconds),
    decisionLog: (outcome, count) => m.decisionLog.child([outcome]).inc(count),
    exposition: async () => ({ text: await registry.metrics(), contentType: registry.contentType }),
  };
}
