// What the server offers (GET /api/settings/schema): strategies, alert kinds and their units.
// Dropdowns and number formats are built from it, so a new strategy or alert kind needs no GUI edit.

import { get } from './api.js';

let loaded = null;
let pending = null;

/** The schema, fetched once (retried on the next call after a failure). */
export function loadSchema() {
  if (loaded) return Promise.resolve(loaded);
  if (!pending) {
    pending = get('api/settings/schema')
      .then((s) => { loaded = s; return s; })
      .finally(() => { pending = null; });
  }
  return pending;
}

/** The unit of an alert kind ('ratio' | 'seconds' | 'count' | 'factor'), or null before the schema loads. */
export function unitOf(kind) {
  const k = loaded && loaded.alert_kinds.find((a) => a.name === kind);
  return k ? k.unit : null;
}
