// Compiled versions, least recently used first out, within a byte budget. A compiled scheme's
// heap is estimated from its source's length (bench/compile-isolation.ts measures it); a
// version evicted is compiled again when next asked for.
import type { CompiledScheme } from '../compiler/compile.js';

/** Estimated heap per source character of a compiled scheme: measured 53 with its traced program built. */
export const BYTES_PER_SOURCE_CHAR = 56;

/** The default budget: 256 MiB of compiled schemes, four 1 MB sources. */
export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

interface Entry {
  readonly scheme: CompiledScheme;
  readonly bytes: number;
}

export class CompiledCache {
  /** In use order, least recent first (a Map keeps insertion order; a hit re-inserts). */
  private readonly entries = new Map<string, Entry>();
  private held = 0;

  constructor(readonly budget: number = DEFAULT_CACHE_BYTES) {}

  /** The estimated bytes held: never over the budget. */
  get bytes(): number {
    return this.held;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CompiledScheme | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.scheme;
  }

  /** Keeps `scheme` unless it alone is over the budget, evicting the least recently used to make room. */
  set(key: string, scheme: CompiledScheme, sourceChars: number): void {
    this.delete(key);
    const bytes = sourceChars * BYTES_PER_SOURCE_CHAR;
    if (bytes > this.budget) return;
    for (const [k] of this.entries) {
      if (this.held + bytes <= this.budget) break;
      this.delete(k);
    }
    this.entries.set(key, { scheme, bytes });
    this.held += bytes;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.held -= entry.bytes;
  }
}
