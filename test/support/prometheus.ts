// A strict reader of Prometheus' text exposition format (0.0.4), for tests: it throws on any line
// the format does not allow (empty lines it ignores), a sample whose family has no TYPE before it, a repeated TYPE or
// sample, and a histogram whose buckets are not cumulative or whose +Inf bucket is not its count.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
/** As Prometheus reads values (Go's ParseFloat): NaN and Inf in any case (prom-client writes `Nan`). */
const VALUE = '(?:[+-]?(?:\\d+\\.?\\d*(?:[eE][+-]?\\d+)?|\\.\\d+(?:[eE][+-]?\\d+)?)|[Nn][Aa][Nn]|[+-]?[Ii][Nn][Ff](?:[Ii][Nn][Ii][Tt][Yy])?)';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL}="(?:[^"\\\\\\n]|\\\\[\\\\"n])*",?)*)\\})? (${VALUE})(?: -?\\d+)?$`);
const PAIR = new RegExp(`(${LABEL})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`, 'g');
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPES_SUFFIXES: Record<string, readonly string[]> = { counter: [''], gauge: [''], untyped: [''], histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };

const unescape = (v: string): string => v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
const number = (v: string): number => (/^\+?inf/i.test(v) ? Infinity : /^-inf/i.test(v) ? -Infinity : /^nan$/i.test(v) ? NaN : Number(v));

function familyOf(name: string, types: Map<string, string>): string | undefined {
  for (const [family, type] of types) if (TYPES_SUFFIXES[type]!.some((s) => family + s === name)) return family;
  return undefined;
}

export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the exposition does not end with a newline');
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const seen = new Set<string>();
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, i) => {
      const where = `line ${i + 1}: ${line}`;
      if (line === '') return; // the format ignores empty lines
      if (line.startsWith('# TYPE ')) {
        const m = TYPE.exec(line);
        if (!m) throw new Error(`bad TYPE, ${where}`);
        if (types.has(m[1]!)) throw new Error(`repeated TYPE, ${where}`);
        types.set(m[1]!, m[2]!);
        return;
      }
      if (line.startsWith('# HELP ')) {
        if (!HELP.test(line)) throw new Error(`bad HELP, ${where}`);
        return;
      }
      const m = SAMPLE.exec(line);
      if (!m) throw new Error(`not a sample, ${where}`);
      if (!familyOf(m[1]!, types)) throw new Error(`sample without a TYPE before it, ${where}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(PAIR)].map((p) => [p[1]!, unescape(p[2]!)]));
      const key = `${m[1]}${JSON.stringify(Object.entries(labels).sort())}`;
      if (seen.has(key)) throw new Error(`repeated sample, ${where}`);
      seen.add(key);
      samples.push({ name: m[1]!, labels, value: number(m[3]!) });
    });
  checkHistograms(types, samples);
  return { types, samples };
}

function checkHistograms(types: Map<string, string>, samples: Sample[]): void {
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const s of samples.filter((x) => x.name === `${family}_bucket`)) {
      const { le, ...rest } = s.labels;
      if (le === undefined) throw new Error(`${family}: a bucket without le`);
      const k = JSON.stringify(Object.entries(rest).sort());
      series.set(k, [...(series.get(k) ?? []), s]);
    }
    for (const [k, buckets] of series) {
      const sorted = [...buckets].sort((a, b) => number(a.labels['le']!) - number(b.labels['le']!));
      sorted.forEach((b, i) => {
        if (i && b.value < sorted[i - 1]!.value) throw new Error(`${family}${k}: buckets not cumulative`);
      });
      const count = samples.find((s) => s.name === `${family}_count` && JSON.stringify(Object.entries(s.labels).sort()) === k);
      if (sorted.at(-1)?.labels['le'] !== '+Inf' || count?.value !== sorted.at(-1)!.value) throw new Error(`${family}${k}: +Inf bucket is not the count`);
    }
  }
}

/** The sum of the samples named `name` whose labels include `labels`. */
export function total(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  return e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}
