// Requests: recent request log from /api/history with filters and auto refresh; a row opens
// its detail drawer; the filtered history downloads as CSV or JSON Lines.

import { h, $, setText, setAttr, show, syncRows } from '../dom.js';
import { get, qs } from '../api.js';
import { store } from '../store.js';
import { fmtInt, fmtSecs, fmtDateTime, DASH } from '../format.js';
import { openDetail } from './request_detail.js';

const COLS = [['Time'], ['Model'], ['Instance'], ['Status'], ['TTFT', 1], ['Duration', 1], ['Tokens', 1, 'prompt / completion tokens (estimated)'],
  ['Attempts', 1], ['Queued', 1, 'time spent waiting in the queue'], ['Mode'],
  ['Chat', 0, 'continued: typed into the conversation\'s own upstream chat; new: a new chat with the whole history'],
  ['Request']];
const REFRESH_MS = 5000;

let root;
let visible = false;
let timer = null;
let loading = false;
let debounce = null;
let lastError = null;

export function mount(el) {
  root = el;
  const form = h('form', { class: 'filters', id: 'requests-filters', onsubmit: (ev) => { ev.preventDefault(); load(); } },
    h('label', { class: 'field inline' }, h('span', { text: 'Model' }),
      h('input', { type: 'search', name: 'model', list: 'models-seen', placeholder: 'any model', autocomplete: 'off',
        oninput: () => { clearTimeout(debounce); debounce = setTimeout(load, 350); } }),
      h('datalist', { id: 'models-seen' })),
    h('label', { class: 'field inline' }, h('span', { text: 'Status' }),
      h('select', { name: 'status', onchange: () => load() },
        h('option', { value: 'all', text: 'All' }), h('option', { value: 'ok', text: 'OK' }), h('option', { value: 'error', text: 'Errors' }),
        h('option', { value: '4xx', text: 'Rejected (4xx)' }), h('option', { value: '5xx', text: 'Failed (5xx)' }))),
    h('label', { class: 'field inline' }, h('span', { text: 'Show' }),
      h('select', { name: 'limit', onchange: () => load() },
        [50, 100, 200, 500].map((n) => h('option', { value: n, text: `${n}`, selected: n === 100 })))),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'autorefresh', checked: true, onchange: schedule }), ' Auto refresh'),
    h('button', { type: 'submit', class: 'btn btn-sm', 'data-action': 'refresh-requests', text: 'Refresh' }),
    h('a', { class: 'btn btn-sm', 'data-action': 'download-csv', href: 'api/history/export?format=csv', download: '', text: 'CSV' }),
    h('a', { class: 'btn btn-sm', 'data-action': 'download-jsonl', href: 'api/history/export?format=jsonl', download: '', text: 'JSONL' }),
    h('span', { class: 'muted num', id: 'requests-updated' }));
  el.append(
    h('header', { class: 'page-head' }, h('h1', { text: 'Requests' }), form),
    h('div', { class: 'card table-card' },
      h('table', { class: 'table dense', id: 'requests-table' },
        h('thead', {}, h('tr', {}, COLS.map(([c, num, title]) => h('th', { class: num ? 'num' : null, title, text: c })))),
        h('tbody')),
      h('div', { class: 'empty', id: 'requests-empty', hidden: true, text: 'No requests yet' })));
  $('#requests-table tbody', el).addEventListener('click', (ev) => {
    const tr = ev.target.closest('tr');
    if (tr && tr._row) openDetail(tr._row);
  });
}

export function onShow() { visible = true; load(); schedule(); }
export function onHide() { visible = false; clearTimeout(timer); }

function schedule() {
  clearTimeout(timer);
  if (visible && $('input[name="autorefresh"]', root).checked) {
    timer = setTimeout(async () => { await load(); schedule(); }, REFRESH_MS);
  }
}

function filters() {
  const f = $('#requests-filters', root);
  const status = f.elements.status.value;
  return {
    model: f.elements.model.value.trim(),
    status: ['error', '4xx', '5xx'].includes(status) ? status : status === 'ok' ? '200' : '',
    limit: f.elements.limit.value,
  };
}

