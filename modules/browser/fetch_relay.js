// Installed into every instance page (add_init_script). A stream enters the relay in one of
// two ways: `start` runs an upstream call with the page's own fetch (transport `fetch`);
// `arm` waits for the page's own next request to a stream URL, made by the site's code
// when a person (or the bridge) sends from the composer, and tees its response (transport
// `compose`). The request itself goes out as the page built it: the hook only adds an
// abort signal, so the bridge can cancel it. Either way the body's chunks are buffered
// and the coordinator collects them in batches: one long-poll per batch, never one round
// trip per chunk (`start` is itself the first long-poll). Under load chunks coalesce
// while the previous batch is in flight.
(() => {
  if (window.__bridgeRelay) return;
  const pageFetch = window.fetch;
  const streams = new Map();
  const armed = [];
  const wake = (s) => { const w = s.waiter; s.waiter = null; if (w) w(); };
  const open = (id) => {
    const s = { chunks: [], head: null, headSent: false, done: false, error: null,
                waiter: null, ctrl: new AbortController(), request: null, requestSent: false };
    streams.set(id, s);
    return s;
  };
  const fail = (s, e) => {
    s.error = (e && e.name === "AbortError") ? "aborted" : String(e && e.message || e);
    s.done = true;
    wake(s);
  };
  async function pump(s, r, body) {
    s.head = { status: r.status, retryAfter: r.headers.get("retry-after"),
               contentType: r.headers.get("content-type") || "",
               ratelimit: r.headers.get("ratelimit") };
    wake(s);
    try {
      if (body) {
        const reader = body.getReader();
        const dec = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          s.chunks.push(dec.decode(value, { stream: true }));
          wake(s);
        }
        const tail = dec.decode();
        if (tail) s.chunks.push(tail);
      }
      s.done = true;
      wake(s);
    } catch (e) { fail(s, e); }
  }
  const pathOf = (input) => {
    const raw = input instanceof Request ? input.url : String(input);
    try { return new URL(raw, location.href).pathname; } catch { return ""; }
  };
  // Read-only: which evaluation this request belongs to (its body's id, else the path's end).
  const evaluationOf = (path, init) => {
    try {
      const body = init && typeof init.body === "string" ? JSON.parse(init.body) : null;
      if (body && typeof body.id === "string") return body.id;
    } catch { /* not JSON: fall back to the path */ }
    return path.split("/").filter(Boolean).pop() || null;
  };
  window.fetch = function (input, init) {
    const path = pathOf(input);
    const at = armed.findIndex((s) => path.startsWith(s.prefix));
    if (at < 0) return pageFetch.apply(this, arguments);
    const s = armed.splice(at, 1)[0];
    const method = (init && init.method) || (input instanceof Request ? input.method : "GET");
    s.request = { path, method: method.toUpperCase(), evaluationId: evaluationOf(path, init) };
    wake(s);
    const signals = [s.ctrl.signal];
    if (init && init.signal) signals.push(init.signal);
    if (input instanceof Request) signals.push(input.signal);
    const sent = pageFetch.call(this, input, { ...(init || {}), signal: AbortSignal.any(signals) });
    return sent.then((r) => {
      if (!r.body) { pump(s, r, null); return r; }
      const [mine, theirs] = r.body.tee();
      pump(s, r, mine);
      const copy = new Response(theirs, { status: r.status, statusText: r.statusText,
                                          headers: r.headers });
      Object.defineProperties(copy, { url: { value: r.url }, redirected: { value: r.redirected } });
      return copy;
    }, (e) => { fail(s, e); throw e; });
  };
  window.__bridgeRelay = {
    // Starts the fetch and answers like `next`: with the head once it is in (the way out
    // and the head's wait cost one round trip from Python, not two).
    start(id, method, path, bodyText, contentType, maxWaitMs) {
      const s = open(id);
      const init = { method, credentials: "include", signal: s.ctrl.signal,
                     headers: { "Content-Type": contentType } };
      if (bodyText !== null) init.body = bodyText;
      pageFetch.call(window, path, init).then((r) => pump(s, r, r.body), (e) => fail(s, e));
      return this.next(id, maxWaitMs);
    },
    arm(id, prefix) {
      const s = open(id);
      s.prefix = prefix;
      armed.push(s);
      return true;
    },
    async next(id, maxWaitMs) {
      const s = streams.get(id);
      if (!s) return { head: null, data: "", done: true, error: "unknown stream", request: null };
      const fresh = () => (s.head && !s.headSent) || (s.request && !s.requestSent);
      if (!(s.chunks.length || s.done || fresh())) {
        await new Promise((res) => { s.waiter = res; setTimeout(res, maxWaitMs); });
      }
      const out = { head: null, data: s.chunks.join(""), done: s.done, error: s.error,
                    request: null };
      s.chunks = [];
      if (s.head && !s.headSent) { out.head = s.head; s.headSent = true; }
      if (s.request && !s.requestSent) { out.request = s.request; s.requestSent = true; }
      if (s.done) streams.delete(id);
      return out;
    },
    abort(id) {
      const s = streams.get(id);
      const at = armed.indexOf(s);
      if (at >= 0) armed.splice(at, 1);
      if (s) { s.ctrl.abort(); streams.delete(id); }
      return !!s;
    },
    active() { return streams.size; },
  };
})();
