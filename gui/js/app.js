// Entry point: session check / login, hash router, live feed wiring.

import { $, $$, show, setAttr } from './dom.js';
import { get, post, onUnauthorized } from './api.js';
import { LiveFeed } from './events.js';
import * as S from './store.js';
import { initConfirmDialog, renderConnection, renderAttentionBanner, toast } from './ui.js';
import { VIEWS, byName, buildShell } from './views.js';
import * as instances from './views/instances.js';
import { mountPause } from './pause.js';

let mounted = false;
let current = null;
let authRequired = false;
let feed = null;

// ---- access ---------------------------------------------------------------------------

function showOnly(which) {
  show($('#boot'), which === 'boot');
  show($('#login-view'), which === 'login');
  show($('#app'), which === 'app');
}

function showLogin(message) {
  if (feed) feed.stop();
  if (current) {
    byName[current].module.onHide();
    show($(`#view-${current}`), false);
    current = null;
  }
  showOnly('login');
  const err = $('#login-error');
  err.textContent = message || '';
  show(err, !!message);
  const input = $('#login-form input[name="key"]');
  input.value = '';
  input.focus();
}

async function onLoginSubmit(ev) {
  ev.preventDefault();
  const form = ev.currentTarget;
  const key = form.elements.key.value;
  const btn = $('[data-action="login"]', form);
  btn.disabled = true;
  try {
    await post('api/login', { key }, { quiet401: true });
    await start();
  } catch (e) {
    showLogin(e.status === 401 ? 'Wrong admin key.' : e.message);
  } finally {
    btn.disabled = false;
  }
}

async function logout() {
  try { await post('api/logout', undefined, { quiet401: true }); } catch (e) { /* cookie may already be gone */ }
  S.resetStore();
  showLogin('');
  if (!authRequired) start(); // nothing to log out of
}

/** Resolves true while we may use the API (used by the feed before reconnecting). */
async function stillAuthorized() {
  const s = await get('api/session');
  if (s.auth_required && !s.authenticated) { showLogin('Your session ended; sign in again.'); return false; }
  return true;
}

async function boot() {
  initConfirmDialog();
  buildShell($('.sidenav .nav-foot'), $('#app .main'));
  mountPause($('.sidenav .nav-foot'), $('#app .main'));
  $('#login-form').addEventListener('submit', onLoginSubmit);
  $('[data-action="logout"]').addEventListener('click', logout);
  onUnauthorized((msg) => showLogin(msg && !/^HTTP 401/.test(msg) ? msg : 'Please sign in with the admin key.'));
  window.addEventListener('hashchange', route);
  await checkSession();
}

async function checkSession() {
  let s;
  try {
    s = await get('api/session');
  } catch (e) {
    $('#boot').textContent = `Cannot reach the bridge: ${e.message} Retrying…`;
    setTimeout(checkSession, 3000);
    return;
  }
  authRequired = !!s.auth_required;
  show($('[data-action="logout"]'), authRequired);
  if (authRequired && !s.authenticated) showLogin('');
  else await start();
}

// ---- app ------------------------------------------------------------------------------

async function start() {
  showOnly('app');
  if (!mounted) {
    mounted = true;
    for (const v of VIEWS) v.module.mount($(`#view-${v.name}`));
    S.on('instances', () => renderAttentionBanner(S.attentionInstances(), instances.openVisibly));
    S.on('connection', renderConnection);
    feed = new LiveFeed({
      url: 'api/events',
      onEvent: dispatch,
      onState: S.setConnection,
      checkAuth: stillAuthorized,
    });
  }
  route();
  // Fill quickly before the first summary arrives.
  const initial = await Promise.allSettled([get('api/status'), get('api/instances'), get('api/alerts')]);
  if (initial[0].status === 'fulfilled' && initial[0].value) S.setStatus(initial[0].value);
  if (initial[1].status === 'fulfilled' && initial[1].value) S.setInstances(initial[1].value.instances);
  if (initial[2].status === 'fulfilled' && initial[2].value) S.setAlerts(initial[2].value);
  if (initial.some((r) => r.status === 'rejected' && r.reason && r.reason.status === 401)) return;
  if (initial.every((r) => r.status === 'rejected')) toast(`Could not load data: ${initial[0].reason.message}`, 'error');
  feed.start();
}

function dispatch(name, data) {
  if (name === 'summary') S.applySummary(data);
  else if (name === 'instance') S.applyInstanceEvent(data);
  else if (name === 'alert') S.applyAlertEvent(data);
  else if (name === 'scale') S.applyScaleEvent(data);
  else if (name === 'log') S.emit('log', data);
}

function route() {
  if ($('#app').hidden) return;
  let name = (location.hash || '').replace(/^#\/?/, '');
  if (!byName[name]) name = VIEWS[0].name;
  if (name === current) return;
  if (current) {
    byName[current].module.onHide();
    show($(`#view-${current}`), false);
  }
  current = name;
  show($(`#view-${name}`), true);
  for (const a of $$('.sidenav a[data-view]')) setAttr(a, 'aria-current', a.dataset.view === name ? 'page' : null);
  document.title = `${byName[name].title} · LMArena Bridge`;
  byName[name].module.onShow();
}

boot();
