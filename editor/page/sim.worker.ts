// The simulation worker: compiles the schemes and runs the traffic through runtime/simulation.ts
// off the page's thread (`sluice simulate` in the browser), posting progress and the summaries.
import { runSimulation } from '../console-model/simulate.js';
import type { SimRequest, SimResponse } from './sim-protocol.js';

const post = (m: SimResponse) => self.postMessage(m);

self.onmessage = (e: MessageEvent<SimRequest>) => {
  const { id, input } = e.data;
  let output;
  try {
    output = runSimulation(input, (done, total) => post({ id, kind: 'progress', done, total }));
  } catch (err) {
    output = { ok: false as const, message: `The simulation stopped: ${err instanceof Error ? err.message : String(err)}` };
  }
  post({ id, kind: 'done', output });
};
