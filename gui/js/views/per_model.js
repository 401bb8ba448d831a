// The Overview's "By model" card: each model's figures over the chosen window, the models
// a firing degradation alert names, and CSV downloads of the window's stats.

import { h, $, setAttr, show } from '../dom.js';
import { qs } from '../api.js';
import { store } from '../store.js';
import { fmtInt, fmtPct, fmtSecs, isNum } from '../format.js';

/** The card, empty until render() fills it. */
export function perModelCard() {
  return h('div', { class: 'card per-model', id: 'per-model', hidden: true },
    h('div', { class: 'card-head' },
      h('h3', { text: 'By model' }),
      h('span', { class: 'card-actions' },
        h('a', { class: 'btn btn-sm btn-ghost', 'data-action': 'download-stats-model', download: '', text: 'CSV by model' }),
        h('a', { class: 'btn btn-sm btn-ghost', 'data-action': 'download-stats-series', download: '', text: 'CSV over time' }))),
    h('table', { class: 'table compact' }, h('thead'), h('tbody')));
}

/** Models named by firing alerts (degradation rules carry `models`), with their rules. */
export function degradedModels() {
  const out = new Map();
  for (const alert of store.alertsActive.values()) {
    for (const m of alert.models || []) out.set(m, [...(out.get(m) || []), alert.rule]);
  }
  return out;
}

function fmtCell(k, v) {
  if (!isNum(v)) return v == null ? '—' : String(v);
  if (/rate/.test(k)) return fmtPct(v);
  return /(ttft|duration|latency|_s$)/.test(k) ? fmtSecs(v) : fmtInt(v);
}

function modelCell(m, rules) {
  const td = h('td', {}, m);
  if (rules) td.append(' ', h('span', { class: 'pill', 'data-state': 'firing', title: `Firing: ${rules.join(', ')}`, text: 'degraded' }));
  return td;
}

/** Fill the card from a /api/stats answer of window `range`. */
export function fillPerModel(box, stats, range) {
  const pm = (stats && stats.per_model) || {};
  const models = Object.keys(pm).sort();
  show(box, models.length > 0);
  if (!models.length) return;
  for (const table of ['model', 'series']) {
    setAttr($(`[data-action="download-stats-${table}"]`, box), 'href', `api/stats/export${qs({ window: range, table })}`);
  }
  const degraded = degradedModels();
  const cols = Array.from(new Set(models.flatMap((m) => Object.keys(pm[m] || {})))).filter((k) => k !== 'model');
  $('thead', box).replaceChildren(h('tr', {}, h('th', { text: 'Model' }), cols.map((c) => h('th', { class: 'num', text: c.replace(/_/g, ' ') }))));
  $('tbody', box).replaceChildren(...models.map((m) => h('tr', { 'data-model': m, class: degraded.has(m) ? 'row-firing' : null },
    modelCell(m, degraded.get(m)), cols.map((c) => h('td', { class: 'num', text: fmtCell(c, pm[m][c]) })))));
}
