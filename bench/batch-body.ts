// Bodies for POST /v1/schemes/{name}/decide-batch, for the HTTP bench: decisions/s there is
// requests/s times the batch size.
import { MAX_BATCH } from '../server/batch-limits.js';

export interface BatchOptions {
  readonly state?: Record<string, unknown>;
  readonly version?: number;
  readonly trace?: boolean;
}

/** `size` requests (at most MAX_BATCH), taking `requests` in turn. */
function repeated(requests: readonly unknown[], size: number): unknown[] {
  if (size > MAX_BATCH) throw new Error(`a batch is at most ${MAX_BATCH} requests`);
  return Array.from({ length: size }, (_, i) => requests[i % requests.length]);
}

/** The JSON body: `size` requests (default: each once) and the options. */
export function batchBody(requests: readonly unknown[], size = requests.length, options: BatchOptions = {}): string {
  return JSON.stringify({ requests: repeated(requests, size), ...options });
}
