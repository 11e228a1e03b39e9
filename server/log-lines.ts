// Where the log lines go: encoded as they come into 64 KiB buffers and written to a file
// descriptor a buffer at a time, one write in flight, off the event loop (fs.write runs in libuv's
// pool). A write of a few lines each costs more than the line (a pool round trip each); joining
// held strings and encoding the result costs a microsecond a line again, and a string re-encoded
// after a partial write (as sonic-boom's string mode does) costs once more, so each line is
// encoded once, into place. When the reader stops draining, what is held is capped; later lines
// are dropped and counted, and the count is reported once lines flow again.
import { write, writeSync } from 'node:fs';

/** A buffer's size: a full one is written (unless the flush timer comes first). */
const CHUNK = 64 * 1024;

export interface LineSinkOptions {
  readonly fd: number;
  /** Bytes held before lines are dropped. */
  readonly maxHeld: number;
  /** Called with the lines dropped since the last call, once the sink has room again. */
  readonly onDropped?: (count: number) => void;
}

/** Sinks whose held lines are written at exit (weakly held: a sink dropped with its service goes). */
const atExit = new Set<WeakRef<LineSink>>();

export class LineSink {
  /** Buffers filled and waiting for their write, oldest first. */
  private full: Buffer[] = [];
  /** The buffer lines are encoded into, and how much of it they use. */
  private current = Buffer.allocUnsafe(CHUNK);
  private used = 0;
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
    // UTF-8 takes at most three bytes per UTF-16 unit; a line that may not fit starts a buffer.
    const most = line.length * 3;
    if (this.used + most > this.current.length) {
      this.seal();
      if (most > CHUNK) this.current = Buffer.allocUnsafe(most);
      this.start();
    }
    const n = this.current.write(line, this.used);
    this.used += n;
    this.held += n;
  }

  /** Writes what is held; `done` runs once it is written (or could not be). */
  flush(done?: () => void): void {
    if (done) this.waiting.push(done);
    this.seal();
    this.start();
  }

  /** What is held, written at once (at exit, when no write is in flight). */
  flushSync(): void {
    if (this.writing) return;
    this.seal();
    try {
      for (const bytes of this.full) writeSync(this.o.fd, bytes);
    } catch {
      // stdout gone at exit: nothing left to tell.
    }
    this.full = [];
    this.held = 0;
  }

  /** The current buffer's lines join those waiting; later lines go to a new buffer. */
  private seal(): void {
    if (!this.used) return;
    this.full.push(this.current.subarray(0, this.used));
    this.current = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
  }

  private start(): void {
    if (this.writing) return;
    const bytes = this.full.shift();
    if (!bytes) return this.settle();
    this.writing = true;
    this.send(bytes, bytes.length);
  }

  private send(bytes: Buffer, size: number): void {
    write(this.o.fd, bytes, 0, bytes.length, null, (error, n) => {
      if (error?.code === 'EAGAIN') return void setTimeout(() => this.send(bytes, size), 10);
      // Any other error (stdout closed) drops the chunk: logging must never stop the service.
      if (!error && n < bytes.length) return this.send(bytes.subarray(n), size);
      this.writing = false;
      this.held -= size;
      this.reportDrops();
      this.start();
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
