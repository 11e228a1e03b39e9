// The language worker: parses and checks the scheme (and outlines it) off the page's thread on every change
// and posts the diagnostics back. Only the latest source is checked when edits queue up.
import { analyze } from '../../language/diagnose.js';
import type { CheckRequest, CheckResponse } from './protocol.js';

let pending: CheckRequest | undefined;

self.onmessage = (e: MessageEvent<CheckRequest>) => {
  const idle = pending === undefined;
  pending = e.data;
  if (idle) setTimeout(run, 0);
};

function run(): void {
  const req = pending;
  pending = undefined;
  if (!req) return;
  const start = performance.now();
  const response: CheckResponse = { version: req.version, ...analyze(req.source), ms: performance.now() - start };
  self.postMessage(response);
}
