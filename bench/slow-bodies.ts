// The memory that unauthenticated bodies can make the service hold (issue 13): `sluice serve`
// in a child process, and SLOW_CONNECTIONS (default 600) connections that each declare a 4 MiB
// body with an unknown key (or none), send all of it but the last byte and wait. A connection
// the server closes is opened again, for SLOW_SECONDS (default 20). Prints the server's resident
// memory before, at its peak and at the end, and how the connections were answered.
// Run by hand: `npx tsc -p tsconfig.json && node dist/bench/slow-bodies.js`
// (SLUICE_BIN=path/to/bin/sluice.mjs measures another build).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type Server } from './processes.js';

const CONNECTIONS = Number(process.env['SLOW_CONNECTIONS'] ?? 600);
const SECONDS = Number(process.env['SLOW_SECONDS'] ?? 20);
const DECLARED = 4 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

interface Tally {
  opened: number;
  answers: Map<string, number>;
}

/** One attacker: a connection that sends DECLARED - 1 bytes and stops; opened again when closed. */
function attack(url: URL, until: number, tally: Tally, n: number): Promise<void> {
  return new Promise((resolve) => {
    if (Date.now() >= until) return resolve();
    tally.opened++;
    const socket: Socket = connect(Number(url.port), url.hostname);
    let sent = 0;
    let seen = '';
    const pump = (): void => {
      while (sent < DECLARED - 1) {
        const part = CHUNK.subarray(0, Math.min(CHUNK.length, DECLARED - 1 - sent));
        sent += part.length;
        if (!socket.write(part)) return void socket.once('drain', pump);
      }
    };
    socket.on('connect', () => {
      const auth = n % 2 ? `authorization: Bearer sk_test_${randomBytes(12).toString('hex')}\r\n` : '';
      socket.write(`POST /v1/compile HTTP/1.1\r\nhost: bench\r\ncontent-type: application/json\r\n${auth}content-length: ${DECLARED}\r\n\r\n`);
      pump();
    });
    socket.on('data', (d: Buffer) => {
      if (seen) return;
      seen = d.toString('latin1').split('\r\n')[0]!.split(' ')[1] ?? '?';
      tally.answers.set(seen, (tally.answers.get(seen) ?? 0) + 1);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      // Not at once: a server refusing at once would be met with a busy loop.
      setTimeout(() => void attack(url, until, tally, n).then(resolve), 50);
    });
    setTimeout(() => socket.destroy(), Math.max(0, until - Date.now())).unref();
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-slow-'));
  const bin = process.env['SLUICE_BIN'] ?? 'bin/sluice.mjs';
  const server: Server = await startServer([bin, 'serve'], { SLUICE_ADMIN_KEY: 'sk_admin_bench', SLUICE_DATA_DIR: dir });
  try {
    await fetch(`${server.url}/healthz`);
    // PGlite's resident size settles a few seconds after the start.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const before = server.rssMiB();
    const samples: number[] = [];
    const timer = setInterval(() => samples.push(server.rssMiB()), 250);
    const tally: Tally = { opened: 0, answers: new Map() };
    const url = new URL(server.url);
    const until = Date.now() + SECONDS * 1000;
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, n) => attack(url, until, tally, n)));
    clearInterval(timer);
    const health = await fetch(`${server.url}/healthz`);
    const mib = (v: number) => `${v.toFixed(0)} MiB`;
    process.stdout.write(
      `${CONNECTIONS} connections for ${SECONDS} s, each declaring ${DECLARED} bytes and sending all but the last (half with an unknown key, half with none)\n` +
        `server RSS: before ${mib(before)}, peak ${mib(Math.max(...samples))}, end ${mib(samples.at(-1) ?? NaN)}\n` +
        `connections opened: ${tally.opened}; answers: ${[...tally.answers].map(([s, c]) => `${s} × ${c}`).join(', ') || 'none'}\n` +
        `/healthz afterwards: ${health.status}\n`,
    );
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
