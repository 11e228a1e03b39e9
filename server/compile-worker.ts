// A compile pool's worker: parses and checks sources off the request thread, and answers with
// their diagnostics and, when they have no errors, their settings (see compile-pool.ts).
import { parentPort } from 'node:worker_threads';
import { checkSource } from '../compiler/check.js';
import { diagnosticToJSON } from '../grammar/diagnostics.js';
import type { CheckReply, CheckJob } from './compile-pool.js';

parentPort?.on('message', (job: CheckJob) => {
  const checked = checkSource(job.source);
  const errors = checked.diagnostics.filter((d) => d.severity === 'error').length;
  const reply: CheckReply = {
    id: job.id,
    diagnostics: JSON.stringify(checked.diagnostics.map(diagnosticToJSON)),
    errors,
    ...(errors === 0 ? { settings: checked.symbols.settings } : {}),
  };
  parentPort?.postMessage(reply);
});
