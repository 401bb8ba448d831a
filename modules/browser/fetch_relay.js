// Installed into every instance page (add_init_script). Runs upstream calls with the
// page's own fetch (same origin, the page's cookies) and buffers the body's chunks so
// the coordinator collects them in batches: one long-poll per batch, never one round
// trip per chunk. Under load chunks coalesce while the previous batch is in flight.
(() => {
  if (window.__bridgeRelay) return;
  const streams = new Map();
  const wake = (s) => { const w = s.waiter; s.waiter = null; if (w) w(); };
  window.__bridgeRelay = {
    start(id, method, path, bodyText, contentType) {
      const s = { chunks: [], head: null, headSent: false, done: false, error: null,
                  waiter: null, ctrl: new AbortController() };
      streams.set(id, s);
      (async () => {
        try {
          const init = { method, credentials: "include", signal: s.ctrl.signal,
                         headers: { "Content-Type": contentType } };
          if (bodyText !== null) init.body = bodyText;
          const r = await fetch(path, init);
          s.head = { status: r.status, retryAfter: r.headers.get("retry-after"),
                     contentType: r.headers.get("content-type") || "" };
          wake(s);
          const reader = r.body.getReader();
          const dec = new TextDecoder();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            s.chunks.push(dec.decode(value, { stream: true }));
            wake(s);
          }
          const tail = dec.decode();
          if (tail) s.chunks.push(tail);
        } catch (e) {
          s.error = (e && e.name === "AbortError") ? "aborted" : String(e && e.message || e);
        }
        s.done = true;
        wake(s);
      })();
      return true;
    },
    async next(id, maxWaitMs) {
      const s = streams.get(id);
      if (!s) return { head: null, data: "", done: true, error: "unknown stream" };
      const ready = () => s.chunks.length || s.done || (s.head && !s.headSent);
      if (!ready()) {
        await new Promise((res) => { s.waiter = res; setTimeout(res, maxWaitMs); });
      }
      const out = { head: null, data: s.chunks.join(""), done: s.done, error: s.error };
      s.chunks = [];
      if (s.head && !s.headSent) { out.head = s.head; s.headSent = true; }
      if (s.done) streams.delete(id);
      return out;
    },
    abort(id) {
      const s = streams.get(id);
      if (s) { s.ctrl.abort(); streams.delete(id); }
      return !!s;
    },
    active() { return streams.size; },
  };
})();
