// Overview: stat cards, live/historic charts, recent activity.

import { h, $, $$, setText, setAttr, show, syncRows } from '../dom.js';
import { get, qs } from '../api.js';
import { store, on, STATES, STATE_COLORS } from '../store.js';
import { fmtInt, fmtRate, fmtPct, fmtSecs, fmtAgo, fmtAge, fmtClock, fmtNum, humanState, isNum } from '../format.js';
import { chartBox, renderChart } from '../charts.js';
import { perModelCard, fillPerModel } from './per_model.js';

const RANGES = [['live', 'Live 10m'], ['1h', '1h'], ['6h', '6h'], ['24h', '24h'], ['7d', '7d']];
const LIVE_MAX_S = 600;
const LIVE_MIN_S = 30;
const C = { rps: '#60a5fa', err: '#f87171', p50: '#34d399', p95: '#fbbf24', dur: '#c084fc', queue: '#f59e0b', flight: '#60a5fa' };

let root;
let visible = false;
let range = 'live';
let stats = null;
let statsTimer = null;
const charts = {};

function card(stat, label, extra, cls = '') {
  return h('div', { class: `card stat-card ${cls}`, 'data-card': stat },
    h('div', { class: 'stat-label', text: label }),
    h('div', { class: 'stat-value num', 'data-stat': stat, text: '—' }),
    extra || null);
}

export function mount(el) {
  root = el;
  const chips = h('div', { class: 'state-chips' }, STATES.filter((s) => s !== 'closed').map((s) =>
    h('span', { class: 'chip', 'data-state': s, title: humanState(s) },
      h('i'), h('span', { class: 'chip-name', text: humanState(s) }), h('b', { class: 'num', 'data-stat': `pool-${s}`, text: '0' }))));
  el.append(
    h('header', { class: 'page-head' },
      h('h1', { text: 'Overview' }),
      h('div', { class: 'seg', role: 'group', 'aria-label': 'Chart range' },
        RANGES.map(([r, label]) => h('button', { type: 'button', class: 'seg-btn', 'data-range': r, text: label,
          'aria-pressed': r === range ? 'true' : 'false', onclick: () => setRange(r) })))),
    h('div', { class: 'cards' },
      card('pool-total', 'Instances', chips, 'span-2'),
      card('queue-depth', 'Queue depth', h('div', { class: 'stat-sub' }, 'max ', h('span', { class: 'num', 'data-stat': 'queue-max', text: '—' }))),
      card('requests-per-s', 'Requests / s', h('div', { class: 'stat-sub' }, 'in flight ', h('span', { class: 'num', 'data-stat': 'in-flight', text: '—' }), ' / ', h('span', { class: 'num', 'data-stat': 'capacity', text: '—' }))),
      card('ttft-p50', 'TTFT p50', h('div', { class: 'stat-sub', text: 'time to first token' })),
      card('ttft-p95', 'TTFT p95', h('div', { class: 'stat-sub', text: 'time to first token' })),
      card('error-rate', 'Error rate', h('div', { class: 'stat-sub', text: 'recent requests' })),
      card('strategy', 'Strategy', h('div', { class: 'stat-sub' }, 'uptime ', h('span', { class: 'num', 'data-stat': 'uptime', text: '—' }))),
      h('div', { class: 'card stat-card span-4', 'data-card': 'autoscaler' },
        h('div', { class: 'stat-label' }, 'Autoscaler ', h('span', { class: 'tag', 'data-stat': 'autoscaler-enabled', text: '—' })),
        h('div', { class: 'autoscale-line' },
          h('span', { class: 'decision', 'data-stat': 'autoscaler-action', text: '—' }),
          h('span', { class: 'reason', 'data-stat': 'autoscaler-reason', text: 'No decision yet' }),
          h('span', { class: 'muted num', 'data-stat': 'autoscaler-at' })))),
    h('div', { class: 'window-summary', id: 'window-summary', hidden: true }),
    h('div', { class: 'chart-grid' },
      charts.throughput = chartBox('chart-throughput', 'Throughput'),
      charts.latency = chartBox('chart-latency', 'TTFT latency'),
      charts.queue = chartBox('chart-queue', 'Queue depth', 'live'),
      charts.states = chartBox('chart-states', 'Instances by state', 'live')),
    perModelCard(),
    h('div', { class: 'card activity' },
      h('h3', { text: 'Recent activity' }),
      h('ul', { class: 'activity-list', id: 'activity-list' }),
      h('p', { class: 'empty', id: 'activity-empty', text: 'No events yet — instance state changes, scaling decisions and alerts appear here.' })));

  on('status', renderStatus);
  on('live', () => { if (visible && range === 'live') renderCharts(); else if (visible) renderLiveOnly(); });
  on('activity', renderActivity);
  on('alerts', () => { if (visible && stats) renderPerModel(); });
  window.addEventListener('resize', () => visible && renderCharts());
  setInterval(() => visible && renderAutoscalerAge(), 1000);
}

