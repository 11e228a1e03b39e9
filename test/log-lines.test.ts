import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineSink } from '../server/log-lines.js';

const line = (i: number) => `{"n":${i},"pad":"${'x'.repeat(i % 50)}"}\n`;
const flushed = (sink: LineSink) => new Promise<void>((resolve) => sink.flush(resolve));

describe('log lines: held and written in chunks', () => {
  it('writes every line, in order, to a file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sluice-lines-')), 'out.log');
    const fd = openSync(path, 'w');
    const sink = new LineSink({ fd, maxHeld: 1 << 24 });
    const lines = Array.from({ length: 5_000 }, (_, i) => line(i));
    for (const l of lines) sink.write(l);
    await flushed(sink);
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe(lines.join(''));
  });

  it('through a full non-blocking pipe (partial writes, EAGAIN) still delivers every line in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-fifo-'));
    const fifo = join(dir, 'fifo');
    const out = join(dir, 'out.log');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // Read-write so opening does not wait for the reader; non-blocking as a pipe to a collector is.
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const reader = spawn('sh', ['-c', `sleep 0.3; exec cat "${fifo}" > "${out}"`]);
    const sink = new LineSink({ fd, maxHeld: 1 << 24 });
    const lines = Array.from({ length: 40_000 }, (_, i) => line(i)); // ~2.6 MB, far past a pipe's 64 KiB
    for (const l of lines) sink.write(l);
    await flushed(sink);
    closeSync(fd);
    await new Promise((resolve) => reader.once('exit', resolve));
    expect(readFileSync(out, 'utf8')).toBe(lines.join(''));
  });

  it('past what it may hold, drops lines and reports how many once it has room', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sluice-lines-')), 'out.log');
    const fd = openSync(path, 'w');
    const reported: number[] = [];
    const sink = new LineSink({ fd, maxHeld: 100, onDropped: (n) => reported.push(n) });
    const lines = Array.from({ length: 10 }, (_, i) => `{"line":${i},"text":"abcdefghij"}\n`); // 31 characters each
    for (const l of lines) sink.write(l);
    await flushed(sink);
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe(lines.slice(0, 3).join(''));
    expect(reported).toEqual([7]);
  });
});
