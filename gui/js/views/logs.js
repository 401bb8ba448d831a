// Logs: the bridge's recent log lines (GET /api/logs), then live ones from the event feed;
// filters (level, component, instance, text), pause/resume, follow, and a JSONL download.

import { h, $, setText, setAttr, show } from '../dom.js';
import { get, qs } from '../api.js';
import { on, sortedInstances } from '../store.js';
import { fmtClock } from '../format.js';

const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
const MAX_ROWS = 1000; // lines kept on screen; older ones leave from the top
const FIRST_LOAD = 500;

let root;
let body;
let visible = false;
let paused = false;
let lastSeq = 0; // newest line shown (or skipped while paused)
let missed = 0; // lines that arrived while paused
let generation = 0; // bumps on every reload, so a late answer cannot mix filters
let debounce = null;

export function mount(el) {
  root = el;
  const refilter = () => { clearTimeout(debounce); debounce = setTimeout(reload, 300); };
  const form = h('form', { class: 'filters', id: 'logs-filters', onsubmit: (ev) => { ev.preventDefault(); reload(); } },
    h('label', { class: 'field inline' }, h('span', { text: 'Level' }),
      h('select', { name: 'level', onchange: reload }, LEVELS.slice(0, 4).map((l) => h('option', { value: l, text: `${l}+`, selected: l === 'INFO' })))),
    h('label', { class: 'field inline' }, h('span', { text: 'Component' }),
      h('select', { name: 'component', onchange: reload }, h('option', { value: '', text: 'All' }))),
    h('label', { class: 'field inline' }, h('span', { text: 'Instance' }),
      h('input', { type: 'search', name: 'instance', list: 'logs-instances', placeholder: 'any', autocomplete: 'off', size: 8, oninput: refilter }),
      h('datalist', { id: 'logs-instances' })),
    h('label', { class: 'field inline' }, h('span', { text: 'Text' }),
      h('input', { type: 'search', name: 'text', placeholder: 'contains…', autocomplete: 'off', oninput: refilter })),
    h('button', { type: 'button', class: 'btn btn-sm', 'data-action': 'pause-logs', onclick: togglePause, text: 'Pause' }),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'follow', checked: true, onchange: follow }), ' Follow'),
    h('a', { class: 'btn btn-sm', 'data-action': 'download-logs', href: 'api/logs/export', download: 'bridge-logs.jsonl', text: 'Download JSONL' }),
    h('span', { class: 'muted num', id: 'logs-state' }));
  el.append(
    h('header', { class: 'page-head' }, h('h1', { text: 'Logs' }), form),
    h('div', { class: 'card table-card log-card', id: 'logs-scroll' },
      h('table', { class: 'table dense log-table', id: 'logs-table' },
        h('thead', {}, h('tr', {}, ['Time', 'Level', 'Component', 'Instance', 'Request', 'Message'].map((c) => h('th', { text: c })))),
        h('tbody')),
      h('div', { class: 'empty', id: 'logs-empty', hidden: true, text: 'No log lines match these filters' })));
  body = $('#logs-table tbody', el);
  on('log', onLive);
  on('instances', fillInstances);
}

export function onShow() { visible = true; fillInstances(); reload(); }
export function onHide() { visible = false; }

function filters() {
  const f = $('#logs-filters', root).elements;
  return {
    level: f.level.value,
    component: f.component.value,
    instance: f.instance.value.trim(),
    text: f.text.value.trim(),
  };
}

/** The server's filter rules, for live lines (GET /api/logs applies the same). */
function matches(line, f) {
  return LEVELS.indexOf(line.level) >= LEVELS.indexOf(f.level)
    && (!f.component || line.component === f.component || String(line.logger).startsWith(f.component))
    && (!f.instance || line.instance_id === f.instance)
    && (!f.text || String(line.message).toLowerCase().includes(f.text.toLowerCase()));
}

async function reload() {
  if (!root) return;
  const f = filters();
  const mine = ++generation;
  setAttr($('[data-action="download-logs"]', root), 'href', `api/logs/export${qs(f)}`);
  try {
    const data = await get(`api/logs${qs({ ...f, limit: FIRST_LOAD })}`);
    if (mine !== generation) return;
    body.replaceChildren(...data.logs.map(row));
    lastSeq = Math.max(data.last_seq || 0, ...data.logs.map((l) => l.seq));
    missed = 0;
    fillComponents(data.components || []);
    afterChange();
  } catch (e) {
    setText($('#logs-state', root), `load failed: ${e.message}`);
  }
}

function onLive(line) {
  if (!root || line.seq <= lastSeq) return;
  if (paused) { missed += 1; renderState(); return; }
  lastSeq = line.seq;
  if (!matches(line, filters())) return;
  body.append(row(line));
  while (body.children.length > MAX_ROWS) body.firstElementChild.remove();
  if (visible) afterChange();
}

function togglePause(ev) {
  paused = !paused;
  setText(ev.currentTarget, paused ? 'Resume' : 'Pause');
  setAttr(ev.currentTarget, 'aria-pressed', paused ? 'true' : 'false');
  if (!paused && missed) reload(); // catch up on what arrived meanwhile, filters applied
  renderState();
}

function follow() {
  if ($('input[name="follow"]', root).checked) scrollToEnd();
}

function afterChange() {
  show($('#logs-empty', root), body.children.length === 0);
  if ($('input[name="follow"]', root).checked) scrollToEnd();
  renderState();
}

function scrollToEnd() {
  const box = $('#logs-scroll', root);
  box.scrollTop = box.scrollHeight;
}

function renderState() {
  const n = body.children.length;
  const text = paused ? `paused${missed ? ` · ${missed} new` : ''}` : `${n} line${n === 1 ? '' : 's'} · live`;
  setText($('#logs-state', root), text);
}

function row(line) {
  const tr = h('tr', { 'data-seq': line.seq, 'data-level': line.level },
    h('td', { class: 'num', text: fmtClock(line.ts), title: new Date(line.ts * 1000).toISOString() }),
    h('td', {}, h('span', { class: 'level', 'data-level': line.level, text: line.level })),
    h('td', { class: 'mono', text: line.component, title: line.logger }),
    h('td', { class: 'mono', text: line.instance_id || '' }),
    h('td', { class: 'mono muted', text: line.request_id ? `…${line.request_id.slice(-8)}` : '', title: line.request_id || null }),
    h('td', { class: 'log-msg', text: line.message }));
  return tr;
}

function fillComponents(names) {
  const select = $('select[name="component"]', root);
  const have = new Set(Array.from(select.options).map((o) => o.value));
  for (const name of names) if (!have.has(name)) select.append(h('option', { value: name, text: name }));
}

function fillInstances() {
  if (!root) return;
  const list = $('#logs-instances', root);
  const ids = sortedInstances().map((i) => i.id);
  if (list.dataset.ids === ids.join(',')) return;
  list.dataset.ids = ids.join(',');
  list.replaceChildren(...ids.map((id) => h('option', { value: id })));
}
