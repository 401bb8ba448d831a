// Alerts: active alerts (live), past alerts, and the rule table.

import { h, $, setText, setAttr, show, syncRows } from '../dom.js';
import { get } from '../api.js';
import { store, on, setAlerts } from '../store.js';
import { loadSchema, unitOf } from '../schema.js';
import { fmtDateTime, fmtAgo, fmtAge, fmtNum, fmtSecs, fmtInt, fmtPct, isNum, DASH } from '../format.js';

let root;

export function mount(el) {
  root = el;
  el.append(
    h('header', { class: 'page-head' }, h('h1', { text: 'Alerts' }),
      h('button', { type: 'button', class: 'btn btn-sm', 'data-action': 'refresh-alerts', text: 'Refresh', onclick: () => load() })),
    h('h2', { class: 'section-title', text: 'Active' }),
    h('div', { class: 'alert-list', id: 'alerts-active' }),
    h('div', { class: 'card empty ok-empty', id: 'alerts-active-empty', text: 'No active alerts — all rules are within their thresholds.' }),
    h('div', { class: 'stack' },
      h('div', { class: 'card table-card' },
        h('h3', { text: 'Rules' }),
        h('table', { class: 'table compact', id: 'alerts-rules' },
          h('thead', {}, h('tr', {}, ['Rule', 'Kind', 'Threshold', 'Window', 'Min samples', 'Cooldown'].map((c, i) => h('th', { class: i > 1 ? 'num' : null, text: c })))),
          h('tbody')),
        h('div', { class: 'empty', id: 'alerts-rules-empty', text: 'No rules configured' })),
      h('div', { class: 'card table-card' },
        h('h3', { text: 'Past alerts' }),
        h('table', { class: 'table compact', id: 'alerts-history' },
          h('thead', {}, h('tr', {}, ['Time', 'Rule', 'State', 'Value', 'Threshold', 'Message'].map((c, i) => h('th', { class: i === 3 || i === 4 ? 'num' : null, text: c })))),
          h('tbody')),
        h('div', { class: 'empty', id: 'alerts-history-empty', text: 'No alerts so far' }))));
  on('alerts', render);
  setInterval(() => { if (!el.hidden) refreshAges(); }, 5000);
}

export function onShow() {
  load();
  render();
  loadSchema().then(render, () => { /* units fall back to plain numbers */ });
}
export function onHide() {}

export async function load() {
  try {
    setAlerts(await get('api/alerts'));
  } catch (e) { /* toast is noisy for background loads; page keeps last data */ }
}

/** Values and thresholds in the unit the server gives the alert kind (schema). */
export function fmtMetric(kind, v) {
  if (!isNum(v)) return v == null ? DASH : String(v);
  const unit = unitOf(kind);
  if (unit === 'ratio') return fmtPct(v);
  if (unit === 'seconds') return fmtSecs(v);
  if (unit === 'factor') return `×${fmtNum(v)}`;
  return Number.isInteger(v) ? fmtInt(v) : fmtNum(v);
}

function render() {
  if (!root) return;
  const active = Array.from(store.alertsActive.values()).sort((a, b) => (b.at || 0) - (a.at || 0));
  syncRows($('#alerts-active', root), active, (a) => a.rule || a.kind, createActive, updateActive);
  show($('#alerts-active-empty', root), active.length === 0);
  const badge = document.querySelector('[data-badge="alerts"]');
  show(badge, active.length > 0);
  setText(badge, active.length || '');

  // Live alerts carry `at` (and `resolved_at`); rows from the history table carry `ts` and
  // no kind/threshold, which come from the rule of the same name.
  const when = (a) => a.resolved_at || a.at || a.ts || 0;
  const rules = new Map(store.alertRules.map((r) => [r.name, r]));
  const hist = store.alertsHistory.slice().sort((a, b) => when(b) - when(a)).slice(0, 200);
  syncRows($('#alerts-history tbody', root), hist, (a) => `${a.rule}|${a.state}|${when(a)}`, () => {
    const tr = h('tr');
    tr._c = Array.from({ length: 6 }, (_, i) => h('td', { class: i === 3 || i === 4 ? 'num' : i === 0 ? 'tnum' : null }));
    tr._pill = h('span', { class: 'pill' });
    tr._c[2].append(tr._pill);
    tr.append(...tr._c);
    return tr;
  }, (tr, a) => {
    const rule = rules.get(a.rule) || {};
    const kind = a.kind || rule.kind || a.rule;
    setAttr(tr, 'data-rule', a.rule);
    setText(tr._c[0], fmtDateTime(when(a) || null));
    setText(tr._c[1], a.rule || DASH);
    setText(tr._pill, a.state || DASH);
    setAttr(tr._pill, 'data-state', a.state === 'resolved' ? 'ok' : 'error');
    setText(tr._c[3], fmtMetric(kind, a.value));
    setText(tr._c[4], fmtMetric(kind, a.threshold ?? rule.threshold));
    setText(tr._c[5], a.message || '');
  });
  show($('#alerts-history-empty', root), hist.length === 0);

  syncRows($('#alerts-rules tbody', root), store.alertRules, (r) => r.name, () => {
    const tr = h('tr');
    tr._c = Array.from({ length: 6 }, (_, i) => h('td', { class: i > 1 ? 'num' : i === 0 ? 'mono' : null }));
    tr.append(...tr._c);
    return tr;
  }, (tr, r) => {
    setAttr(tr, 'data-rule', r.name);
    tr.classList.toggle('row-firing', store.alertsActive.has(r.name));
    setText(tr._c[0], r.name);
    setText(tr._c[1], r.kind || DASH);
    setText(tr._c[2], fmtMetric(r.kind, r.threshold));
    setText(tr._c[3], isNum(r.window_s) ? fmtAge(r.window_s) : DASH);
    setText(tr._c[4], fmtInt(r.min_samples));
    setText(tr._c[5], isNum(r.cooldown_s) ? fmtAge(r.cooldown_s) : DASH);
  });
  show($('#alerts-rules-empty', root), store.alertRules.length === 0);
}

function createActive(a) {
  const el = h('div', { class: 'card alert-card', 'data-alert-rule': a.rule || a.kind },
    h('div', { class: 'alert-head' },
      h('span', { class: 'pill', 'data-state': 'error', text: 'firing' }),
      h('b', { class: 'alert-rule' }), h('span', { class: 'muted alert-kind' }), h('span', { class: 'muted num alert-age' })),
    h('div', { class: 'alert-msg' }),
    h('div', { class: 'alert-values num' }));
  return el;
}

function updateActive(el, a) {
  setText($('.alert-rule', el), a.rule || a.kind);
  setText($('.alert-kind', el), a.kind && a.kind !== a.rule ? a.kind : '');
  setText($('.alert-age', el), `since ${fmtDateTime(a.at)} (${fmtAgo(a.at)})`);
  setText($('.alert-msg', el), a.message || '');
  setText($('.alert-values', el), `value ${fmtMetric(a.kind, a.value)} · threshold ${fmtMetric(a.kind, a.threshold)}`);
}

function refreshAges() {
  for (const el of root.querySelectorAll('.alert-card')) {
    const a = store.alertsActive.get(el.dataset.alertRule);
    if (a) setText($('.alert-age', el), `since ${fmtDateTime(a.at)} (${fmtAgo(a.at)})`);
  }
}
