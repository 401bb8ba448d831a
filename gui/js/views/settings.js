// Settings: strategy and scaling settings; GET /api/settings, PUT /api/settings (changed fields only).

import { h, $, setText } from '../dom.js';
import { get, put } from '../api.js';
import { toast } from '../ui.js';
import { loadSchema } from '../schema.js';

// Strategy choices come from the server (GET /api/settings/schema), not from this file.
function strategyOptions(select, strategies) {
  if (select.options.length === strategies.length) return;
  select.replaceChildren(...strategies.map((s) => h('option', {
    value: s.name, text: `${s.name.replace(/_/g, ' ')} — ${s.description}`,
  })));
}

// name, label, help, input attrs
const FIELDS = [
  ['min_instances', 'Min instances', 'The pool never shrinks below this.', { type: 'number', min: 0, step: 1 }],
  ['max_instances', 'Max instances', 'The pool never grows above this.', { type: 'number', min: 1, step: 1 }],
  ['max_concurrent_per_instance', 'Concurrency per instance', 'Requests one instance serves at once.', { type: 'number', min: 1, step: 1 }],
  ['scale_up_threshold', 'Scale up above', 'Utilisation (in-flight / capacity, 0–1) that adds an instance.', { type: 'number', min: 0, step: 0.05 }],
  ['scale_down_threshold', 'Scale down below', 'Utilisation (0–1) that removes one after the cooldown.', { type: 'number', min: 0, step: 0.05 }],
  ['cooldown_s', 'Cooldown (s)', 'Minimum time between scaling actions.', { type: 'number', min: 0, step: 1 }],
];
const INTS = new Set(['min_instances', 'max_instances', 'max_concurrent_per_instance']);

let root;
let form;
let current = null;

export function mount(el) {
  root = el;
  form = h('form', { id: 'settings-form', class: 'card settings-form', novalidate: true, onsubmit: (ev) => { ev.preventDefault(); save(); } },
    h('fieldset', {},
      h('legend', { text: 'Balancing' }),
      h('label', { class: 'field' }, h('span', { text: 'Strategy' }),
        h('select', { name: 'strategy' }),
        h('small', { class: 'help', text: 'How the next request picks an instance.' })),
      fieldFor(FIELDS[2])),
    h('fieldset', {},
      h('legend', { text: 'Pool size and autoscaling' }),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'autoscale_enabled' }), ' Autoscaling enabled'),
      h('div', { class: 'field-grid' }, [FIELDS[0], FIELDS[1], FIELDS[3], FIELDS[4], FIELDS[5]].map(fieldFor))),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'save-settings', text: 'Save' }),
      h('button', { type: 'button', class: 'btn btn-ghost', 'data-action': 'reload-settings', text: 'Discard changes', onclick: () => load() }),
      h('span', { id: 'settings-status', class: 'form-status', role: 'status' })));
  el.append(
    h('header', { class: 'page-head' }, h('h1', { text: 'Settings' }),
      h('span', { class: 'muted', text: 'Saved to config.jsonc; applies while running.' })),
    form);
}

function fieldFor([name, label, help, attrs]) {
  return h('label', { class: 'field' }, h('span', { text: label }),
    h('input', { name, required: true, ...attrs }), h('small', { class: 'help', text: help }));
}

export function onShow() { load(); }
export function onHide() {}

function status(text, kind) {
  const el = $('#settings-status', root);
  setText(el, text);
  el.dataset.kind = kind || '';
}

async function load() {
  status('Loading…');
  try {
    const [schema, settings] = await Promise.all([loadSchema(), get('api/settings')]);
    strategyOptions(form.elements.strategy, schema.strategies);
    current = settings;
    fill(current);
    status('');
  } catch (e) {
    status(`Could not load settings: ${e.message}`, 'error');
  }
}

function fill(s) {
  const f = form.elements;
  if (s.strategy != null) f.strategy.value = s.strategy;
  f.autoscale_enabled.checked = !!s.autoscale_enabled;
  for (const [name] of FIELDS) f[name].value = s[name] ?? '';
  for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
}

function read() {
  const f = form.elements;
  const out = { strategy: f.strategy.value, autoscale_enabled: f.autoscale_enabled.checked };
  const errors = [];
  for (const [name, label] of FIELDS) {
    const input = f[name];
    const raw = input.value.trim();
    const v = INTS.has(name) ? Number.parseInt(raw, 10) : Number.parseFloat(raw);
    const bad = raw === '' || !Number.isFinite(v) || v < Number(input.min || 0) || (INTS.has(name) && String(v) !== raw);
    input.closest('.field').classList.toggle('invalid', bad);
    if (bad) errors.push(`${label}: enter a ${INTS.has(name) ? 'whole number' : 'number'} ≥ ${input.min || 0}`);
    else out[name] = v;
  }
  if (!errors.length && out.min_instances > out.max_instances) errors.push('Min instances must not exceed max instances');
  if (!errors.length && out.scale_down_threshold >= out.scale_up_threshold) errors.push('Scale down threshold must be below scale up threshold');
  return { out, errors };
}

async function save() {
  const { out, errors } = read();
  if (errors.length) {
    status(errors.join('; '), 'error');
    toast(errors[0], 'error');
    return;
  }
  const changed = {};
  for (const [k, v] of Object.entries(out)) if (!current || current[k] !== v) changed[k] = v;
  if (!Object.keys(changed).length) { status('No changes to save', ''); return; }
  const btn = $('[data-action="save-settings"]', form);
  btn.disabled = true;
  status('Saving…');
  try {
    current = (await put('api/settings', changed)) || { ...current, ...changed };
    fill(current);
    status(`Saved ${new Date().toLocaleTimeString()}`, 'ok');
    toast('Settings saved', 'success');
  } catch (e) {
    status(e.message, 'error');
    if (e.status !== 401) toast(`Settings not saved: ${e.message}`, 'error');
  } finally {
    btn.disabled = false;
  }
}
