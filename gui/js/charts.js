// Tiny SVG line/area charts (no library). A chart element looks like:
//   <div class="chart" id="chart-x"><div class="chart-head"><h3>…</h3><div class="legend"></div></div>
//   <div class="chart-body"></div></div>
// renderChart(el, opts) redraws the SVG in place at a fixed height (no layout jumps).

import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const PAD = { l: 48, r: 10, t: 10, b: 22 };

function svgEl(tag, attrs) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** Build the chart's skeleton. */
export function chartBox(id, title, note) {
  return h('div', { class: 'chart card', id },
    h('div', { class: 'chart-head' },
      h('h3', { text: title }),
      note ? h('span', { class: 'chart-note muted', text: note }) : null,
      h('div', { class: 'legend' })),
    h('div', { class: 'chart-body' }, h('div', { class: 'chart-tip', hidden: true })));
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const exp = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (v <= m * exp) return m * exp;
  return 10 * exp;
}

const pad2 = (n) => String(n).padStart(2, '0');
function timeLabel(t, span) {
  const d = new Date(t * 1000);
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  if (span > 2 * 86400) return `${d.toLocaleString('en-US', { weekday: 'short' })} ${hm}`;
  return span <= 900 ? `${hm}:${pad2(d.getSeconds())}` : hm;
}

/**
 * @param {HTMLElement} el chart element from chartBox()
 * @param {object} o
 * @param {Array<{name, color, values: Array<[number, number|null]>, area?: boolean, dash?: boolean}>} o.series
 * @param {[number, number]} o.domain x range in unix seconds
 * @param {boolean} [o.stacked] stack series as areas
 * @param {boolean} [o.integer] y values are counts (whole-number ticks)
 * @param {(v: number) => string} [o.fmt] y-axis / tooltip formatter
 */
export function renderChart(el, { series, domain, stacked = false, integer = false, fmt = (v) => String(v) }) {
  const body = el.querySelector('.chart-body');
  const W = Math.max(200, body.clientWidth || 500);
  const H = Math.max(100, body.clientHeight || 160);
  const [t0, t1] = domain;
  const span = Math.max(1, t1 - t0);
  const x = (t) => PAD.l + ((t - t0) / span) * (W - PAD.l - PAD.r);

  // Stacking: turn values into [t, lower, upper].
  const layers = [];
  const base = new Map();
  for (const s of series) {
    const pts = s.values.map(([t, v]) => {
      const lo = stacked ? (base.get(t) || 0) : 0;
      const hi = v == null ? null : (stacked ? lo + v : v);
      if (stacked && hi != null) base.set(t, hi);
      return [t, lo, hi, v];
    });
    layers.push({ ...s, pts });
  }
  let max = 0;
  for (const l of layers) for (const p of l.pts) if (p[2] != null && p[2] > max) max = p[2];
  const yMax = integer ? Math.max(4, Math.ceil(max / 4) * 4) : niceMax(max); // counts: whole ticks
  const y = (v) => H - PAD.b - (v / yMax) * (H - PAD.t - PAD.b);

  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'chart-svg', role: 'img' });
  for (let i = 0; i <= 4; i++) {
    const v = (yMax / 4) * i;
    const yy = y(v);
    svg.append(svgEl('line', { x1: PAD.l, x2: W - PAD.r, y1: yy, y2: yy, class: i ? 'grid' : 'axis' }));
    const lbl = svgEl('text', { x: PAD.l - 6, y: yy + 3.5, class: 'tick', 'text-anchor': 'end' });
    lbl.textContent = fmt(v);
    svg.append(lbl);
  }
  for (let i = 0; i <= 4; i++) {
    const t = t0 + (span / 4) * i;
    const lbl = svgEl('text', { x: x(t), y: H - 6, class: 'tick', 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle' });
    lbl.textContent = timeLabel(t, span);
    svg.append(lbl);
  }

  let any = false;
  for (const l of layers) {
    const runs = []; // contiguous non-null runs
    let run = [];
    for (const p of l.pts) {
      if (p[2] == null || p[0] < t0 - span * 0.01) { if (run.length) runs.push(run); run = []; } else run.push(p);
    }
    if (run.length) runs.push(run);
    for (const r of runs) {
      any = true;
      const line = r.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[2]).toFixed(1)}`).join('');
      if (l.area || stacked) {
        const lower = r.slice().reverse().map((p) => `L${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
        svg.append(svgEl('path', { d: `${line}${lower}Z`, fill: l.color, 'fill-opacity': stacked ? 0.55 : 0.14, stroke: 'none' }));
      }
      const attrs = { d: line, fill: 'none', stroke: l.color, 'stroke-width': stacked ? 1 : 1.6, 'stroke-linejoin': 'round' };
      if (l.dash) attrs['stroke-dasharray'] = '4 3';
      if (r.length === 1) svg.append(svgEl('circle', { cx: x(r[0][0]), cy: y(r[0][2]), r: 2.5, fill: l.color }));
      svg.append(svgEl('path', attrs));
    }
  }
  if (!any) {
    const t = svgEl('text', { x: W / 2, y: H / 2, class: 'empty-label', 'text-anchor': 'middle' });
    t.textContent = 'No data yet';
    svg.append(t);
  }
  const cursor = svgEl('line', { x1: 0, x2: 0, y1: PAD.t, y2: H - PAD.b, class: 'cursor', visibility: 'hidden' });
  svg.append(cursor);

  const old = body.querySelector('svg');
  if (old) old.replaceWith(svg); else body.prepend(svg);
  el._chart = { layers, x, t0, span, W, fmt, cursor };
  renderLegend(el, series);
  bindHover(el, body);
}

