// Shared client state fed by the API and the SSE feed. Views subscribe to named topics.

import { naturalCompare } from './dom.js';

const LIVE_WINDOW_S = 600; // keep ~10 minutes of per-second samples
export const STATES = ['ready', 'busy', 'starting', 'cooling_down', 'unhealthy', 'needs_attention', 'draining', 'closed'];

const listeners = new Map(); // topic -> Set<fn>

export const store = {
  status: null,          // last Status (from /api/status or summary)
  instances: new Map(),  // id -> Instance
  live: [],              // [{t, rps, errRate, p50, p95, queue, inFlight, byState}]
  activity: [],          // newest first: {at, kind, text, state}
  alertsActive: new Map(), // rule -> Alert
  alertsHistory: [],     // rows from /api/alerts plus resolved alerts seen live
  alertRules: [],
  models: new Set(),     // models seen in history
  connection: 'connecting',
};

export function on(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(fn);
  return () => listeners.get(topic).delete(fn);
}

export function emit(topic, payload) {
  for (const fn of listeners.get(topic) || []) {
    try { fn(payload); } catch (e) { console.error(`listener for ${topic} failed`, e); }
  }
}

export function sortedInstances() {
  return Array.from(store.instances.values()).sort((a, b) => naturalCompare(a.id, b.id));
}

export function attentionInstances() {
  return sortedInstances().filter((i) => i.state === 'needs_attention');
}

export function setStatus(status) {
  store.status = status;
  emit('status', status);
}

export function setInstances(list) {
  store.instances = new Map((list || []).map((i) => [i.id, i]));
  emit('instances');
}

export function upsertInstance(inst) {
  if (!inst || !inst.id) return;
  store.instances.set(inst.id, { ...(store.instances.get(inst.id) || {}), ...inst });
  emit('instances');
}

/** A `summary` SSE event: Status plus instances. */
export function applySummary(data) {
  const { instances, ...status } = data;
  setStatus(status);
  if (Array.isArray(instances)) setInstances(instances);
  const now = Date.now() / 1000;
  const rates = status.rates || {};
  const pool = status.pool || {};
  store.live.push({
    t: now,
    rps: rates.requests_per_s ?? null,
    errRate: rates.error_rate ?? null,
    p50: rates.ttft_p50_s ?? null,
    p95: rates.ttft_p95_s ?? null,
    queue: status.queue ? status.queue.depth : null,
    inFlight: pool.in_flight ?? null,
    byState: { ...(pool.by_state || {}) },
  });
  while (store.live.length && store.live[0].t < now - LIVE_WINDOW_S) store.live.shift();
  emit('live');
}

function pushActivity(entry) {
  store.activity.unshift(entry);
  if (store.activity.length > 100) store.activity.length = 100;
  emit('activity');
}

/** An `instance` SSE event: a state change. */
export function applyInstanceEvent(ev) {
  const inst = store.instances.get(ev.id);
  if (inst) {
    inst.state = ev.new_state;
    if (ev.reason) inst.state_reason = ev.reason;
    emit('instances');
  }
  pushActivity({
    at: ev.at ?? Date.now() / 1000,
    kind: 'instance',
    state: ev.new_state,
    text: `${ev.id}: ${ev.old_state || '?'} → ${ev.new_state}${ev.reason ? ` (${ev.reason})` : ''}`,
  });
}

/** A `scale` SSE event. */
export function applyScaleEvent(ev) {
  pushActivity({
    at: ev.at ?? Date.now() / 1000,
    kind: 'scale',
    state: ev.action,
    text: `Autoscaler ${ev.action}: ${ev.current} → ${ev.target}${ev.reason ? ` (${ev.reason})` : ''}`,
  });
}

/** An `alert` SSE event (firing or resolved). */
export function applyAlertEvent(alert) {
  const key = alert.rule || alert.kind;
  if (alert.state === 'resolved') {
    const was = store.alertsActive.get(key);
    store.alertsActive.delete(key);
    store.alertsHistory.unshift({ ...(was || {}), ...alert, resolved_at: alert.at });
  } else {
    store.alertsActive.set(key, alert);
    store.alertsHistory.unshift({ ...alert });
  }
  if (store.alertsHistory.length > 500) store.alertsHistory.length = 500;
  pushActivity({
    at: alert.at ?? Date.now() / 1000,
    kind: 'alert',
    state: alert.state,
    text: `Alert ${alert.state}: ${alert.message || key}`,
  });
  emit('alerts');
}

/** GET /api/alerts answer. */
export function setAlerts(data) {
  store.alertsActive = new Map((data.active || []).map((a) => [a.rule || a.kind, a]));
  store.alertsHistory = Array.isArray(data.history) ? data.history.slice() : [];
  store.alertRules = Array.isArray(data.rules) ? data.rules : [];
  emit('alerts');
}

export function setConnection(state) {
  store.connection = state;
  emit('connection', state);
}

export function resetStore() {
  store.status = null;
  store.instances = new Map();
  store.live = [];
  store.activity = [];
  store.alertsActive = new Map();
  store.alertsHistory = [];
}

/** State colours (mirrors css/base.css) for charts. */
export const STATE_COLORS = {
  ready: '#22c55e', busy: '#3b82f6', starting: '#9ca3af', cooling_down: '#f59e0b',
  unhealthy: '#ef4444', needs_attention: '#ec4899', draining: '#a855f7', closed: '#4b5563',
};
