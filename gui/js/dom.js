// Small DOM helpers: element builder and in-place updates (no re-render, no layout jumps).

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    // Through the CSSOM: the CSP (style-src 'self') refuses style attributes.
    else if (k === 'style') el.style.cssText = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export function $(sel, root = document) { return root.querySelector(sel); }
export function $$(sel, root = document) { return Array.from(root.querySelectorAll(sel)); }

/** Set text only when it changed (keeps selection and avoids needless reflow). */
export function setText(el, text) {
  const s = text == null ? '' : String(text);
  if (el.textContent !== s) el.textContent = s;
}

/** Set or remove an attribute only when it changed. */
export function setAttr(el, name, value) {
  if (value == null || value === false) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else {
    const s = value === true ? '' : String(value);
    if (el.getAttribute(name) !== s) el.setAttribute(name, s);
  }
}

export function show(el, visible) {
  if (el.hidden === !visible) return;
  el.hidden = !visible;
}

/**
 * Keyed reconciliation of a list of rows inside `parent`.
 * Rows are reused by key (create once, update in place), reordered minimally, removed when gone.
 */
export function syncRows(parent, items, keyOf, create, update) {
  const existing = new Map();
  for (const row of Array.from(parent.children)) {
    if (row.dataset.key != null) existing.set(row.dataset.key, row);
  }
  const seen = new Set();
  let prev = null;
  for (const item of items) {
    let key = String(keyOf(item));
    for (let n = 2; seen.has(key); n++) key = `${keyOf(item)}#${n}`; // duplicate keys stay distinct
    seen.add(key);
    let row = existing.get(key);
    if (!row) {
      row = create(item);
      row.dataset.key = key;
    }
    update(row, item);
    const want = prev ? prev.nextSibling : parent.firstChild;
    if (want !== row) parent.insertBefore(row, want);
    prev = row;
  }
  for (const [key, row] of existing) if (!seen.has(key)) row.remove();
}

/** Natural sort for ids like i-2 < i-10. */
export function naturalCompare(a, b) {
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}
