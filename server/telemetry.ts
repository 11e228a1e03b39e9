// What the service tells its operators: JSON log lines (pino, on stdout), Prometheus metrics,
// and decisions named, counted and logged. Made once per service and handed to the parts that
// report; off (metrics off, level silent, no decision log), each costs a check and nothing more.
import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';
import { DecisionLog, type DecisionLogOptions } from './decision-log.js';
import { LineSink } from './log-lines.js';
import { Decisions } from './decisions.js';
import { within } from './awaitable.js';
import { createMetrics, NO_METRICS, type Metrics } from './metrics.js';
import { NO_TRACING, startTracing, type Tracing } from './tracing.js';

export interface TelemetryOptions {
  /** Default `info`. */
  readonly logLevel?: LogLevel;
  /** Where log lines go (default stdout). */
  readonly logDestination?: DestinationStream;
  /** Default true. */
  readonly metrics?: boolean;
  readonly decisionLog?: DecisionLogOptions;
  /** An OTLP/HTTP collector to export spans to; without it, no tracing at all. */
  readonly otlpEndpoint?: string;
  /** How often held spans are exported (default 5 s). */
  readonly otlpFlushMs?: number;
}

export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly decisions: Decisions;
  readonly tracing: Tracing;
  /** One JSON line for a step of a payout request's run (or of a payout made without one). */
  step(payoutRequest: string | null, step: string, fields: Record<string, unknown>): void;
  /** Sends the decision log's held entries (for at most `withinMs`) and flushes the log lines. */
  close(withinMs: number): Promise<void>;
}

/** Held lines are written at least this often. */
const FLUSH_MS = 1_000;
/** What stdout may hold back when it does not drain; past that, lines are dropped (and counted). */
const HELD_CHARS = 16 * 1024 * 1024;

/**
 * pino's own format (numeric `level`, `time` in epoch ms): a label and an ISO time cost a
 * microsecond more per line. Lines go to stdout in 64 KiB writes (log-lines.ts).
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = { level, base: { pid: process.pid, hostname: hostname(), service: 'sluice' } };
  if (destination) return pino(options, destination);
  const sink = new LineSink({ fd: 1, maxHeld: HELD_CHARS, onDropped: (dropped) => logger.warn({ dropped }, 'log lines dropped: stdout did not drain') });
  const logger = pino(options, sink);
  setInterval(() => sink.flush(), FLUSH_MS).unref();
  return logger;
}

export async function createTelemetry(o: TelemetryOptions = {}): Promise<Telemetry> {
  const logger = createLogger(o.logLevel ?? 'info', o.logDestination);
  const metrics = o.metrics === false ? NO_METRICS : createMetrics();
  const decisionLog = o.decisionLog && new DecisionLog(o.decisionLog, metrics, (line) => logger.warn(line));
  const tracing = o.otlpEndpoint ? await startTracing(o.otlpEndpoint, o.otlpFlushMs) : NO_TRACING;
  return {
    logger,
    metrics,
    decisions: new Decisions(metrics, decisionLog, tracing),
    tracing,
    step: (payoutRequest, step, fields) => {
      if (logger.isLevelEnabled('info')) logger.info({ payout_request: payoutRequest, step, ...fields }, 'payout step');
    },
    close: async (withinMs) => {
      await decisionLog?.close(withinMs);
      await within(withinMs, tracing.close());
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}
