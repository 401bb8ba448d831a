// Number, time and id formatting. All numbers render with tabular figures via CSS.

const DASH = '—';

export function isNum(v) { return typeof v === 'number' && Number.isFinite(v); }

export function fmtInt(v) { return isNum(v) ? Math.round(v).toLocaleString('en-US') : DASH; }

export function fmtNum(v, digits = 2) {
  if (!isNum(v)) return DASH;
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(digits);
}

export function fmtRate(v) { return isNum(v) ? `${fmtNum(v, v < 10 ? 2 : 1)}/s` : DASH; }

export function fmtPct(v, digits = 1) {
  if (!isNum(v)) return DASH;
  return `${(v * 100).toFixed(v > 0 && v < 0.001 ? 2 : digits)}%`;
}

/** Seconds → "320 ms" / "1.42 s" / "2m 05s". */
export function fmtSecs(v) {
  if (!isNum(v)) return DASH;
  if (v < 1) return `${Math.round(v * 1000)} ms`;
  if (v < 60) return `${v.toFixed(v < 10 ? 2 : 1)} s`;
  return fmtAge(v);
}

/** Seconds → compact age "45s", "5m 12s", "3h 04m", "2d 3h". */
export function fmtAge(v) {
  if (!isNum(v) || v < 0) return DASH;
  const s = Math.floor(v);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const hr = Math.floor(m / 60);
  if (hr < 48) return `${hr}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(hr / 24)}d ${hr % 24}h`;
}

/** Unix seconds → "12s ago". */
export function fmtAgo(ts) {
  if (!isNum(ts)) return DASH;
  const d = Date.now() / 1000 - ts;
  return d < 1 ? 'just now' : `${fmtAge(d)} ago`;
}

const pad = (n) => String(n).padStart(2, '0');

/** Unix seconds → "14:03:27". */
export function fmtClock(ts) {
  if (!isNum(ts)) return DASH;
  const d = new Date(ts * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Unix seconds → "Nov 23 14:03:27" when not today, else clock. */
export function fmtDateTime(ts) {
  if (!isNum(ts)) return DASH;
  const d = new Date(ts * 1000);
  const today = new Date();
  if (d.toDateString() === today.toDateString()) return fmtClock(ts);
  const mon = d.toLocaleString('en-US', { month: 'short' });
  return `${mon} ${d.getDate()} ${fmtClock(ts)}`;
}

/** Shorten a long id: "3f9c2a1b…e41d". */
export function shortId(id, head = 8) {
  if (id == null || id === '') return DASH;
  const s = String(id);
  return s.length <= head + 5 ? s : `${s.slice(0, head)}…${s.slice(-4)}`;
}

/** The distinctive end of a time-ordered id (UUIDv7 session ids share their first digits). */
export function tailId(id, tail = 12) {
  if (id == null || id === '') return DASH;
  const s = String(id);
  return s.length <= tail + 1 ? s : `…${s.slice(-tail)}`;
}

export function humanState(state) { return state ? String(state).replace(/_/g, ' ') : DASH; }

export { DASH };