export function onShow() {
  visible = true;
  renderStatus(store.status);
  renderActivity();
  if (range !== 'live') loadStats(); else renderCharts();
  clearInterval(statsTimer);
  statsTimer = setInterval(() => { if (range !== 'live') loadStats(); }, 30000);
}

export function onHide() {
  visible = false;
  clearInterval(statsTimer);
}

function setRange(r) {
  range = r;
  for (const b of $$('[data-range]', root)) setAttr(b, 'aria-pressed', b.dataset.range === r ? 'true' : 'false');
  stats = null;
  if (r === 'live') { show($('#window-summary', root), false); show($('#per-model', root), false); renderCharts(); }
  else { renderCharts(); loadStats(); }
}

async function loadStats() {
  const want = range;
  try {
    const data = await get(`api/stats${qs({ window: want })}`);
    if (want !== range) return;
    stats = data;
    renderWindowSummary();
    renderCharts();
  } catch (e) {
    const box = $('#window-summary', root);
    show(box, true);
    setText(box, `Could not load statistics: ${e.message}`);
  }
}

function stat(name, value) {
  const el = $(`[data-stat="${name}"]`, root);
  if (el) setText(el, value);
}

function renderStatus(s) {
  if (!root || !s) return;
  const pool = s.pool || {};
  const by = pool.by_state || {};
  stat('pool-total', fmtInt(pool.total));
  for (const st of STATES) {
    stat(`pool-${st}`, fmtInt(by[st] || 0));
    const chip = $(`.chip[data-state="${st}"]`, root);
    if (chip) chip.classList.toggle('is-zero', !by[st]);
  }
  stat('queue-depth', fmtInt(s.queue && s.queue.depth));
  stat('queue-max', fmtInt(s.queue && s.queue.max_size));
  const r = s.rates || {};
  stat('requests-per-s', fmtRate(r.requests_per_s));
  stat('error-rate', fmtPct(r.error_rate));
  $('[data-card="error-rate"]', root).classList.toggle('is-bad', isNum(r.error_rate) && r.error_rate >= 0.05);
  $('[data-card="queue-depth"]', root).classList.toggle('is-warn', s.queue && s.queue.depth > 0);
  stat('ttft-p50', fmtSecs(r.ttft_p50_s));
  stat('ttft-p95', fmtSecs(r.ttft_p95_s));
  stat('in-flight', fmtInt(pool.in_flight));
  stat('capacity', fmtInt(pool.capacity));
  stat('strategy', s.strategy ? s.strategy.replace(/_/g, ' ') : '—');
  stat('uptime', fmtAge(s.uptime_s));
  const a = s.autoscaler || {};
  stat('autoscaler-enabled', a.enabled ? 'on' : 'off');
  setAttr($('[data-stat="autoscaler-enabled"]', root), 'data-on', a.enabled ? 'true' : 'false');
  const d = a.last_decision;
  stat('autoscaler-action', d && d.action ? String(d.action).replace(/_/g, ' ') : '—');
  setAttr($('[data-stat="autoscaler-action"]', root), 'data-action-kind', d ? d.action : null);
  stat('autoscaler-reason', d ? (d.reason || '') : 'No decision yet');
  renderAutoscalerAge();
}

function renderAutoscalerAge() {
  const d = store.status && store.status.autoscaler && store.status.autoscaler.last_decision;
  stat('autoscaler-at', d && isNum(d.at) ? `${fmtClock(d.at)} · ${fmtAgo(d.at)}` : '');
}

const countFmt = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

function liveSeries(key) { return store.live.map((p) => [p.t, p[key]]); }

/** Rates are often well below 1/s: enough decimals that axis ticks stay distinct. */
function fmtRateAxis(v) {
  const a = Math.abs(v);
  return a === 0 ? '0' : fmtNum(v, a < 0.1 ? 3 : a < 1 ? 2 : 1);
}

/** Live charts span the samples seen so far (at least 30 s, at most 10 min), not an empty 10 min. */
function liveDomain() {
  const now = Date.now() / 1000;
  const first = store.live.length ? store.live[0].t : now;
  return [Math.max(now - LIVE_MAX_S, Math.min(first, now - LIVE_MIN_S)), now];
}

function renderLiveOnly() {
  renderQueueStates(liveDomain());
}

