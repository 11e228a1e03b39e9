// What one decide-batch call may hold: its requests, its body, one NDJSON line.

/** Requests in one batch, in either format. */
export const MAX_BATCH = 10_000;

/** A JSON batch's body: 10,000 requests of about 1.6 KB each. */
export const MAX_BATCH_BODY = 16 * 1024 * 1024;

/** One NDJSON line (one request). */
export const MAX_LINE = 64 * 1024;
