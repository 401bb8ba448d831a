// Instances: live table updated in place by id, with add (a dialog of per-instance settings),
// check / drain-remove / recycle / open actions; each row shows the instance's settings.

import { h, $, setText, setAttr, show, syncRows } from '../dom.js';
import { post, del } from '../api.js';
import { store, on, sortedInstances, upsertInstance } from '../store.js';
import { fmtInt, fmtSecs, fmtAge, tailId, isNum, DASH } from '../format.js';
import { statePill, updatePill, confirmDialog, runAction, toast } from '../ui.js';
import { openAddDialog } from './add_instance.js';

const COLS = ['ID', 'State', 'Browser', 'Session', 'Served', 'In flight', 'Next slot', 'Penalty', 'Latency', 'Last error', ''];
const KEPT_NOTE = 'kept, never replaced';
const COL_TITLES = {
  Served: 'Requests served',
  Latency: 'EWMA latency',
  'Next slot': "When this identity's pace allows its next send",
  Penalty: 'Time left of a penalty the site gave this identity. Nothing is sent to it meanwhile '
    + '(each attempt would extend the flag); it stays in the pool, counts toward max_instances '
    + 'and is never replaced by a fresh identity.',
};
// Fixed column widths (px; null = takes the rest) so live updates never shift the layout.
const COL_WIDTHS = [72, 128, 120, 112, 60, 68, 84, 80, 68, null, 262];
const NUMERIC = new Set([4, 5, 6, 7, 8]);
let root;

export function mount(el) {
  root = el;
  el.append(
    h('header', { class: 'page-head' },
      h('h1', {}, 'Instances ', h('span', { class: 'muted num', id: 'instances-count' })),
      h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'add-instance', onclick: addInstance }, '+ Add instance')),
    h('div', { class: 'card table-card' },
      h('table', { class: 'table fixed', id: 'instances-table' },
        h('colgroup', {}, COL_WIDTHS.map((w) => h('col', { style: w ? `width:${w}px` : null }))),
        h('thead', {}, h('tr', {}, COLS.map((c, i) => h('th', { class: NUMERIC.has(i) ? 'num' : null, title: COL_TITLES[c], text: c })))),
        h('tbody')),
      h('p', { class: 'table-note', id: 'penalty-note', hidden: true,
        text: `Penalised identities are ${KEPT_NOTE}: nothing is sent to them until the penalty ends `
          + '(each attempt would extend it), they count toward max_instances, and the autoscaler '
          + 'does not add instances to make up for them.' }),
      h('div', { class: 'empty', id: 'instances-empty', hidden: true },
        h('p', { text: 'No instances in the pool.' }),
        h('p', { class: 'muted', text: 'Add one to start serving requests (the autoscaler may also add them).' }))));
  $('#instances-table', el).addEventListener('click', onTableClick);
  on('instances', render);
}

export function onShow() { render(); }
export function onHide() {}

function cell(cls) { return h('td', { class: cls || null }); }

function createRow(inst) {
  const tr = h('tr', { 'data-instance-id': inst.id });
  const c = {
    id: cell(), state: cell(), browser: cell(), session: cell(), requests: cell('num'),
    inflight: cell('num'), slot: cell('num'), penalty: cell('num penalty-cell'), ewma: cell('num'),
    error: cell('err-cell'), actions: cell('actions'),
  };
  c.penaltyText = h('div');
  c.penaltyNote = h('div', { class: 'sub' });
  c.penalty.append(c.penaltyText, c.penaltyNote);
  c.idText = h('div', { class: 'mono' });
  c.label = h('div', { class: 'sub' });
  c.id.append(c.idText, c.label);
  c.browserText = h('div');
  c.settings = h('div', { class: 'sub' });
  c.browser.append(c.browserText, c.settings);
  c.pill = statePill(inst.state);
  c.reason = h('div', { class: 'sub reason' });
  c.state.append(c.pill, c.reason);
  c.user = h('span', { class: 'mono' });
  c.age = h('div', { class: 'sub num' });
  c.session.append(c.user, c.age);
  c.errText = h('span');
  c.error.append(c.errText);
  c.check = h('button', { type: 'button', class: 'btn btn-sm btn-ghost', 'data-action': 'check', title: 'Check now: run the health probe at once', text: 'Check' });
  c.open = h('button', { type: 'button', class: 'btn btn-sm', 'data-action': 'open', title: 'Open visibly: show this instance in a visible browser window', text: 'Open' });
  c.recycle = h('button', { type: 'button', class: 'btn btn-sm', 'data-action': 'recycle', title: 'Recycle session: replace it with a fresh one once idle', text: 'Recycle' });
  c.remove = h('button', { type: 'button', class: 'btn btn-sm btn-danger-ghost', 'data-action': 'remove', title: 'Drain / remove: stop new work, close when idle', text: 'Remove' });
  c.save = h('button', { type: 'button', class: 'btn btn-sm btn-ghost', 'data-action': 'save-session', title: 'Save session: keep the login made in this window as an account (it comes back after a restart)', text: 'Save', hidden: true });
  c.actions.append(c.check, c.open, c.recycle, c.remove, c.save);
  tr.append(c.id, c.state, c.browser, c.session, c.requests, c.inflight, c.slot, c.penalty, c.ewma, c.error, c.actions);
  tr._c = c;
  return tr;
}

