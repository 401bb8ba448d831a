"""The home page's script: anonymous sign-up on load and a working chat composer.

It reads its paths and names from `window.__ARENA__` (written from the protocol module),
and calls `window.fetch` at send time so the bridge's compose-mode fetch hook sees it.
"""

from __future__ import annotations

PAGE_SCRIPT = r"""
(() => {
  const C = window.__ARENA__;
  const cookie = (name) => {
    for (const part of document.cookie.split('; ')) {
      const i = part.indexOf('=');
      if (part.slice(0, i) === name) return decodeURIComponent(part.slice(i + 1));
    }
    return null;
  };
  const hasAuth = () => cookie(C.authCookie) !== null || cookie(C.authCookie + '.0') !== null;
  const uuid7 = () => {
    const b = crypto.getRandomValues(new Uint8Array(16));
    let ts = Date.now();
    for (let i = 5; i >= 0; i--) { b[i] = ts % 256; ts = Math.floor(ts / 256); }
    b[6] = (b[6] & 0x0f) | 0x70;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };

  // Like the real site: get an anonymous session once, mirror its id into localStorage.
  async function ensureSession() {
    if (!hasAuth() || cookie(C.provisionalCookie) === null) {
      const res = await fetch(C.signUpPath, { method: 'POST', credentials: 'include' });
      if (!res.ok) throw new Error('sign-up failed: ' + res.status);
    }
    localStorage.setItem(C.provisionalStorageKey, cookie(C.provisionalCookie));
    document.body.dataset.session = 'ready';
  }
  ensureSession().catch((e) => { document.body.dataset.session = 'error'; console.error(e); });

  const conv = { sessionId: null, messages: [] };
  const box = document.getElementById('messages');
  const bubble = (cls, text) => {
    const d = document.createElement('div');
    d.className = cls;
    d.textContent = text;
    box.appendChild(d);
    return d;
  };
  const modalityFor = (model) => {
    const out = model.capabilities.outputCapabilities;
    return out.image ? 'image' : out.search ? 'search' : 'chat';
  };

  async function errorText(res) {
    const raw = await res.text();
    try { return res.status + ' ' + JSON.parse(raw).error; } catch { return res.status + ' ' + raw.slice(0, 200); }
  }

  function handleLine(kind, data, view) {
    if (kind === '0') { view.text.textContent += data; }
    else if (kind === 'g') { view.reasoning.textContent += data; }
    else if (kind === '2') {
      for (const item of data) {
        const img = document.createElement('img');
        img.src = item.image;
        img.alt = 'generated image';
        view.box.appendChild(img);
      }
    } else if (kind === 'c') {
      bubble('sources', 'Sources: ' + (data.sources || []).map((s) => s.url).join(', '));
    } else if (kind === '3') { throw new Error(data); }
  }

  async function streamReply(url, body, view) {
    const res = await window.fetch(url, {
      method: 'POST', credentials: 'include',
      headers: { 'Content-Type': C.contentType }, body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(await errorText(res));
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const m = /^([ab])([0-9a-z]):(.*)$/.exec(line);
        if (m) handleLine(m[2], JSON.parse(m[3]), view);
      }
    }
    return view.text.textContent;
  }

  function buildRequest(text, modelId) {
    const first = conv.sessionId === null;
    if (first) conv.sessionId = uuid7();
    const model = C.models.find((m) => m.id === modelId);
    const last = conv.messages[conv.messages.length - 1];
    const common = { experimental_attachments: [], participantPosition: 'a', evaluationSessionId: conv.sessionId, status: 'pending', failureReason: null };
    const user = { ...common, id: uuid7(), role: 'user', content: text, parentMessageIds: last ? [last.id] : [], modelId: null };
    const placeholder = { ...common, id: uuid7(), role: 'assistant', content: '', parentMessageIds: [user.id], modelId };
    const body = {
      id: conv.sessionId, mode: 'direct', modelAId: modelId, userMessageId: user.id,
      modelAMessageId: placeholder.id, modelBMessageId: uuid7(),
      messages: [...conv.messages, user, placeholder], modality: modalityFor(model),
      [C.tokenField]: 'local-page-' + uuid7(),
    };
    const url = first ? C.createPath : C.postPath.replace('{session_id}', conv.sessionId);
    return { first, url, body, user, placeholder };
  }

  async function send(ev) {
    ev.preventDefault();
    const input = document.getElementById('composer-input');
    if (document.body.dataset.streaming === 'busy' || !input.value.trim()) return;
    const req = buildRequest(input.value, document.getElementById('model-select').value);
    bubble('user', input.value);
    input.value = '';
    const view = { box: bubble('assistant', '') };
    view.reasoning = view.box.appendChild(document.createElement('div'));
    view.reasoning.className = 'reasoning';
    view.text = view.box.appendChild(document.createElement('span'));
    document.body.dataset.streaming = 'busy';
    try {
      const reply = await streamReply(req.url, req.body, view);
      conv.messages.push({ ...req.user, status: 'success' }, { ...req.placeholder, content: reply, status: 'success' });
    } catch (e) {
      view.box.className = 'error';
      view.text.textContent = String(e.message || e);
      if (req.first) conv.sessionId = null;
    } finally {
      document.body.dataset.streaming = 'idle';
    }
  }

  document.getElementById('composer').addEventListener('submit', send);
  document.getElementById('composer-input').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey) { ev.preventDefault(); ev.target.form.requestSubmit(); }
  });
})();
"""
