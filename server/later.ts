// Per-request bookkeeping (a log line, the metrics) done once per turn of the event loop for all
// the requests answered in it, rather than inside each request: the same work in a short loop
// over many items runs on warm caches, where one item at a time between the parser, the router
// and the decision runs cold (the overhead section of the benchmarks). Nothing waits longer than
// the current turn; a reader (a scrape, a shutdown) calls flush first.
export class Later<T> {
  private pending: T[] = [];

  constructor(private readonly run: (items: readonly T[]) => void) {}

  add(item: T): void {
    if (this.pending.push(item) === 1) setImmediate(this.flush);
  }

  readonly flush = (): void => {
    const items = this.pending;
    if (items.length === 0) return;
    this.pending = [];
    this.run(items);
  };
}