function renderQueueStates(domain) {
  renderChart(charts.queue, {
    domain, integer: true, fmt: countFmt,
    series: [
      { name: 'Queued', color: C.queue, area: true, values: liveSeries('queue') },
      { name: 'In flight', color: C.flight, values: liveSeries('inFlight') },
    ],
  });
  renderChart(charts.states, {
    domain, stacked: true, integer: true, fmt: countFmt,
    // Only states seen in the window (legend stays one line); "ready" always.
    series: STATES.filter((s) => s === 'ready' || (s !== 'closed' && store.live.some((p) => p.byState[s]))).map((s) => ({
      name: humanState(s), color: STATE_COLORS[s], values: store.live.map((p) => [p.t, p.byState[s] || 0]),
    })),
  });
}

function renderCharts() {
  if (!visible) return;
  const now = Date.now() / 1000;
  const live = liveDomain();
  if (range === 'live' || !stats) {
    renderChart(charts.throughput, {
      domain: live, fmt: fmtRateAxis,
      series: [
        { name: 'Requests/s', color: C.rps, area: true, values: liveSeries('rps') },
        { name: 'Errors/s', color: C.err, area: true,
          values: store.live.map((p) => [p.t, isNum(p.rps) && isNum(p.errRate) ? p.rps * p.errRate : null]) },
      ],
    });
    renderChart(charts.latency, {
      domain: live, fmt: fmtSecs,
      series: [
        { name: 'TTFT p50', color: C.p50, values: liveSeries('p50') },
        { name: 'TTFT p95', color: C.p95, values: liveSeries('p95') },
      ],
    });
  } else {
    const series = (stats.series || []).slice().sort((a, b) => a.t - b.t);
    const step = bucketStep(series, stats.window_s);
    const domain = [now - (stats.window_s || 3600), now];
    renderChart(charts.throughput, {
      domain, fmt: fmtRateAxis,
      series: [
        { name: 'Requests/s', color: C.rps, area: true, values: series.map((p) => [p.t, isNum(p.requests) ? p.requests / step : null]) },
        { name: 'Errors/s', color: C.err, area: true, values: series.map((p) => [p.t, isNum(p.errors) ? p.errors / step : null]) },
      ],
    });
    renderChart(charts.latency, {
      domain, fmt: fmtSecs,
      series: [
        { name: 'TTFT p50', color: C.p50, values: series.map((p) => [p.t, p.ttft_p50 ?? null]) },
        { name: 'TTFT p95', color: C.p95, values: series.map((p) => [p.t, p.ttft_p95 ?? null]) },
        { name: 'Duration p95', color: C.dur, dash: true, values: series.map((p) => [p.t, p.duration_p95 ?? null]) },
      ],
    });
  }
  renderQueueStates(live);
}

function bucketStep(series, windowS) {
  const diffs = [];
  for (let i = 1; i < series.length; i++) diffs.push(series[i].t - series[i - 1].t);
  diffs.sort((a, b) => a - b);
  const med = diffs.length ? diffs[Math.floor(diffs.length / 2)] : 0;
  if (med > 0) return med;
  return series.length ? Math.max(1, (windowS || 3600) / series.length) : 60;
}

function renderWindowSummary() {
  const box = $('#window-summary', root);
  show(box, !!stats);
  if (!stats) return;
  const parts = [
    ['Requests', fmtInt(stats.total)], ['Errors', `${fmtInt(stats.errors)} (${fmtPct(stats.error_rate)})`],
    ['TTFT p50', fmtSecs(stats.ttft_p50)], ['TTFT p95', fmtSecs(stats.ttft_p95)],
    ['Duration p50', fmtSecs(stats.duration_p50)], ['Duration p95', fmtSecs(stats.duration_p95)],
  ];
  box.replaceChildren(h('span', { class: 'muted', text: `Last ${range}:` }),
    ...parts.map(([k, v]) => h('span', { class: 'ws-item' }, `${k} `, h('b', { class: 'num', text: v }))));
  renderPerModel();
}

function renderPerModel() {
  fillPerModel($('#per-model', root), stats, range);
}

function renderActivity() {
  if (!root) return;
  const list = $('#activity-list', root);
  show($('#activity-empty', root), store.activity.length === 0);
  syncRows(list, store.activity.slice(0, 12), (a) => `${a.at}|${a.text}`,
    (a) => h('li', { 'data-kind': a.kind },
      h('span', { class: 'num muted act-time', text: fmtClock(a.at) }),
      h('span', { class: 'dot', 'data-state': a.state }), h('span', { class: 'act-text', text: a.text })),
    () => {});
}
