// Prometheus metrics: every metric's name, help and labels are defined here, once. Labels carry
// names only (scheme, route, endpoint pattern) and small fixed sets (mode, status), never ids or
// amounts; a name label past NAME_LIMIT distinct values, and a metric past SET_LIMIT label sets,
// counts under `other`, so a caller cannot grow the exposition without bound. Off, every method
// is a no-op and nothing is registered.
import { collectDefaultMetrics, Registry } from 'prom-client';
import { Later } from './later.js';

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

interface HttpSample {
  readonly method: string;
  readonly endpoint: string;
  readonly code: number;
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

/** One label set's count (a counter), or its observations by bucket, not cumulative (a histogram). */
class Series {
  value = 0;
  sum = 0;
  readonly counts: number[];

  constructor(
    readonly labels: Record<string, string>,
    private readonly bounds: readonly number[] | undefined,
  ) {
    this.counts = bounds ? new Array<number>(bounds.length + 1).fill(0) : [];
  }

  inc(n = 1): void {
    this.value += n;
  }

  observe(v: number): void {
    const b = this.bounds!;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.value++;
  }
}

interface Level extends Map<string, Level | Series> {}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return a.length === b.length;
}

interface Sample {
  readonly labels: Record<string, string>;
  readonly value: number;
  readonly metricName?: string;
}

/**
 * One metric's series by label values, at most SET_LIMIT of them (then name labels fold). Counted
 * here in plain numbers and read by prom-client's registry at scrape time: its own metrics hash and
 * check their labels on every call, which cost more than the decision being counted.
 */
class Family {
  private readonly series = new Map<string, Series>();
  /** Label values already looked up, one level per label, the last holding the series. */
  private readonly known: Level = new Map();
  private readonly folds: (Names | undefined)[];
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';

  constructor(
    private readonly d: Definition,
    names: Map<string, Names>,
  ) {
    this.name = d.name;
    this.help = d.help;
    this.type = d.buckets ? 'histogram' : 'counter';
    this.folds = d.labels.map((l) => (NAME_LABELS.has(l) ? names.get(l) : undefined));
    if (!d.labels.length) this.child([]);
  }

  /** The label values of the series last asked for, and that series: a stream of decisions mostly repeats its labels. */
  private lastValues: readonly string[] = [];
  private lastSeries: Series | undefined;

  /** The series of these label values: the last one when they are the same, else one map lookup per label when seen before. */
  child(values: string[]): Series {
    if (this.lastSeries && sameValues(values, this.lastValues)) return this.lastSeries;
    let node: Series | Level | undefined = this.known;
    for (let i = 0; i < values.length && node instanceof Map; i++) node = node.get(values[i]!);
    const s = node instanceof Series ? node : this.first(values);
    this.lastValues = values;
    this.lastSeries = s;
    return s;
  }

  /** Label values not looked up before: folded, then found or made; kept for lookup unless a name folded. */
  private first(values: string[]): Series {
    let folded = false;
    for (let i = 0; i < values.length; i++) {
      const v = this.folds[i]?.fold(values[i]!) ?? values[i]!;
      if (v !== values[i]) folded = true;
      values[i] = v;
    }
    const s = this.found(values);
    // Past SET_LIMIT the series found is a folded one: those values are not kept either.
    if (!folded && this.series.get(values.join('\u0001')) === s) this.remember(values, s);
    return s;
  }

  private remember(values: readonly string[], s: Series): void {
    let level = this.known;
    for (let i = 0; i < values.length - 1; i++) {
      let next = level.get(values[i]!);
      if (!(next instanceof Map)) level.set(values[i]!, (next = new Map()));
      level = next;
    }
    if (values.length) level.set(values[values.length - 1]!, s);
  }

  private found(values: string[]): Series {
    const key = values.join('\u0001');
    let s = this.series.get(key);
    if (s) return s;
    if (this.series.size >= SET_LIMIT) return this.overflow(values);
    s = this.make(values);
    this.series.set(key, s);
    return s;
  }

  private overflow(values: string[]): Series {
    const folded = values.map((v, i) => (this.folds[i] ? OTHER : v));
    const key = folded.join('\u0001');
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = this.make(folded)));
    return s;
  }

  private make(values: string[]): Series {
    return new Series(Object.fromEntries(this.d.labels.map((l, i) => [l, values[i]!])), this.d.buckets);
  }

  /** The metric as prom-client's registry formats it. */
  get(): { name: string; help: string; type: string; values: Sample[]; aggregator: 'sum' } {
    const values: Sample[] = [];
    for (const s of this.series.values()) {
      if (!this.d.buckets) {
        values.push({ labels: s.labels, value: s.value });
        continue;
      }
      let cumulative = 0;
      this.d.buckets.forEach((le, i) => values.push({ labels: { ...s.labels, le: String(le) }, value: (cumulative += s.counts[i]!), metricName: `${this.name}_bucket` }));
      values.push({ labels: { ...s.labels, le: '+Inf' }, value: s.value, metricName: `${this.name}_bucket` });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` }, { labels: s.labels, value: s.value, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sluice_' });
  const names = new Map(['scheme', 'version', 'route', 'endpoint'].map((l) => [l, new Names()]));
  const family = (d: Definition): Family => {
    const f = new Family(d, names);
    // The registry reads a metric's name and get() alone; prom-client's type asks for its whole Metric class.
    registry.registerMetric(f as unknown as Parameters<Registry['registerMetric']>[0]);
    return f;
  };
  const m = Object.fromEntries(Object.entries(METRICS).map(([k, d]) => [k, family(d)])) as Record<keyof typeof METRICS, Family>;
  // Counted once per turn of the event loop (later.ts); a scrape counts what is pending first.
  const decisions = new Later<DecisionSample>((ds) => {
    for (const d of ds) {
      m.decisions.child([d.endpoint, d.mode, d.scheme, String(d.version), d.status, d.resolution ?? '', d.route ?? '']).inc();
      m.decisionSeconds.child([d.endpoint, d.scheme]).observe(d.seconds);
    }
  });
  const requests = new Later<HttpSample>((rs) => {
    for (const r of rs) {
      m.httpRequests.child([r.method, r.endpoint, String(r.code)]).inc();
      m.httpSeconds.child([r.method, r.endpoint]).observe(r.seconds);
    }
  });
  return {
    enabled: true,
    decision: (d) => decisions.add(d),
    http: (method, endpoint, code, seconds) => requests.add({ method, endpoint, code, seconds }),
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
    exposition: async () => {
      decisions.flush();
      requests.flush();
      return { text: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
