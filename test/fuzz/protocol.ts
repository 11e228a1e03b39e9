// What test/fuzz/main.ts and test/fuzz/worker.ts pass each other.
import type { STATS } from './invariants.js';
import type { PropertyName } from './properties.js';

export interface WorkerConfig {
  readonly seed: number;
  readonly seconds: number;
  readonly batch: number;
  readonly properties: readonly PropertyName[];
  /** `NAME:SEED:PATH`: replay one failure instead of fuzzing. */
  readonly replay: string | undefined;
  /** [inputs tried, bytes of the current input], then the input's UTF-8 bytes. */
  readonly shared: SharedArrayBuffer;
}

export type WorkerMessage =
  | { readonly type: 'round'; readonly name: PropertyName; readonly seed: number; readonly runs: number; readonly ms: number; readonly stats: typeof STATS }
  | { readonly type: 'fail'; readonly name: PropertyName; readonly seed: number; readonly path: string; readonly report: string }
  | { readonly type: 'done' };

export const HEADER_BYTES = 8;
