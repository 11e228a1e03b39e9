// `npm run fuzz`: long fuzzing runs of the parser, checker, formatter and compiler
// (docs/reliability.md, "Fuzzing"). Settings come from the environment:
//   FUZZ_SECONDS (120)  how long to run        FUZZ_SEED (the clock)  the base seed
//   FUZZ_BATCH (200)    inputs per round       FUZZ_PROPERTIES (all)  comma-separated names
//   FUZZ_SLOW_MS (2000) an input slower fails  FUZZ_HANG_SECONDS (10) no progress for this long is a hang
//   FUZZ_REPLAY         NAME:SEED:PATH, printed with a failure: replays and shrinks it again
import { Worker } from 'node:worker_threads';
import { SLOW_MS } from './invariants.js';
import { PROPERTY_NAMES, type PropertyName } from './properties.js';
import { HEADER_BYTES, type WorkerConfig, type WorkerMessage } from './protocol.js';

const env = process.env;
const INPUT_BYTES = 1 << 20;

function properties(): PropertyName[] {
  const wanted = env['FUZZ_PROPERTIES']?.split(',').filter(Boolean) ?? PROPERTY_NAMES;
  const unknown = wanted.filter((n) => !(PROPERTY_NAMES as string[]).includes(n));
  if (unknown.length) throw new Error(`unknown FUZZ_PROPERTIES ${unknown.join(', ')}; known: ${PROPERTY_NAMES.join(', ')}`);
  return wanted as PropertyName[];
}

const config: WorkerConfig = {
  seed: Number(env['FUZZ_SEED'] ?? Date.now() % 2 ** 31),
  seconds: Number(env['FUZZ_SECONDS'] ?? 120),
  batch: Number(env['FUZZ_BATCH'] ?? 200),
  properties: properties(),
  replay: env['FUZZ_REPLAY'],
  shared: new SharedArrayBuffer(HEADER_BYTES + INPUT_BYTES),
};
const hangSeconds = Number(env['FUZZ_HANG_SECONDS'] ?? 10);

interface Tally {
  inputs: number;
  ms: number;
}

const tallies = new Map<PropertyName, Tally>(config.properties.map((n) => [n, { inputs: 0, ms: 0 }]));
const started = performance.now();
let rounds = 0;
let last: Extract<WorkerMessage, { type: 'round' }> | undefined;

const seconds = () => (performance.now() - started) / 1000;
const perSecond = (n: number, ms: number) => (ms > 0 ? Math.round((n * 1000) / ms) : 0);

function header(): void {
  if (config.replay) return console.log(`sluice fuzz: replaying ${config.replay}`);
  console.log(`sluice fuzz: FUZZ_SEED=${config.seed} FUZZ_SECONDS=${config.seconds} FUZZ_BATCH=${config.batch}`);
  console.log(`  properties: ${config.properties.join(', ')}`);
  console.log(`  failures: an exception, a broken invariant, an input over ${SLOW_MS} ms, no progress for ${hangSeconds} s`);
}

/** Inputs tried so far, live from the worker (including those tried while shrinking). */
function inputsTried(): number {
  return Atomics.load(new Int32Array(config.shared, 0, 1), 0);
}

function progress(): void {
  const inputs = inputsTried();
  const { compiled, decisions } = last?.stats ?? { compiled: 0, decisions: 0 };
  const rate = Math.round(inputs / seconds());
  const round = `${config.properties[rounds % config.properties.length]} seed ${(config.seed + rounds) | 0}`;
  console.log(
    `[${seconds().toFixed(0).padStart(4)} s] ${inputs} inputs (${rate}/s), ${compiled} compiled, ${decisions} decisions compared; ` +
      `round ${rounds}: ${round}`,
  );
}

function summary(): void {
  progress();
  console.log('per property (inputs, inputs/s of its own time):');
  for (const [name, t] of tallies) console.log(`  ${name.padEnd(18)} ${String(t.inputs).padStart(9)}  ${String(perSecond(t.inputs, t.ms)).padStart(6)}/s`);
}

function failed(m: Extract<WorkerMessage, { type: 'fail' }>): void {
  console.log(`\nFAILED: property ${m.name}, seed ${m.seed}, path ${m.path} (base FUZZ_SEED=${config.seed})`);
  console.log(m.report);
  console.log(`\nreproduce: FUZZ_REPLAY=${m.name}:${m.seed}:${m.path} npm run fuzz`);
  process.exitCode = 1;
}

function onMessage(m: WorkerMessage): void {
  if (m.type === 'fail') return failed(m);
  if (m.type === 'done') return void (config.replay ? console.log('replay: no failure') : summary());
  rounds++;
  last = m;
  const t = tallies.get(m.name)!;
  t.inputs += m.runs;
  t.ms += m.ms;
}

/** Stops the worker when the count of inputs tried stands still; prints the input it was on. */
function watchdog(worker: Worker): NodeJS.Timeout {
  const counters = new Int32Array(config.shared, 0, 2);
  let seen = -1;
  let still = 0;
  return setInterval(() => {
    const now = Atomics.load(counters, 0);
    still = now === seen ? still + 1 : 0;
    seen = now;
    if (still < hangSeconds) return;
    const input = new TextDecoder().decode(new Uint8Array(config.shared, HEADER_BYTES, Atomics.load(counters, 1)));
    const name = config.properties[rounds % config.properties.length];
    console.log(`\nHANG: no progress for ${hangSeconds} s in round ${rounds}: ${name} seed ${(config.seed + rounds) | 0} (base FUZZ_SEED=${config.seed}).`);
    console.log(`the input (first ${INPUT_BYTES} bytes):\n${JSON.stringify(input)}`);
    process.exitCode = 1;
    void worker.terminate();
  }, 1000);
}

function main(): void {
  header();
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: config, resourceLimits: { stackSizeMb: 1 } });
  const dog = watchdog(worker);
  const ticker = setInterval(progress, 10_000);
  worker.on('message', onMessage);
  worker.on('error', (e) => {
    console.log(`\nFAILED: the worker died (base FUZZ_SEED=${config.seed}, after ${last ? `${last.name} seed ${last.seed}` : 'no round'}):`, e);
    process.exitCode = 1;
  });
  worker.on('exit', () => {
    clearInterval(dog);
    clearInterval(ticker);
  });
}

main();
