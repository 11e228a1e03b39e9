// Deciding many requests in one call: one version and one parsed state for the whole batch,
// answers in request order, each invalid request answered in its place. The answer is written as
// it is made, in pieces, with a turn of the event loop between pieces so other requests go on.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { decideParsedState, type DecidableScheme, type InvalidRequest } from '../runtime/decide-request.js';
import type { StateResult } from '../runtime/state.js';
import type { Decision } from '../runtime/types.js';
import type { ValidationError } from '../runtime/validation.js';
import { MAX_BATCH, MAX_LINE } from './batch-limits.js';
import { decisionAnswer, type NamedDecision } from './decisions.js';
import { parseJsonText } from './http.js';
import type { Line } from './ndjson.js';
import { Problem } from './problem.js';

/** Decisions between two turns of the event loop (about 2 ms untraced on the example schemes). */
const CHUNK = 500;

/** Characters of answer in one piece: a traced answer is written before 500 decisions are made. */
const PIECE = 1024 * 1024;

export type DecideOne = (request: unknown) => Decision | InvalidRequest;

/** As DecideOne, each decision named (decisions.ts): its answer carries `decision_id`. */
export type DecideNamed = (request: unknown) => NamedDecision | InvalidRequest;

/** Decides on one parsed state; a state with errors refuses the whole batch (422), as it would each request. */
export function batchDecider(scheme: DecidableScheme, parsed: StateResult, trace: boolean): DecideOne {
  if (parsed.errors.length) {
    const errors = parsed.errors.map((message) => ({ path: '/state', message }));
    throw new Problem(422, 'invalid-request', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  const options = { trace };
  return (request) => decideParsedState(scheme, request, parsed, options);
}

/** A decision as the single decide answers it (without the version, said once for the batch), or the request's errors. */
function answerJson(d: NamedDecision | InvalidRequest): Record<string, unknown> | InvalidRequest {
  return d.status === 'invalid' ? { status: 'invalid', errors: d.errors } : decisionAnswer(d);
}

const full = (count: number, text: string): boolean => count >= CHUNK || text.length >= PIECE;

/** `{"version": n, "data": [answer, …]}`, written a piece at a time. */
export function jsonBatch(version: number, requests: readonly unknown[], decideOne: DecideNamed): Response {
  async function* pieces(): AsyncGenerator<string> {
    let text = `{"version":${version},"data":[`;
    let count = 0;
    for (let i = 0; i < requests.length; i++) {
      text += (i ? ',' : '') + JSON.stringify(answerJson(decideOne(requests[i])));
      if (full(++count, text)) {
        yield text;
        [text, count] = ['', 0];
        await nextTurn();
      }
    }
    yield `${text}]}`;
  }
  return streamed(pieces(), 'application/json');
}

/**
 * One answer line per input line, in order; a line that is not a JSON request is an error object
 * with its line number. The answers to a chunk of input are written when it is read. Past
 * MAX_BATCH lines, one more error line and the end: the rest is not read.
 */
export function ndjsonBatch(batches: AsyncIterable<Line[]>, decideOne: DecideNamed): Response {
  async function* pieces(): AsyncGenerator<string> {
    let count = 0;
    for await (const lines of batches) {
      let text = '';
      for (const line of lines) {
        if (line.number > MAX_BATCH) {
          yield text + lineError(line.number, [{ path: '/', message: `a batch is at most ${MAX_BATCH} lines; the rest was not read` }]);
          return;
        }
        text += lineAnswer(line, decideOne);
        if (full(++count, text)) {
          yield text;
          [text, count] = ['', 0];
          await nextTurn();
        }
      }
      if (text) yield text;
    }
  }
  return streamed(pieces(), 'application/x-ndjson');
}

function lineAnswer(line: Line, decideOne: DecideNamed): string {
  if (line.text === undefined) return lineError(line.number, [{ path: '/', message: `is longer than ${MAX_LINE} bytes` }]);
  let request: unknown;
  try {
    request = parseJsonText(line.text);
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    return lineError(line.number, (e.extra['errors'] as ValidationError[] | undefined) ?? [{ path: '/', message: 'is not valid JSON' }]);
  }
  const d = decideOne(request);
  return d.status === 'invalid' ? lineError(line.number, d.errors) : `${JSON.stringify(decisionAnswer(d))}\n`;
}

const lineError = (line: number, errors: readonly ValidationError[]): string => `${JSON.stringify({ status: 'invalid', line, errors })}\n`;

/** A 200 whose body is written piece by piece as the client takes it (a client that reads slowly holds the next piece back). */
function streamed(pieces: AsyncGenerator<string>, contentType: string): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await pieces.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await pieces.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: { 'content-type': contentType } });
}