function updateRow(tr, inst) {
  const c = tr._c;
  setAttr(tr, 'data-state', inst.state);
  tr.classList.toggle('attention', inst.state === 'needs_attention');
  tr.classList.toggle('dim', inst.state === 'closed');
  setText(c.idText, inst.id);
  const spec = inst.settings || {};
  setText(c.label, spec.label || '');
  setAttr(c.label, 'title', spec.label || null);
  updatePill(c.pill, inst.state, inst.state_reason);
  setText(c.reason, inst.state_reason || '');
  setAttr(c.reason, 'title', inst.state_reason || null);
  setText(c.browserText, inst.browser || DASH);
  setAttr(c.browserText, 'title', inst.browser || null);
  const shown = settingsText(spec);
  setText(c.settings, shown);
  setAttr(c.settings, 'title', shown || null);
  updateCheck(c.check, inst.last_check);
  const idn = inst.identity || {};
  const uid = idn.user_id || idn.provisional_user_id;
  setText(c.user, uid ? tailId(uid) : 'no session');
  c.user.classList.toggle('muted', !uid);
  const tip = [idn.user_id && `user_id: ${idn.user_id}`, idn.provisional_user_id && `provisional_user_id: ${idn.provisional_user_id}`,
    idn.last_evaluation_id && `last_evaluation_id: ${idn.last_evaluation_id}`].filter(Boolean).join('\n');
  setAttr(c.user, 'title', tip || null);
  const age = isNum(idn.session_age_s) ? idn.session_age_s
    : isNum(idn.session_started_at) ? Date.now() / 1000 - idn.session_started_at : null;
  const kind = spec.account ? (inst.login_expired ? 'login expired · ' : 'account · ') : '';
  setText(c.age, age == null ? kind : `${kind}age ${fmtAge(age)}${isNum(idn.session_requests) ? ` · ${fmtInt(idn.session_requests)} req` : ''}`);
  c.age.classList.toggle('err', !!inst.login_expired);
  setText(c.requests, fmtInt(inst.requests));
  setText(c.inflight, `${fmtInt(inst.in_flight)}${isNum(inst.max_concurrent) ? ` / ${inst.max_concurrent}` : ''}`);
  updatePace(c, inst.pacing || {});
  setText(c.ewma, fmtSecs(inst.ewma_latency_s));
  const err = inst.last_error ? String(typeof inst.last_error === 'object' ? (inst.last_error.message || JSON.stringify(inst.last_error)) : inst.last_error) : '';
  setText(c.errText, err || DASH);
  c.errText.classList.toggle('muted', !err);
  setAttr(c.error, 'title', err || null);
  const gone = inst.state === 'closed';
  const leaving = gone || inst.state === 'draining';
  if (!c.remove.classList.contains('is-busy')) c.remove.disabled = leaving;
  if (!c.recycle.classList.contains('is-busy')) c.recycle.disabled = leaving;
  if (!c.open.classList.contains('is-busy')) c.open.disabled = gone;
  if (!c.check.classList.contains('is-busy')) c.check.disabled = leaving || inst.state === 'starting';
  // A person logs in in a visible window, or must: "Save" takes the place of "Recycle" then.
  const saving = !leaving && (spec.headed || /\(visible\)/.test(inst.browser || '') || !!inst.login_expired);
  show(c.save, saving);
  show(c.recycle, !saving);
  c.open.className = `btn btn-sm ${inst.state === 'needs_attention' ? 'btn-attention' : 'btn-ghost'}${c.open.classList.contains('is-busy') ? ' is-busy' : ''}`;
}

function render() {
  if (!root) return;
  const list = sortedInstances();
  const tbody = $('#instances-table tbody', root);
  syncRows(tbody, list, (i) => i.id, createRow, updateRow);
  show($('#instances-empty', root), list.length === 0);
  show($('#penalty-note', root), list.some((i) => i.pacing && i.pacing.penalty_s > 0));
  const active = list.filter((i) => i.state !== 'closed').length;
  setText($('#instances-count', root), list.length ? `${active}` : '');
  const badge = document.querySelector('[data-badge="instances"]');
  const attention = list.filter((i) => i.state === 'needs_attention').length;
  show(badge, attention > 0);
  setText(badge, attention ? `${attention}!` : '');
}

