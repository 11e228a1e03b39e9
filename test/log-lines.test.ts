import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSink } from '../server/log-lines.js';
import { msText } from '../server/telemetry.js';

// Some lines multi-byte in UTF-8 (é two bytes, € three, 😀 four), to check they are encoded whole across buffers.
const line = (i: number) => `{"n":${i},"pad":"${(i % 7 ? 'x' : 'é€😀').repeat(i % 50)}"}\n`;
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

  it('takes a line longer than a buffer whole', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sluice-lines-')), 'out.log');
    const fd = openSync(path, 'w');
    const sink = new LineSink({ fd, maxHeld: 1 << 24 });
    const lines = ['{"a":1}\n', `{"long":"${'€'.repeat(100_000)}"}\n`, '{"b":2}\n'];
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

describe('request lines', () => {
  it('are the line pino writes for the same fields, escapes included', async () => {
    const { createTelemetry } = await import('../server/telemetry.js');
    const written: string[] = [];
    const t = await createTelemetry({ metrics: false, logDestination: { write: (s: string) => void written.push(s) } });
    const fields = { method: 'POST', endpoint: '/v1/schemes/:name/decide', path: '/v1/schemes/a"b\\c\u0001/decide', status: 200, ms: 0.123, client: '127.0.0.1' };
    const time = Date.now();
    t.request({ reqId: 'r"1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', ...fields, time });
    t.request({ reqId: 'r2', traceparent: undefined, ...fields, client: undefined, time });
    // Request lines are written at the end of the event loop's turn, with the time given.
    expect(written).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    t.logger.info({ req_id: 'r"1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', ...fields }, 'request');
    t.logger.info({ req_id: 'r2', ...fields, client: undefined }, 'request');
    const [ours, ours2, pinos, pinos2] = written.map((l) => {
      expect(l.endsWith('}\n')).toBe(true);
      const { time, ...rest } = JSON.parse(l) as Record<string, unknown>;
      expect(typeof time).toBe('number');
      return rest;
    });
    expect(JSON.parse(written[0]!)).toMatchObject({ time });
    expect(ours).toEqual(pinos);
    expect(ours2).toEqual(pinos2);
    await t.close(100);
  });
});

describe("a request line's duration", () => {
  const asJson = (ms: number) => JSON.stringify(Math.round(ms * 1000) / 1000);

  it('is the milliseconds to the microsecond as JSON writes them (fast-check, seed 20261204)', () => {
    const durations = fc.oneof(fc.double({ min: 0, max: 100_000, noNaN: true }), fc.integer({ min: 0, max: 3_000_000 }).map((us) => us / 1000));
    fc.assert(
      fc.property(durations, (ms) => msText(ms) === asJson(ms)),
      { seed: 20261204, numRuns: 2000 },
    );
  });

  it('keeps whole milliseconds, trailing zeros, long durations and non-numbers as JSON does', () => {
    for (const ms of [0, 0.0004, 0.0005, 0.001, 0.01, 0.1, 0.5, 1, 1.25, 10.2, 999.999, 1000, 2_147_483.647, 2_147_483.648, 86_400_000, NaN, Infinity]) expect(msText(ms)).toBe(asJson(ms));
  });
});
