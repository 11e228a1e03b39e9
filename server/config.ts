// The service's configuration from the environment: every variable `sluice serve` reads is
// listed here once, with its default and meaning (README's table is checked against this list),
// and read into checked values in one place.
import { SHUTDOWN_TIMEOUT_MS } from './drain.js';

export interface Variable {
  readonly name: string;
  /** As written in the environment; undefined: none (generated, or off). */
  readonly default: string | undefined;
  readonly meaning: string;
}

export const VARIABLES = [
  { name: 'PORT', default: '8080', meaning: 'the port (`--port N` overrides it)' },
  { name: 'HOST', default: '127.0.0.1', meaning: 'the address to listen on (`0.0.0.0` for every interface)' },
  { name: 'SLUICE_DATA_DIR', default: './data', meaning: "PGlite's directory (without DATABASE_URL)" },
  { name: 'DATABASE_URL', default: undefined, meaning: '`postgres://user@host:5432/db`: PostgreSQL instead of PGlite; several instances can share one database' },
  { name: 'SLUICE_ADMIN_KEY', default: undefined, meaning: 'the key that manages API keys (generated for the run when unset)' },
  { name: 'SLUICE_WORKERS', default: '1', meaning: 'node:cluster processes sharing the port (more than 1 needs DATABASE_URL)' },
  { name: 'SLUICE_RATE_LIMIT', default: '2000', meaning: 'requests per second per API key (bursts of twice that)' },
  { name: 'SLUICE_RECOVERY_AFTER_MS', default: '30000', meaning: "a payout request's runner lease: a runner silent this long is taken over" },
  { name: 'SLUICE_POLL_BASE_MS', default: '1000', meaning: 'the first status query of a sent, pending or unknown payout waits this long, each later one twice as long (up to 5 minutes)' },
  { name: 'SLUICE_LOG_LEVEL', default: 'info', meaning: '`trace`, `debug`, `info` (a line per request and per payout step), `warn`, `error`, `fatal` or `silent`' },
  { name: 'SLUICE_METRICS', default: 'on', meaning: '`off` turns the metrics off (`/metrics` answers 404, nothing is counted)' },
  { name: 'SLUICE_METRICS_TOKEN', default: undefined, meaning: '`GET /metrics` takes this bearer token as well as the admin key' },
  { name: 'SLUICE_DECISION_LOG', default: undefined, meaning: 'where the decision log goes: a file path (NDJSON appended) or an `http(s)://` URL (NDJSON POSTed in batches); unset: no decision log' },
  { name: 'SLUICE_DECISION_LOG_SAMPLE', default: '1', meaning: 'the share of decisions logged, from 0 to 1' },
  { name: 'SLUICE_DECISION_LOG_BUFFER', default: '10000', meaning: 'decisions held for the sink at most (and 64 MiB); past that they are dropped and counted' },
  { name: 'SLUICE_DECISION_LOG_FLUSH_MS', default: '1000', meaning: 'how often the held decisions are sent (and at 500 held)' },
  { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', default: undefined, meaning: 'an OTLP/HTTP collector (`http://collector:4318`): spans of each request, its decisions, database queries and provider calls go to its `/v1/traces`; unset: no spans, and the tracing code is not loaded' },
  { name: 'SLUICE_SHUTDOWN_TIMEOUT_MS', default: String(SHUTDOWN_TIMEOUT_MS), meaning: 'on SIGTERM, how long requests in flight get to finish before the process hands its leases back and exits' },
] as const satisfies readonly Variable[];

export type VariableName = (typeof VARIABLES)[number]['name'];

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The environment read and checked; `errors` names each variable that could not be read. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly adminKey: string | undefined;
  readonly workers: number;
  readonly rateLimit: number;
  readonly recoverAfterMs: number;
  readonly pollBaseMs: number;
  readonly logLevel: LogLevel;
  readonly metrics: boolean;
  readonly metricsToken: string | undefined;
  readonly decisionLog: string | undefined;
  readonly decisionLogSample: number;
  readonly decisionLogBuffer: number;
  readonly decisionLogFlushMs: number;
  readonly otlpEndpoint: string | undefined;
  readonly shutdownTimeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULTS: Readonly<Record<VariableName, string | undefined>> = Object.fromEntries(VARIABLES.map((v) => [v.name, v.default])) as Record<VariableName, string | undefined>;

/** Reads every variable; a bad value is an error naming it, never a silent default. */
export function readConfig(env: Env): { config: Config; errors: string[] } {
  const errors: string[] = [];
  const text = (name: VariableName): string | undefined => env[name] || DEFAULTS[name];
  const whole = (name: VariableName, min: number, max: number): number => {
    const t = text(name) ?? '';
    const n = /^\d{1,10}$/.test(t) ? Number(t) : NaN;
    if (n >= min && n <= max) return n;
    errors.push(`${name} must be a whole number from ${min} to ${max}, not '${t}'`);
    return Number(DEFAULTS[name]);
  };
  const oneOf = <T extends string>(name: VariableName, values: readonly T[]): T => {
    const t = text(name) as T;
    if (values.includes(t)) return t;
    errors.push(`${name} must be one of ${values.join(', ')}, not '${t}'`);
    return DEFAULTS[name] as T;
  };
  const share = (name: VariableName): number => {
    const t = text(name) ?? '';
    const n = /^(0(\.\d+)?|1(\.0*)?)$/.test(t) ? Number(t) : NaN;
    if (Number.isNaN(n)) errors.push(`${name} must be a number from 0 to 1, not '${t}'`);
    return Number.isNaN(n) ? 1 : n;
  };
  const config: Config = {
    port: whole('PORT', 0, 65535),
    host: text('HOST')!,
    dataDir: text('SLUICE_DATA_DIR')!,
    databaseUrl: text('DATABASE_URL'),
    adminKey: text('SLUICE_ADMIN_KEY'),
    workers: whole('SLUICE_WORKERS', 1, 256),
    rateLimit: whole('SLUICE_RATE_LIMIT', 1, 1_000_000_000),
    recoverAfterMs: whole('SLUICE_RECOVERY_AFTER_MS', 1, 86_400_000),
    pollBaseMs: whole('SLUICE_POLL_BASE_MS', 1, 3_600_000),
    logLevel: oneOf('SLUICE_LOG_LEVEL', LOG_LEVELS),
    metrics: oneOf('SLUICE_METRICS', ['on', 'off'] as const) === 'on',
    metricsToken: text('SLUICE_METRICS_TOKEN'),
    decisionLog: text('SLUICE_DECISION_LOG'),
    decisionLogSample: share('SLUICE_DECISION_LOG_SAMPLE'),
    decisionLogBuffer: whole('SLUICE_DECISION_LOG_BUFFER', 1, 1_000_000),
    decisionLogFlushMs: whole('SLUICE_DECISION_LOG_FLUSH_MS', 10, 3_600_000),
    otlpEndpoint: text('OTEL_EXPORTER_OTLP_ENDPOINT'),
    shutdownTimeoutMs: whole('SLUICE_SHUTDOWN_TIMEOUT_MS', 0, 3_600_000),
  };
  return { config, errors };
}
