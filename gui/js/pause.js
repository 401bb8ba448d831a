// The pause switch (sidebar, every page) and the banner while paused: POST api/pause
// {"seconds": N}, 0 resumes. While paused /v1 answers 503 and nothing reaches the site.

import { h, $, setText, show } from './dom.js';
import { post } from './api.js';
import { store, on, setStatus } from './store.js';
import { fmtAge, fmtClock } from './format.js';
import { runAction } from './ui.js';

const DURATIONS = [[900, '15 min'], [3600, '1 hour'], [4 * 3600, '4 hours'], [86400, '24 hours']];
let box;
let banner;

/** Build the switch before `navFoot`'s first child and the banner at the top of `main`. */
export function mountPause(navFoot, main) {
  box = h('div', { class: 'pause-box', 'data-paused': 'false' },
    h('label', { class: 'pause-label' }, 'Pause sending for ',
      h('select', { class: 'pause-for', 'aria-label': 'Pause for' },
        DURATIONS.map(([s, label]) => h('option', { value: String(s), text: label })))),
    h('button', { type: 'button', class: 'btn btn-sm', 'data-action': 'pause', text: 'Pause', onclick: (ev) => pause(ev.currentTarget) }),
    h('div', { class: 'pause-state', hidden: true },
      h('span', { class: 'pause-left num' }),
      h('button', { type: 'button', class: 'btn btn-sm btn-primary', 'data-action': 'resume', text: 'Resume', onclick: (ev) => resume(ev.currentTarget) })));
  navFoot.prepend(box);
  banner = h('div', { id: 'pause-banner', class: 'banner banner-paused', role: 'status', hidden: true },
    h('strong', { text: 'Paused by the operator' }),
    h('span', { class: 'banner-detail' }));
  main.prepend(banner);
  on('status', render);
  setInterval(render, 1000);
}

function leftNow(p) {
  return p && p.paused && p.until ? Math.max(0, p.until - Date.now() / 1000) : 0;
}

function render() {
  const p = store.status && store.status.pause;
  const left = leftNow(p);
  const paused = left > 0;
  box.dataset.paused = String(paused);
  show($('.pause-label', box), !paused);
  show($('[data-action="pause"]', box), !paused);
  show($('.pause-state', box), paused);
  setText($('.pause-left', box), paused ? `Paused · ${fmtAge(left)} left` : '');
  show(banner, paused);
  if (paused) {
    setText($('.banner-detail', banner),
      `Nothing is sent to the site; /v1 answers 503 with Retry-After until ${fmtClock(p.until)} (${fmtAge(left)} from now).`);
  }
}

function apply(view) {
  if (view && store.status) setStatus({ ...store.status, pause: view });
}

async function pause(btn) {
  const seconds = Number($('.pause-for', box).value);
  apply(await runAction(btn, () => post('api/pause', { seconds }), 'Paused: nothing is sent to the site'));
}

async function resume(btn) {
  apply(await runAction(btn, () => post('api/pause', { seconds: 0 }), 'Resumed'));
}
