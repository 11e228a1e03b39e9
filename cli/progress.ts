// A progress line on stderr for long runs: redrawn in place at most every 200 ms, cleared at
// the end. Only on a terminal (or when asked), so pipes and logs stay clean.
import type { Output } from './io.js';

export interface Progress {
  tick(done: number): void;
  done(): void;
}

const SILENT: Progress = { tick: () => {}, done: () => {} };

export function progress(io: Output, label: string, total: number, enabled: boolean): Progress {
  if (!enabled) return SILENT;
  let last = 0;
  const started = Date.now();
  const draw = (n: number) => {
    const pct = total ? Math.floor((n / total) * 100) : 100;
    const width = 24;
    const bar = '█'.repeat(Math.round((pct / 100) * width)).padEnd(width, '░');
    const rate = Math.round(n / Math.max(0.001, (Date.now() - started) / 1000));
    io.err(`\r${label} ${bar} ${pct}% ${n.toLocaleString('en')}/${total.toLocaleString('en')} (${rate.toLocaleString('en')}/s)`);
  };
  return {
    tick(n) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      draw(n);
    },
    done() {
      draw(total);
      io.err('\n');
    },
  };
}
