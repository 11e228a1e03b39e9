// A compile pool's worker: parses and checks sources off the request thread, and answers with
// their diagnostics and, when they have no errors, their settings (see compile-pool.ts).
import { parentPort } from 'node:worker_threads';
import { checkSource } from '../compiler/check.js';
import { settingsOf } from '../compiler/lower.js';
import { diagnosticToJSON, hasErrors } from '../grammar/diagnostics.js';
import type { CheckReply, CheckJob } from './compile-pool.js';

parentPort?.on('message', (job: CheckJob) => {
  const checked = checkSource(job.source);
  const clean = !hasErrors(checked.diagnostics);
  const reply: CheckReply = {
    id: job.id,
    diagnostics: checked.diagnostics.map(diagnosticToJSON),
    ...(clean ? { settings: settingsOf(checked.ast) } : {}),
  };
  parentPort?.postMessage(reply);
});
