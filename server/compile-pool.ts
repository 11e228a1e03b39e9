// Checks sources in worker threads, so no source can hold the event loop: a bounded number of
// workers, a bounded queue (503 when full) and a deadline per source (503 past it, and the
// worker running it is replaced).
//
// A worker answers with diagnostics and settings only, never a CompiledScheme: that holds
// functions made by `new Function`, which cannot cross threads. The check is the part whose
// cost a source's shape can blow up; code generation is linear in the source and is done on the
// request thread when a version is first used for a decision (Schemes.resolve). So a save or a
// /v1/compile never generates code; the first decision of a large version pays for it.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SchemeSettings } from '../runtime/types.js';
import { Problem } from './problem.js';

export interface CheckJob {
  readonly id: number;
  readonly source: string;
}

export interface CheckReply {
  readonly id: number;
  /**
   * The DiagnosticJSON[] as JSON text, which answers embed as it is: tens of thousands of
   * diagnostic objects cost the request thread ~50 ms to receive, their text a few.
   */
  readonly diagnostics: string;
  readonly errors: number;
  /** Present when the source has no errors. */
  readonly settings?: SchemeSettings;
}

export interface CompilePoolOptions {
  /** Worker threads (default: the cores less one, at least one). */
  readonly workers?: number;
  /** Sources waiting for a worker beyond those running (default 8); past it, 503. */
  readonly queue?: number;
  /** From the moment a source is submitted (default 20 s: a 2 MB source checks in 1–6 s on a busy 2-core machine); past it, 503. */
  readonly deadlineMs?: number;
  /** Each worker's old-generation heap (default 1,024 MiB): a worker that needs more is ended, not the process. */
  readonly heapMb?: number;
}

interface Job extends CheckJob {
  resolve(reply: CheckReply): void;
  reject(problem: Problem): void;
  timer: NodeJS.Timeout;
}

interface Slot {
  readonly worker: Worker;
  job: Job | null;
}

// From the TypeScript sources (vitest), the worker is the compiled one in dist/: run `tsc` first.
const WORKER = import.meta.url.endsWith('.ts') ? new URL('../dist/server/compile-worker.js', import.meta.url) : new URL('./compile-worker.js', import.meta.url);

const busy = (detail: string): Problem => new Problem(503, 'compile-unavailable', detail);

export class CompilePool {
  private readonly size: number;
  private readonly queueSize: number;
  private readonly deadlineMs: number;
  private readonly heapMb: number;
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: CompilePoolOptions = {}) {
    this.size = Math.max(1, options.workers ?? availableParallelism() - 1);
    this.queueSize = options.queue ?? 8;
    this.deadlineMs = options.deadlineMs ?? 20_000;
    this.heapMb = options.heapMb ?? 1024;
  }

  /** The source's diagnostics (and settings when clean), checked in a worker; rejects with 503 problems. */
  check(source: string): Promise<CheckReply> {
    if (this.closed) return Promise.reject(busy('the service is shutting down'));
    if (this.waiting.length >= this.queueSize && !this.idleSlot()) {
      return Promise.reject(busy(`${this.size + this.queueSize} sources are being checked already; try again shortly`));
    }
    return new Promise<CheckReply>((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => this.expire(id), this.deadlineMs);
      this.waiting.push({ id, source, resolve, reject, timer });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) this.settle(job, busy('the service is shutting down'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    for (let slot = this.idleSlot(); slot && this.waiting.length; slot = this.idleSlot()) {
      const job = this.waiting.shift()!;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, source: job.source } satisfies CheckJob);
    }
  }

  /** A worker with nothing to do, started if fewer than `size` run. */
  private idleSlot(): Slot | undefined {
    const idle = this.slots.find((s) => s.job === null);
    if (idle || this.slots.length >= this.size || this.closed) return idle;
    return this.spawn();
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER, { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
    const slot: Slot = { worker, job: null };
    // Idle workers do not keep the process alive.
    worker.unref();
    worker.on('message', (reply: CheckReply) => {
      const job = slot.job;
      if (job?.id !== reply.id) return;
      slot.job = null;
      this.settle(job, reply);
      this.dispatch();
    });
    // Out of heap, or any other end: the source it ran is refused, and the worker replaced.
    worker.on('error', () => this.lose(slot, new Problem(422, 'scheme-too-complex', 'the scheme could not be checked within the memory a check may use')));
    worker.on('exit', () => this.lose(slot, busy('the checker stopped; try again')));
    this.slots.push(slot);
    return slot;
  }

  private lose(slot: Slot, problem: Problem): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    if (slot.job) this.settle(slot.job, problem);
    slot.job = null;
    void slot.worker.terminate();
    this.dispatch();
  }

  /** Past its deadline: dropped from the queue, or its worker ended (a check cannot be interrupted otherwise). */
  private expire(id: number): void {
    const problem = busy(`the scheme could not be checked within ${this.deadlineMs / 1000} s; try again shortly`);
    const queued = this.waiting.findIndex((j) => j.id === id);
    if (queued >= 0) return this.settle(this.waiting.splice(queued, 1)[0]!, problem);
    const slot = this.slots.find((s) => s.job?.id === id);
    if (slot) this.lose(slot, problem);
  }

  private settle(job: Job, outcome: CheckReply | Problem): void {
    clearTimeout(job.timer);
    if (outcome instanceof Problem) job.reject(outcome);
    else job.resolve(outcome);
  }
}