function onTableClick(ev) {
  const btn = ev.target.closest('button[data-action]');
  if (!btn) return;
  const tr = btn.closest('tr[data-instance-id]');
  if (!tr) return;
  const id = tr.dataset.instanceId;
  const action = btn.dataset.action;
  if (action === 'open') openVisibly(id, btn);
  else if (action === 'remove') removeInstance(id, btn);
  else if (action === 'recycle') recycleInstance(id, btn);
  else if (action === 'check') checkInstance(id, btn);
  else if (action === 'save-session') saveSession(id, btn);
}

const enc = encodeURIComponent;

/** "proxy host:port · visible · max 2": what was chosen for this instance (never a password). */
function settingsText(spec) {
  const parts = [];
  if (spec.proxy) parts.push(`proxy ${spec.proxy.server.replace(/^[a-z0-9]+:\/\//, '')}${spec.proxy.auth ? ' (login)' : ''}`);
  if (spec.headed) parts.push('visible');
  if (isNum(spec.max_concurrent)) parts.push(`max ${spec.max_concurrent}`);
  return parts.join(' · ');
}

/** "Next slot" and "Penalty": seconds from now; a penalty says the identity is kept. */
function updatePace(c, pace) {
  const wait = pace.next_slot_s;
  setText(c.slot, isNum(wait) ? (wait > 0 ? fmtAge(wait) : 'now') : DASH);
  setAttr(c.slot, 'title', isNum(pace.interval_s) ? `interval ${fmtAge(pace.interval_s)}${isNum(pace.rate_per_hour) ? ` · ${fmtInt(pace.rate_per_hour)} requests/h` : ''}` : null);
  const left = pace.penalty_s;
  const penalised = isNum(left) && left > 0;
  c.penalty.classList.toggle('penalised', penalised);
  setText(c.penaltyText, penalised ? fmtAge(left) : DASH);
  setText(c.penaltyNote, penalised ? `kept${pace.streak > 1 ? ` · ×${pace.streak}` : ''}` : '');
  const refusals = Object.entries(pace.refusals || {}).map(([k, n]) => `${k} ${n}`).join(', ');
  setAttr(c.penalty, 'title', penalised
    ? `Penalised by the site (streak ${pace.streak}); nothing is sent to it for ${fmtAge(left)}. `
      + `It is kept and counts toward max_instances; it is never replaced.${refusals ? ` Refusals: ${refusals}.` : ''}`
    : (refusals ? `Refusals so far: ${refusals}` : null));
}

function updateCheck(btn, check) {
  setAttr(btn, 'data-check', check ? (check.ok ? 'ok' : 'failed') : null);
  setAttr(btn, 'title', check
    ? `Last check ${new Date(check.at * 1000).toLocaleTimeString()}: ${check.verdict}. Click to check now.`
    : 'Check now: run the health probe at once');
}

async function addInstance() {
  const inst = await openAddDialog();
  if (!inst) return;
  upsertInstance(inst);
  toast(`Instance ${inst.id}${inst.label ? ` (${inst.label})` : ''} is starting`, 'success');
}

async function checkInstance(id, btn) {
  const res = await runAction(btn, () => post(`api/instances/${enc(id)}/check`), null);
  if (!res || !res.check) return;
  if (res.instance) upsertInstance(res.instance);
  const { ok, verdict } = res.check;
  toast(`${id}: ${ok ? 'healthy' : 'check failed'}: ${verdict}`, ok ? 'success' : 'error');
}

async function removeInstance(id, btn) {
  const inst = store.instances.get(id) || {};
  const busy = inst.in_flight > 0 ? ` It has ${inst.in_flight} request(s) in flight; they finish first.` : '';
  const ok = await confirmDialog({
    title: `Drain and remove ${id}?`,
    message: `${id} stops taking new work and closes once idle.${busy}`,
    confirmLabel: 'Drain / remove',
  });
  if (!ok) return;
  await runAction(btn, async () => {
    const res = await del(`api/instances/${enc(id)}`);
    if (res && res.instance) upsertInstance(res.instance);
    return res;
  }, `${id} is draining and will close when idle`);
}

async function recycleInstance(id, btn) {
  const ok = await confirmDialog({
    title: `Recycle the session of ${id}?`,
    message: `Once ${id} is idle its browser context is replaced with a fresh one: new cookies and a new user id.`,
    confirmLabel: 'Recycle session',
  });
  if (!ok) return;
  await runAction(btn, async () => {
    const res = await post(`api/instances/${enc(id)}/recycle`);
    if (res && res.instance) upsertInstance(res.instance);
    return res;
  }, `${id} will get a fresh session once idle`);
}

async function saveSession(id, btn) {
  const res = await runAction(btn, () => post(`api/instances/${enc(id)}/save-session`, {}), null);
  if (!res || !res.saved) return;
  if (res.instance) upsertInstance(res.instance);
  toast(`${id}: session saved as account ${res.saved}`, 'success');
}

/** Exported for the attention banner. */
export async function openVisibly(id, btn) {
  await runAction(btn, () => post(`api/instances/${enc(id)}/open`),
    `${id} opened in a visible browser window`);
}
