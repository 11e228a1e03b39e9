// Runs `sluice serve` as a real process, for tests that kill it or stop its database.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed, for failure messages. */
  output(): string;
}

export function serveProcess(env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['bin/sluice.mjs', 'serve'], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (chunk: Buffer) => (out += chunk.toString());
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sluice serve did not start:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, output: () => out });
      }
    });
    child.once('exit', (code) => reject(new Error(`sluice serve exited with ${code}:\n${out}`)));
  });
}

export async function api(url: string, key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${key}`, ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  // Loose JSON (`any`) so tests read bodies by path.
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}
