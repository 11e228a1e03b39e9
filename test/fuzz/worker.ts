// The fuzzing loop of `npm run fuzz`, in a worker so that the main thread (test/fuzz/main.ts)
// can stop it and name the input when it hangs. Rounds take the properties in turn, each
// with its own seed (the base seed plus the round's number), and report to the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { setOnInput, STATS } from './invariants.js';
import { PROPERTIES, type PropertyName } from './properties.js';
import { HEADER_BYTES, type WorkerConfig, type WorkerMessage } from './protocol.js';

const config = workerData as WorkerConfig;
const counters = new Int32Array(config.shared, 0, 2);
const bytes = new Uint8Array(config.shared, HEADER_BYTES);
const encoder = new TextEncoder();

setOnInput((text) => {
  const { written } = encoder.encodeInto(text.slice(0, bytes.length), bytes);
  Atomics.store(counters, 1, written);
  Atomics.add(counters, 0, 1);
});

function post(message: WorkerMessage): void {
  parentPort!.postMessage(message);
}

/** Runs one round; false when it failed (and was reported). */
function round(name: PropertyName, seed: number, numRuns: number, path?: string): boolean {
  const started = performance.now();
  const details = fc.check(PROPERTIES[name] as fc.IProperty<unknown[]>, { seed, numRuns, ...(path ? { path } : {}) });
  if (details.failed) {
    const report = fc.defaultReportMessage(details) ?? String(details.errorInstance);
    post({ type: 'fail', name, seed, path: details.counterexamplePath ?? '', report });
    return false;
  }
  post({ type: 'round', name, seed, runs: details.numRuns, ms: performance.now() - started, stats: { ...STATS } });
  return true;
}

function replay(spec: string): void {
  const [name, seed, ...path] = spec.split(':');
  if (!name || !(name in PROPERTIES) || !seed) throw new Error(`FUZZ_REPLAY is NAME:SEED:PATH, not ${spec}`);
  if (round(name as PropertyName, Number(seed), config.batch, path.join(':'))) post({ type: 'done' });
}

function fuzz(): void {
  const end = performance.now() + config.seconds * 1000;
  for (let r = 0; performance.now() < end; r++) {
    const name = config.properties[r % config.properties.length]!;
    if (!round(name, (config.seed + r) | 0, config.batch)) return;
  }
  post({ type: 'done' });
}

if (config.replay) replay(config.replay);
else fuzz();
