// The "Add instance" dialog: optional label, proxy (server, user, password), window and
// concurrency, and an account (a saved login: a Playwright storage-state file or the
// arena-auth-prod-v1 cookie value), sent as POST /api/instances. Empty fields mean "the
// pool's default"; without a login the instance signs up anonymously.

import { h, $, setText, show } from '../dom.js';
import { post } from '../api.js';

let dialog = null;
let pending = null; // resolves the open() promise

function field(label, input, help) {
  return h('label', { class: 'field' }, h('span', { text: label }), input, help ? h('span', { class: 'help', text: help }) : null);
}

function build() {
  const form = h('form', { method: 'dialog', id: 'add-instance-form', autocomplete: 'off', onsubmit: submit },
    h('h2', { text: 'Add an instance' }),
    h('p', { text: 'Every field is optional; empty ones take the pool\'s defaults (and a proxy from browser.proxies, if any).' }),
    h('div', { class: 'dialog-grid' },
      field('Label', h('input', { type: 'text', name: 'label', maxlength: 60, placeholder: 'e.g. eu-1' })),
      field('Max concurrent', h('input', { type: 'number', name: 'max_concurrent', min: 1, max: 64, step: 1, placeholder: 'pool default' })),
      field('Proxy server', h('input', { type: 'text', name: 'proxy_server', placeholder: 'http://host:port' }), 'http, https or socks5; kept for the instance\'s whole life'),
      field('Proxy user', h('input', { type: 'text', name: 'proxy_username', autocomplete: 'off' })),
      field('Proxy password', h('input', { type: 'password', name: 'proxy_password', autocomplete: 'new-password' }), 'never shown again, nor logged')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'headed' }), ' Open in a visible window (the bridge needs a display)'),
    h('h3', { text: 'Add account (optional)' }),
    h('p', { class: 'muted', text: 'A login of yours: the bridge checks it with the site (GET /api/me) and keeps it under storage.profiles_dir (owner-only files). Give a storage-state file or a cookie value.' }),
    h('div', { class: 'dialog-grid' },
      field('Storage state file', h('input', { type: 'file', name: 'storage_state', accept: '.json,application/json' }), 'as Playwright saves it (context.storage_state)'),
      field('or arena-auth-prod-v1 cookie', h('input', { type: 'password', name: 'cookie', autocomplete: 'off', placeholder: 'base64-…' }), 'never shown again, nor logged'),
      field('Account name', h('input', { type: 'text', name: 'name', maxlength: 64, placeholder: 'acct-<user id>' }))),
    h('p', { class: 'form-error', role: 'alert', id: 'add-instance-error', hidden: true }),
    h('div', { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'btn', 'data-action': 'cancel-add', text: 'Cancel', onclick: () => close(null) }),
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'submit-add', text: 'Add instance' })));
  dialog = h('dialog', { class: 'dialog dialog-wide', id: 'add-instance-dialog' }, form);
  dialog.addEventListener('cancel', (ev) => { ev.preventDefault(); close(null); });
  document.body.append(dialog);
}

/** The request body from the form; only the fields that were filled in. */
async function body(form) {
  const f = form.elements;
  const out = {};
  if (f.label.value.trim()) out.label = f.label.value.trim();
  if (f.max_concurrent.value) out.max_concurrent = Number(f.max_concurrent.value);
  if (f.headed.checked) out.headed = true;
  const server = f.proxy_server.value.trim();
  if (server) {
    out.proxy = { server };
    if (f.proxy_username.value) out.proxy.username = f.proxy_username.value;
    if (f.proxy_password.value) out.proxy.password = f.proxy_password.value;
  }
  const file = f.storage_state.files && f.storage_state.files[0];
  if (file) {
    try { out.storage_state = JSON.parse(await file.text()); }
    catch { throw new Error('Invalid storage_state: the file is not JSON.'); }
  }
  if (f.cookie.value.trim()) out.cookie = f.cookie.value.trim();
  if (f.name.value.trim()) out.name = f.name.value.trim();
  return out;
}

async function submit(ev) {
  ev.preventDefault();
  const form = ev.currentTarget;
  const btn = $('[data-action="submit-add"]', form);
  const err = $('#add-instance-error', form);
  btn.disabled = true;
  try {
    const res = await post('api/instances', await body(form));
    close(res && res.instance);
  } catch (e) {
    setText(err, e.message);
    show(err, true);
  } finally {
    btn.disabled = false;
  }
}

function close(instance) {
  const form = $('#add-instance-form', dialog);
  form.reset(); // passwords and logins leave the page with the dialog
  show($('#add-instance-error', form), false);
  if (dialog.open) dialog.close();
  if (pending) { pending(instance); pending = null; }
}

/** Show the dialog; resolves with the new instance, or null when cancelled. */
export function openAddDialog() {
  if (!dialog) build();
  if (pending) pending(null);
  return new Promise((resolve) => {
    pending = resolve;
    dialog.showModal();
    $('input[name="label"]', dialog).focus();
  });
}
