// Fetch wrapper for the management API: JSON in/out, OpenAI-shaped errors → readable messages,
// 401 → the app's unauthorized handler (which shows the login form).

export class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // 0 = network failure
    this.body = body;
  }
}

let unauthorizedHandler = null;

/** Register what to do when any call answers 401 (except the login call itself). */
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

function errorMessage(status, statusText, body) {
  const err = body && typeof body === 'object' ? body.error : null;
  if (err && typeof err === 'object' && err.message) return String(err.message);
  if (typeof err === 'string') return err;
  if (body && typeof body === 'object' && typeof body.detail === 'string') return body.detail;
  if (typeof body === 'string' && body.trim() && body.length < 300) return body.trim();
  return `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
}

/**
 * Call the API. Resolves with parsed JSON (or null for 204 / empty bodies).
 * Rejects with ApiError carrying a human-readable message.
 */
export async function api(method, path, body, { quiet401 = false } = {}) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    cache: 'no-store',
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError('Cannot reach the bridge (network error).', 0, null);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!res.ok) {
    const message = errorMessage(res.status, res.statusText, data);
    if (res.status === 401 && !quiet401 && unauthorizedHandler) unauthorizedHandler(message);
    throw new ApiError(message, res.status, data);
  }
  return data;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body, opts);
export const put = (path, body, opts) => api('PUT', path, body, opts);
export const del = (path, opts) => api('DELETE', path, undefined, opts);

/** Build a query string from an object, skipping empty values. */
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}