function renderLegend(el, series) {
  const legend = el.querySelector('.legend');
  const key = series.map((s) => `${s.name}|${s.color}`).join(';');
  if (legend.dataset.key === key) return;
  legend.dataset.key = key;
  legend.replaceChildren(...series.map((s) =>
    h('span', { class: 'legend-item' }, h('i', { style: `background:${s.color}` }), s.name)));
}

function bindHover(el, body) {
  if (body._hover) return;
  body._hover = true;
  const tip = body.querySelector('.chart-tip');
  body.addEventListener('mouseleave', () => {
    tip.hidden = true;
    if (el._chart) el._chart.cursor.setAttribute('visibility', 'hidden');
  });
  body.addEventListener('mousemove', (ev) => {
    const c = el._chart;
    if (!c || !c.layers.length) return;
    const rect = body.getBoundingClientRect();
    const px = ((ev.clientX - rect.left) / rect.width) * c.W;
    const t = c.t0 + ((px - PAD.l) / (c.W - PAD.l - PAD.r)) * c.span;
    const pts = c.layers[0].pts;
    if (!pts.length) return;
    let best = pts[0];
    for (const p of pts) if (Math.abs(p[0] - t) < Math.abs(best[0] - t)) best = p;
    const bt = best[0];
    const rows = c.layers.map((l) => {
      const p = l.pts.find((q) => q[0] === bt);
      return h('div', {}, h('i', { style: `background:${l.color}` }), `${l.name}: `,
        h('b', { text: p && p[3] != null ? c.fmt(p[3]) : '—' }));
    });
    tip.replaceChildren(h('div', { class: 'tip-time', text: new Date(bt * 1000).toLocaleString() }), ...rows);
    tip.hidden = false;
    const cx = c.x(bt);
    c.cursor.setAttribute('x1', cx);
    c.cursor.setAttribute('x2', cx);
    c.cursor.setAttribute('visibility', 'visible');
    const left = (cx / c.W) * rect.width;
    tip.style.left = `${Math.min(left + 12, rect.width - tip.offsetWidth - 4)}px`;
  });
}
