// A request's detail drawer: where it went (attempts, failovers, queue wait), how fast
// (TTFT, duration) and, when it failed, the error exactly as the client saw it.

import { h, $, setText, show } from '../dom.js';
import { fmtInt, fmtSecs, fmtDateTime, DASH } from '../format.js';

let drawer = null;

function build() {
  drawer = h('aside', { class: 'drawer', id: 'request-drawer', role: 'dialog', 'aria-label': 'Request detail', hidden: true },
    h('header', { class: 'drawer-head' },
      h('h2', { id: 'request-drawer-title', text: 'Request' }),
      h('button', { type: 'button', class: 'btn btn-sm btn-ghost', 'data-action': 'close-drawer', text: 'Close', onclick: closeDetail })),
    h('dl', { class: 'facts', id: 'request-facts' }),
    h('section', { class: 'drawer-part', id: 'request-failovers-part' },
      h('h3', { text: 'Failovers' }), h('ol', { class: 'failovers', id: 'request-failovers' })),
    h('section', { class: 'drawer-part', id: 'request-error-part' },
      h('h3', { text: 'Error as the client saw it' }), h('pre', { class: 'client-error', id: 'request-error' })));
  document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape' && drawer && !drawer.hidden) closeDetail(); });
  document.body.append(drawer);
}

function fact(term, value) {
  return [h('dt', { text: term }), h('dd', { text: value == null || value === '' ? DASH : String(value) })];
}

/** Show one history row in the drawer. */
export function openDetail(r) {
  if (!drawer) build();
  const failed = Number(r.status) >= 400 || !!r.error_kind;
  setText($('#request-drawer-title', drawer), r.request_id || 'Request');
  $('#request-facts', drawer).replaceChildren(
    ...fact('Time', fmtDateTime(r.ts)),
    ...fact('Model', r.model),
    ...fact('Status', `${r.status}${r.error_kind ? ` · ${r.error_kind}` : ''}`),
    ...fact('Instance', r.instance_id),
    ...fact('Strategy', r.strategy),
    ...fact('Attempts', fmtInt(r.attempts)),
    ...fact('Queue wait', fmtSecs(r.queue_wait_s)),
    ...fact('TTFT', fmtSecs(r.ttft_s)),
    ...fact('Duration', fmtSecs(r.duration_s)),
    ...fact('Tokens', `${fmtInt(r.prompt_tokens)} prompt / ${fmtInt(r.completion_tokens)} completion (estimated)`),
    ...fact('Mode', r.stream ? 'stream' : 'json'));
  const hops = String(r.failovers || '').split('; ').filter(Boolean);
  $('#request-failovers', drawer).replaceChildren(...hops.map((x) => h('li', { class: 'mono', text: x })));
  show($('#request-failovers-part', drawer), hops.length > 0);
  setText($('#request-error', drawer), r.error || (failed ? '(no message recorded)' : ''));
  show($('#request-error-part', drawer), failed);
  drawer.dataset.requestId = r.request_id || '';
  show(drawer, true);
}

export function closeDetail() {
  if (drawer) show(drawer, false);
}
