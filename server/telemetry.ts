// What the service tells its operators: JSON log lines (pino, on stdout), Prometheus metrics,
// and decisions named, counted and logged. Made once per service and handed to the parts that
// report; off (metrics off, level silent, no decision log), each costs a check and nothing more.
import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';
import { DecisionLog, type DecisionLogOptions } from './decision-log.js';
import { LineSink } from './log-lines.js';
import { Later } from './later.js';
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

/** One request's log line, in the logger's format (request-log.ts fills it). */
export interface RequestLine {
  readonly reqId: string;
  readonly traceparent: string | undefined;
  readonly method: string;
  readonly endpoint: string;
  readonly path: string;
  readonly status: number;
  /** From arrival to the end of the answer; the line keeps it to the microsecond. */
  readonly ms: number;
  readonly client: string | undefined;
  /** When the answer ended, in epoch milliseconds. */
  readonly time: number;
}

export interface Telemetry {
  readonly logger: Logger;
  /** Writes a request's line when the level takes `info`: the line pino would write, built without pino (a line per request). */
  readonly request: (line: RequestLine) => void;
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
const HELD_BYTES = 16 * 1024 * 1024;

const BASE = { pid: process.pid, hostname: hostname(), service: 'sluice' };

/**
 * pino's own format (numeric `level`, `time` in epoch ms): a label and an ISO time cost a
 * microsecond more per line. Lines go to stdout in 64 KiB writes (log-lines.ts).
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return loggerTo(level, destination).logger;
}

function loggerTo(level: LogLevel, destination?: DestinationStream): { logger: Logger; out: DestinationStream } {
  const options = { level, base: BASE };
  if (destination) return { logger: pino(options, destination), out: destination };
  const sink = new LineSink({ fd: 1, maxHeld: HELD_BYTES, onDropped: (dropped) => logger.warn({ dropped }, 'log lines dropped: stdout did not drain') });
  const logger = pino(options, sink);
  setInterval(() => sink.flush(), FLUSH_MS).unref();
  return { logger, out: sink };
}

/** `{"level":30,"time":`: what every info line starts with, then the time and BASE's fields. */
const INFO_LEVEL = `{"level":${pino.levels.values['info']},"time":`;
const BASE_FIELDS = `,"pid":${BASE.pid},"hostname":${JSON.stringify(BASE.hostname)},"service":"sluice"`;

/** The request line as pino writes `logger.info(fields, 'request')`, about a tenth of its cost. */
/** Printable ASCII but `"` and `\`: written as they are between quotes, as JSON.stringify would (at a tenth of its cost). */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const str = (s: string): string => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

/** `.5`, `.005`…: a thousandth of a millisecond's digits as JSON writes them (trailing zeros dropped), by index. */
const THOUSANDTHS = Array.from({ length: 1000 }, (_, i) => (i === 0 ? '' : `.${String(i).padStart(3, '0').replace(/0+$/, '')}`));

/** A duration in milliseconds, to the microsecond, as JSON.stringify writes it: small integers' texts are cached, a double's digits are not. */
export function msText(ms: number): string {
  const us = Math.round(ms * 1000);
  return us >= 0 && us < 2 ** 31 ? `${(us / 1000) | 0}${THOUSANDTHS[us % 1000]}` : JSON.stringify(us / 1000);
}

/** Request lines, written once per turn of the event loop (later.ts); `time` is when the request ended. */
function requestLines(out: DestinationStream): Later<RequestLine> {
  // The line's start up to its request id, made again only when the time (in milliseconds) moves.
  let time = NaN;
  let head = '';
  return new Later((lines) => {
    for (const l of lines) {
      if (l.time !== time) head = `${INFO_LEVEL}${(time = l.time)}${BASE_FIELDS},"req_id":`;
      const trace = l.traceparent === undefined ? '' : `,"traceparent":${str(l.traceparent)}`;
      // Written as they are: the method is an HTTP token (Node's parser accepts no other), the
      // endpoint a route pattern of ours, the client an IP address. The rest may come from the caller.
      const client = l.client === undefined ? '' : `,"client":"${l.client}"`;
      out.write(
        `${head}${str(l.reqId)}${trace},"method":"${l.method}","endpoint":"${l.endpoint}","path":${str(l.path)},"status":${l.status},"ms":${msText(l.ms)}${client},"msg":"request"}\n`,
      );
    }
  });
}

export async function createTelemetry(o: TelemetryOptions = {}): Promise<Telemetry> {
  const { logger, out } = loggerTo(o.logLevel ?? 'info', o.logDestination);
  const lines = requestLines(out);
  const metrics = o.metrics === false ? NO_METRICS : createMetrics();
  const decisionLog = o.decisionLog && new DecisionLog(o.decisionLog, metrics, (line) => logger.warn(line));
  const tracing = o.otlpEndpoint ? await startTracing(o.otlpEndpoint, o.otlpFlushMs) : NO_TRACING;
  return {
    logger,
    request: (line) => {
      if (logger.isLevelEnabled('info')) lines.add(line);
    },
    metrics,
    decisions: new Decisions(metrics, decisionLog, tracing),
    tracing,
    step: (payoutRequest, step, fields) => {
      if (logger.isLevelEnabled('info')) logger.info({ payout_request: payoutRequest, step, ...fields }, 'payout step');
    },
    close: async (withinMs) => {
      await decisionLog?.close(withinMs);
      await within(withinMs, tracing.close());
      lines.flush();
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}
