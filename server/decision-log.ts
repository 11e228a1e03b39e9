// The decision log, as OPA's: each sampled decision as one NDJSON line (id, scheme, version,
// input, result, trace when the decision has one), held in a bounded buffer and sent in batches to
// a file or an HTTP sink off the request path. A sink that fails or is slow never holds up or fails
// a decision: while a batch is out, decisions go on into the buffer, and when it is full they are
// dropped and counted (sluice_decision_log_total{outcome="buffer_full"}).
import { appendFile } from 'node:fs/promises';
import { within } from './awaitable.js';
import type { Metrics } from './metrics.js';

export interface DecisionLogOptions {
  /** A file path (lines appended) or an http(s):// URL (batches POSTed as application/x-ndjson). */
  readonly target: string;
  /** The share of decisions logged, 0 to 1. */
  readonly sample: number;
  /** Entries held at most (and BUFFER_BYTES). */
  readonly buffer: number;
  /** How often held entries are sent; a full batch is sent at once. */
  readonly flushMs: number;
  /** One send, its answer included (default 5 s). */
  readonly timeoutMs?: number;
}

/** Entries per send. */
export const BATCH = 500;
/** Bytes held at most, whatever the entry count. */
const BUFFER_BYTES = 64 * 1024 * 1024;

type Sink = (ndjson: string) => Promise<void>;

function sinkOf(target: string, timeoutMs: number): Sink {
  if (!/^https?:\/\//i.test(target)) return (text) => appendFile(target, text);
  return async (text) => {
    const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: text, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`the decision log sink answered ${res.status}`);
  };
}

export class DecisionLog {
  private held: string[] = [];
  private bytes = 0;
  private sending: Promise<void> | undefined;
  private readonly sink: Sink;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly o: DecisionLogOptions,
    private readonly metrics: Metrics,
    private readonly log: (line: string) => void,
    private readonly random: () => number = Math.random,
  ) {
    this.sink = sinkOf(o.target, o.timeoutMs ?? 5_000);
    this.timer = setInterval(() => void this.flush(), o.flushMs);
    this.timer.unref();
  }

  /** Whether this decision is to be logged (the sample rate's draw). */
  sampled(): boolean {
    return this.o.sample >= 1 || (this.o.sample > 0 && this.random() < this.o.sample);
  }

  /** Holds the entry, or drops and counts it when the buffer is full; never waits. */
  add(entry: Record<string, unknown>): void {
    const line = `${JSON.stringify(entry)}\n`;
    if (this.held.length >= this.o.buffer || this.bytes + line.length > BUFFER_BYTES) return this.metrics.decisionLog('buffer_full', 1);
    this.held.push(line);
    this.bytes += line.length;
    if (this.held.length >= BATCH) void this.flush();
  }

  /** Sends what is held, a batch at a time, one send at once; resolves when this round ended. */
  flush(): Promise<void> {
    return (this.sending ??= this.sendAll().finally(() => (this.sending = undefined)));
  }

  private async sendAll(): Promise<void> {
    while (this.held.length) {
      const batch = this.held.splice(0, BATCH);
      const text = batch.join('');
      this.bytes -= text.length;
      try {
        await this.sink(text);
        this.metrics.decisionLog('sent', batch.length);
      } catch (e) {
        this.requeue(batch, text.length);
        this.log(`decision log: ${e instanceof Error ? e.message : String(e)}`);
        return; // the next round is the timer's
      }
    }
  }

  /** A batch the sink refused goes back in front when there is room; else it is dropped and counted. */
  private requeue(batch: string[], size: number): void {
    if (this.held.length + batch.length > this.o.buffer || this.bytes + size > BUFFER_BYTES) return this.metrics.decisionLog('sink_error', batch.length);
    this.held = batch.concat(this.held);
    this.bytes += size;
  }

  /** Stops the timer and sends what is held, for at most `withinMs`. */
  async close(withinMs: number): Promise<void> {
    clearInterval(this.timer);
    await within(withinMs, (this.sending ?? Promise.resolve()).then(() => this.flush()));
  }
}
