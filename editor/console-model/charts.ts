// Chart data for the simulation view: route shares (by count and by volume in `base`),
// statuses and resolutions, one series per simulated scheme; and the geometry of a grouped
// horizontal bar chart, which the page draws as plain SVG.

export interface SummaryLike {
  readonly routes: Readonly<Record<string, { readonly count: number; readonly volume: string }>>;
  readonly statuses: Readonly<Record<string, number>>;
  readonly resolutions: Readonly<Record<string, number>>;
}

export interface Series {
  readonly label: string;
  readonly summary: SummaryLike;
}

export interface ChartRow {
  readonly category: string;
  /** One value per series, in the series' order. */
  readonly values: readonly number[];
  /** What each value's bar says: `42 · 35.0%`. */
  readonly labels: readonly string[];
}

export interface Chart {
  readonly title: string;
  readonly series: readonly string[];
  readonly rows: readonly ChartRow[];
  /** The value of a full-width bar. */
  readonly max: number;
  /** `percent` bars are shares of 100. */
  readonly unit: 'percent' | 'count';
}

const pct = (part: number, whole: number): number => (whole > 0 ? (part * 100) / whole : 0);
const pctText = (v: number): string => `${v.toFixed(1)}%`;

function categories(series: readonly Series[], keys: (s: SummaryLike) => readonly string[]): string[] {
  return [...new Set(series.flatMap((s) => keys(s.summary)))].sort();
}

/** Each route's share of the routed allocations (count), as a percentage per series. */
export function routeShares(series: readonly Series[], by: 'count' | 'volume' = 'count'): Chart {
  const amount = (r: { count: number; volume: string }): number => (by === 'count' ? r.count : Number(r.volume));
  const totals = series.map((s) => Object.values(s.summary.routes).reduce((t, r) => t + amount(r), 0));
  const rows = categories(series, (s) => Object.keys(s.routes)).map((route) => {
    const values = series.map((s, i) => pct(amount(s.summary.routes[route] ?? { count: 0, volume: '0' }), totals[i]!));
    const labels = series.map((s, i) => {
      const r = s.summary.routes[route];
      return `${by === 'count' ? (r?.count ?? 0) : (r?.volume ?? '0')} · ${pctText(values[i]!)}`;
    });
    return { category: route, values, labels };
  });
  return { title: by === 'count' ? 'Route shares (allocations)' : 'Route shares (volume in base)', series: series.map((s) => s.label), rows, max: 100, unit: 'percent' };
}

/** Routed, blocked and failed, as a percentage of the requests per series. */
export function statusShares(series: readonly Series[]): Chart {
  const order = ['routed', 'blocked', 'failed'];
  const totals = series.map((s) => Object.values(s.summary.statuses).reduce((t, n) => t + n, 0));
  const rows = order.map((status) => {
    const values = series.map((s, i) => pct(s.summary.statuses[status] ?? 0, totals[i]!));
    return { category: status, values, labels: series.map((s, i) => `${s.summary.statuses[status] ?? 0} · ${pctText(values[i]!)}`) };
  });
  return { title: 'Statuses', series: series.map((s) => s.label), rows, max: 100, unit: 'percent' };
}

/** How many decisions ended with each resolution code (failures), per series. */
export function resolutionCounts(series: readonly Series[]): Chart {
  const rows = categories(series, (s) => Object.keys(s.resolutions)).map((code) => {
    const values = series.map((s) => s.summary.resolutions[code] ?? 0);
    return { category: code, values, labels: values.map(String) };
  });
  const max = Math.max(1, ...rows.flatMap((r) => r.values));
  return { title: 'Resolutions', series: series.map((s) => s.label), rows, max, unit: 'count' };
}

export interface BarLayout {
  readonly width: number;
  readonly height: number;
  readonly labelWidth: number;
  readonly bars: readonly { readonly row: number; readonly series: number; readonly x: number; readonly y: number; readonly w: number; readonly h: number; readonly label: string }[];
  readonly categories: readonly { readonly text: string; readonly y: number }[];
}

export interface LayoutOptions {
  readonly width?: number;
  readonly labelWidth?: number;
  readonly barHeight?: number;
  readonly gap?: number;
}

/** Grouped horizontal bars: one group per row, one bar per series, widths proportional to max. */
export function layoutBars(chart: Chart, o: LayoutOptions = {}): BarLayout {
  const width = o.width ?? 520;
  // Wide enough for the longest category (12 px monospace, ~7.5 px a character), within bounds.
  const longest = Math.max(0, ...chart.rows.map((r) => r.category.length));
  const labelWidth = o.labelWidth ?? Math.min(Math.round(width * 0.55), Math.max(80, Math.round(longest * 7.5 + 16)));
  const barHeight = o.barHeight ?? 16;
  const gap = o.gap ?? 10;
  const track = width - labelWidth - 90;
  const n = Math.max(1, chart.series.length);
  const groupHeight = n * barHeight + (n - 1) * 2;
  const bars: BarLayout['bars'][number][] = [];
  const cats: BarLayout['categories'][number][] = [];
  chart.rows.forEach((row, r) => {
    const top = gap / 2 + r * (groupHeight + gap);
    cats.push({ text: row.category, y: top + groupHeight / 2 });
    row.values.forEach((v, s) => {
      const w = chart.max > 0 ? Math.max(0, Math.min(1, v / chart.max)) * track : 0;
      bars.push({ row: r, series: s, x: labelWidth, y: top + s * (barHeight + 2), w, h: barHeight, label: row.labels[s] ?? String(v) });
    });
  });
  return { width, height: Math.max(gap, chart.rows.length * (groupHeight + gap)), labelWidth, bars, categories: cats };
}