async function load() {
  if (loading || !root) return;
  loading = true;
  const f = filters();
  setDownloads(f);
  try {
    const data = await get(`api/history${qs(f)}`);
    lastError = null;
    render((data && data.requests) || [], f);
    setText($('#requests-updated', root), `updated ${new Date().toLocaleTimeString()}`);
  } catch (e) {
    lastError = e.message;
    setText($('#requests-updated', root), `refresh failed: ${e.message}`);
  } finally {
    loading = false;
  }
}

/** The download links follow the filters (the whole matching history, not just the page). */
function setDownloads(f) {
  const { model, status } = f;
  for (const fmt of ['csv', 'jsonl']) {
    setAttr($(`[data-action="download-${fmt}"]`, root), 'href', `api/history/export${qs({ format: fmt, model, status })}`);
  }
}

function isOk(r) { return Number(r.status) >= 200 && Number(r.status) < 300 && !r.error_kind; }

function createRow() {
  const tr = h('tr');
  const cls = ['tnum', 'model', 'mono', null, 'num', 'num', 'num', 'num', 'num', null, null, 'mono muted'];
  tr._cells = cls.map((c) => h('td', { class: c }));
  tr._status = h('span', { class: 'pill' });
  tr._cells[3].append(tr._status);
  tr.append(...tr._cells);
  return tr;
}

function updateRow(tr, r) {
  const c = tr._cells;
  tr._row = r;
  setAttr(tr, 'data-request-id', r.request_id);
  setAttr(tr, 'title', 'Show the details of this request');
  setAttr(tr, 'data-status', r.status);
  const ok = isOk(r);
  tr.classList.toggle('row-error', !ok);
  setText(c[0], fmtDateTime(r.ts));
  setText(c[1], r.model || DASH);
  setText(c[2], r.instance_id || DASH);
  setText(tr._status, ok ? `${r.status}` : `${r.status ?? 'error'}${r.error_kind ? ` · ${r.error_kind}` : ''}`);
  setAttr(tr._status, 'data-state', ok ? 'ok' : 'error');
  setAttr(tr._status, 'title', [r.error_type, r.user_agent && `client: ${r.user_agent}`].filter(Boolean).join(' · ') || null);
  setText(c[4], fmtSecs(r.ttft_s));
  setText(c[5], fmtSecs(r.duration_s));
  setText(c[6], `${fmtInt(r.prompt_tokens)} / ${fmtInt(r.completion_tokens)}`);
  setText(c[7], fmtInt(r.attempts));
  setText(c[8], fmtSecs(r.queue_wait_s));
  const battle = r.mode && r.mode !== 'direct' ? `${r.mode} · ` : '';  // two models answered
  setText(c[9], `${r.endpoint ? `${r.endpoint} · ` : ''}${battle}${r.stream ? 'stream' : 'json'}`);
  setAttr(c[9], 'title', r.strategy ? `strategy: ${r.strategy}` : null);
  setText(c[10], { hit: 'continued', miss: 'new' }[r.affinity] || DASH);
  setText(c[11], r.request_id ? `…${String(r.request_id).slice(-8)}` : DASH);
  setAttr(c[11], 'title', r.request_id || null);
}

function render(rows, f) {
  let added = false;
  for (const r of rows) if (r.model && !store.models.has(r.model)) { store.models.add(r.model); added = true; }
  if (added) {
    $('#models-seen', root).replaceChildren(...Array.from(store.models).sort().map((m) => h('option', { value: m })));
  }
  syncRows($('#requests-table tbody', root), rows, (r) => r.request_id || `${r.ts}|${r.model}`, createRow, updateRow);
  const empty = $('#requests-empty', root);
  show(empty, rows.length === 0);
  const filtered = f.model || f.status;
  setText(empty, filtered ? 'No requests match these filters' : 'No requests yet');
}
