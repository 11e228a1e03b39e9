// Bodies for POST /v1/schemes/{name}/decide-batch and a check of its answers, for the HTTP
// bench: decisions/s there is requests/s times the batch size.
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

/** The NDJSON body (send it as application/x-ndjson; version and trace go in the query). */
export function ndjsonBatchBody(requests: readonly unknown[], size = requests.length): string {
  return repeated(requests, size).map((r) => `${JSON.stringify(r)}\n`).join('');
}

const ROUTED = /"status":"routed","route"/g;

/** A verify for either format: the answer holds `size` routed decisions. */
export const allRouted =
  (size: number) =>
  (answer: string): boolean =>
    (answer.match(ROUTED)?.length ?? 0) === size;
