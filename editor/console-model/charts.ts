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

export const pct = (part: number, whole: number): number => (whole > 0 ? (part * 100) / whole : 0);
export const pctText = (v: number): string => `${v.toFixed(1)}%`;

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
  /** At least the width asked for; wider when the labels need it (the page scales it down). */
  readonly width: number;
  readonly height: number;
  readonly labelWidth: number;
  readonly bars: readonly { readonly row: number; readonly series: number; readonly x: number; readonly y: number; readonly w: number; readonly h: number; readonly label: string }[];
  /** `text` is the category, cut with `…` when longer than MAX_CATEGORY; `full` is all of it. */
  readonly categories: readonly { readonly text: string; readonly full: string; readonly y: number }[];
}

export interface LayoutOptions {
  readonly width?: number;
  readonly labelWidth?: number;
  readonly barHeight?: number;
  readonly gap?: number;
}

/** A character's advance at the chart's fonts (12 px and 11 px monospace, console.css), rounded up. */
export const CATEGORY_CHAR = 7.5;
export const VALUE_CHAR = 7;
/** Longer categories are cut (the full name is the label's tooltip). */
export const MAX_CATEGORY = 48;
/** Space between a category and the axis, and between a bar and its value. */
export const LABEL_GAP = 8;
const MIN_TRACK = 120;

const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * Grouped horizontal bars: one group per row, one bar per series, widths proportional to max.
 * Every label fits inside the width: categories left of the axis, values right of the longest bar.
 */
export function layoutBars(chart: Chart, o: LayoutOptions = {}): BarLayout {
  const longest = Math.min(MAX_CATEGORY, Math.max(0, ...chart.rows.map((r) => r.category.length)));
  const labelWidth = o.labelWidth ?? Math.max(80, Math.round(longest * CATEGORY_CHAR + 2 * LABEL_GAP));
  const longestValue = Math.max(0, ...chart.rows.flatMap((r) => r.labels.map((l) => l.length)));
  const valueWidth = LABEL_GAP + Math.ceil(longestValue * VALUE_CHAR);
  const width = Math.max(o.width ?? 520, labelWidth + MIN_TRACK + valueWidth);
  const track = width - labelWidth - valueWidth;
  const barHeight = o.barHeight ?? 16;
  const gap = o.gap ?? 10;
  const fits = Math.max(1, Math.floor((labelWidth - LABEL_GAP) / CATEGORY_CHAR));
  const n = Math.max(1, chart.series.length);
  const groupHeight = n * barHeight + (n - 1) * 2;
  const bars: BarLayout['bars'][number][] = [];
  const cats: BarLayout['categories'][number][] = [];
  chart.rows.forEach((row, r) => {
    const top = gap / 2 + r * (groupHeight + gap);
    cats.push({ text: cut(row.category, Math.min(fits, MAX_CATEGORY)), full: row.category, y: top + groupHeight / 2 });
    row.values.forEach((v, s) => {
      const w = chart.max > 0 ? Math.max(0, Math.min(1, v / chart.max)) * track : 0;
      bars.push({ row: r, series: s, x: labelWidth, y: top + s * (barHeight + 2), w, h: barHeight, label: row.labels[s] ?? String(v) });
    });
  });
  return { width, height: Math.max(gap, chart.rows.length * (groupHeight + gap)), labelWidth, bars, categories: cats };
}
