// A grouped horizontal bar chart (console/charts.ts) as plain SVG, one colour per series,
// with a legend and each bar's value written beside it; the layout leaves room for every label.
import { LABEL_GAP, layoutBars, type Chart } from '../../console-model/charts.js';
import { h, s } from './dom.js';

export function chartView(chart: Chart, width = 520): HTMLElement {
  const layout = layoutBars(chart, { width });
  const svg = s(
    'svg',
    {
      class: 'chart',
      width: layout.width,
      height: layout.height,
      viewBox: `0 0 ${layout.width} ${layout.height}`,
      role: 'img',
      'aria-label': `${chart.title}: ${chart.rows.map((r) => `${r.category} ${r.labels.join(' / ')}`).join('; ')}`,
    },
    ...layout.categories.map((c) =>
      s('text', { x: layout.labelWidth - LABEL_GAP, y: c.y, class: 'chart-cat', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, c.text, c.text === c.full ? null : s('title', {}, c.full)),
    ),
    s('line', { x1: layout.labelWidth, x2: layout.labelWidth, y1: 0, y2: layout.height, class: 'chart-axis' }),
    ...layout.bars.flatMap((b) => [
      s(
        'rect',
        { x: b.x, y: b.y, width: Math.max(b.w, 1), height: b.h, rx: 3, class: `chart-bar series-${b.series}` },
        s('title', {}, `${chart.series[b.series] ?? ''} ${chart.rows[b.row]?.category ?? ''}: ${b.label}`),
      ),
      s('text', { x: b.x + b.w + LABEL_GAP, y: b.y + b.h / 2, class: 'chart-value', 'dominant-baseline': 'middle' }, b.label),
    ]),
  );
  const legend =
    chart.series.length > 1
      ? h('div', { class: 'legend' }, ...chart.series.map((name, i) => h('span', { class: 'legend-item' }, h('span', { class: `swatch series-${i}` }), name)))
      : null;
  return h('figure', { class: 'chart-card' }, h('figcaption', {}, chart.title), legend, chart.rows.length ? svg : h('p', { class: 'muted' }, 'nothing to show'));
}
