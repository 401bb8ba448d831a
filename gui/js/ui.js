// Shared UI pieces: toasts, the confirmation dialog, state pills, banners.

import { h, setText, setAttr, show, $ } from './dom.js';
import { humanState } from './format.js';

/** Show a toast. kind: 'success' | 'error' | 'info'. Errors stay longer and can be dismissed. */
export function toast(message, kind = 'success', ms) {
  const box = document.getElementById('toast');
  const item = h('div', { class: `toast toast-${kind}`, 'data-kind': kind, role: kind === 'error' ? 'alert' : 'status' },
    h('span', { class: 'toast-msg', text: message }),
    h('button', { class: 'toast-close', type: 'button', 'aria-label': 'Dismiss', onclick: () => item.remove() }));
  box.append(item);
  while (box.children.length > 4) box.firstElementChild.remove();
  setTimeout(() => item.remove(), ms ?? (kind === 'error' ? 9000 : 4000));
  return item;
}

let pendingConfirm = null;

/**
 * Ask for confirmation in the modal dialog. Resolves true on confirm, false on cancel/escape.
 * @param {{title: string, message: string, confirmLabel?: string, danger?: boolean}} opts
 */
export function confirmDialog({ title, message, confirmLabel = 'Confirm', danger = true }) {
  const dlg = document.getElementById('confirm-dialog');
  if (pendingConfirm) pendingConfirm(false);
  setText($('#confirm-title', dlg), title);
  setText($('#confirm-message', dlg), message);
  const ok = $('[data-action="confirm"]', dlg);
  setText(ok, confirmLabel);
  ok.className = `btn ${danger ? 'btn-danger' : 'btn-primary'}`;
  return new Promise((resolve) => {
    pendingConfirm = (v) => {
      pendingConfirm = null;
      if (dlg.open) dlg.close();
      resolve(v);
    };
    if (typeof dlg.showModal === 'function') dlg.showModal();
    else dlg.setAttribute('open', '');
    ok.focus();
  });
}

export function initConfirmDialog() {
  const dlg = document.getElementById('confirm-dialog');
  dlg.addEventListener('click', (ev) => {
    const btn = ev.target.closest('[data-action]');
    if (btn && pendingConfirm) pendingConfirm(btn.dataset.action === 'confirm');
    else if (ev.target === dlg && pendingConfirm) pendingConfirm(false); // backdrop click
  });
  dlg.addEventListener('cancel', (ev) => {
    ev.preventDefault();
    if (pendingConfirm) pendingConfirm(false);
  });
}

/** A coloured state pill; update() keeps the same element. */
export function statePill(state) {
  const pill = h('span', { class: 'pill' });
  updatePill(pill, state);
  return pill;
}

export function updatePill(pill, state, title) {
  setAttr(pill, 'data-state', state || 'unknown');
  setText(pill, humanState(state));
  setAttr(pill, 'title', title || null);
}

/** Offline banner + connection indicator in the nav. */
export function renderConnection(state) {
  show(document.getElementById('offline-banner'), state === 'offline');
  const conn = document.getElementById('conn-status');
  setAttr(conn, 'data-conn', state);
  setText($('.conn-text', conn), { online: 'Live', offline: 'Offline — reconnecting', connecting: 'Connecting…' }[state] || state);
}

/**
 * Banner shown on every page while any instance needs attention.
 * @param {Array} list instances in needs_attention
 * @param {(id: string, btn: HTMLElement) => void} onOpen
 */
export function renderAttentionBanner(list, onOpen) {
  const banner = document.getElementById('attention-banner');
  show(banner, list.length > 0);
  if (!list.length) return;
  const ids = list.map((i) => i.id);
  setText($('.banner-title', banner),
    list.length === 1 ? `Instance ${ids[0]} needs attention` : `${list.length} instances need attention`);
  const reasons = list.map((i) => i.state_reason).filter(Boolean);
  setText($('.banner-detail', banner), reasons[0]
    ? `${reasons[0]}. Open it visibly to solve the challenge or log in.`
    : 'A person must solve the challenge or log in in a visible browser window.');
  const actions = $('.banner-actions', banner);
  const key = ids.join(',');
  if (actions.dataset.ids === key) return;
  actions.dataset.ids = key;
  actions.replaceChildren(...list.slice(0, 3).map((i) => h('button', {
    type: 'button', class: 'btn btn-attention btn-sm', 'data-action': 'open', 'data-instance-id': i.id,
    text: list.length === 1 ? 'Open visibly' : `Open ${i.id} visibly`,
    onclick: (ev) => onOpen(i.id, ev.currentTarget),
  })));
  if (list.length > 3) actions.append(h('a', { href: '#instances', class: 'banner-link', text: `+${list.length - 3} more` }));
}

/** Run an async action with a button in busy state; toast the outcome. */
export async function runAction(btn, fn, successMsg) {
  if (btn) { btn.disabled = true; btn.classList.add('is-busy'); }
  try {
    const result = await fn();
    const msg = typeof successMsg === 'function' ? successMsg(result) : successMsg;
    if (msg) toast(msg, 'success');
    return result;
  } catch (e) {
    if (e && e.status !== 401) toast(e.message || String(e), 'error');
    return undefined;
  } finally {
    if (btn && btn.isConnected) { btn.disabled = false; btn.classList.remove('is-busy'); }
  }
}
