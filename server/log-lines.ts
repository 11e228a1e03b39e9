// Where the log lines go: held as strings and written to a file descriptor 64 KiB at a time, one
// write in flight, off the event loop (fs.write runs in libuv's pool). A write of a few lines each
// costs more than the line (a pool round trip each); a string re-encoded after a partial write (as
// sonic-boom's string mode does) costs again, so a chunk is encoded once and its unwritten tail
// kept as bytes. When the reader stops draining, what is held is capped; later lines are dropped
// and counted, and the count is reported once lines flow again.
import { write, writeSync } from 'node:fs';

/** Held text that starts a write (unless the flush timer comes first). */
const CHUNK = 64 * 1024;

export interface LineSinkOptions {
  readonly fd: number;
  /** Characters held before lines are dropped. */
  readonly maxHeld: number;
  /** Called with the lines dropped since the last call, once the sink has room again. */
  readonly onDropped?: (count: number) => void;
}

/** Sinks whose held lines are written at exit (weakly held: a sink dropped with its service goes). */
const atExit = new Set<WeakRef<LineSink>>();

export class LineSink {
  private parts: string[] = [];
  private held = 0;
  private writing = false;
  private dropped = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly o: LineSinkOptions) {
    atExit.add(new WeakRef(this));
    if (atExit.size === 1) process.once('exit', () => atExit.forEach((s) => s.deref()?.flushSync()));
  }

  /** pino's destination interface: one serialized line, newline included. */
  write(line: string): void {
    if (this.held + line.length > this.o.maxHeld) {
      this.dropped++;
      return;
    }
    this.parts.push(line);
    this.held += line.length;
    if (this.held >= CHUNK) this.start();
  }

  /** Writes what is held; `done` runs once it is written (or could not be). */
  flush(done?: () => void): void {
    if (done) this.waiting.push(done);
    this.start();
  }

  /** What is held, written at once (at exit, when no write is in flight). */
  flushSync(): void {
    if (this.writing || !this.held) return;
    const text = this.take();
    try {
      writeSync(this.o.fd, text);
    } catch {
      // stdout gone at exit: nothing left to tell.
    }
  }

  private start(): void {
    if (this.writing) return;
    if (!this.held) return this.settle();
    this.writing = true;
    this.send(Buffer.from(this.take()));
  }

  private take(): string {
    const text = this.parts.join('');
    this.parts = [];
    this.held = 0;
    return text;
  }

  private send(bytes: Buffer): void {
    write(this.o.fd, bytes, 0, bytes.length, null, (error, n) => {
      if (error?.code === 'EAGAIN') return void setTimeout(() => this.send(bytes), 10);
      // Any other error (stdout closed) drops the chunk: logging must never stop the service.
      if (!error && n < bytes.length) return this.send(bytes.subarray(n));
      this.writing = false;
      this.reportDrops();
      if (this.held >= CHUNK || this.waiting.length) this.start();
    });
  }

  private settle(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const done of waiting) done();
  }

  private reportDrops(): void {
    if (!this.dropped || !this.o.onDropped) return;
    const count = this.dropped;
    this.dropped = 0;
    this.o.onDropped(count);
  }
}
