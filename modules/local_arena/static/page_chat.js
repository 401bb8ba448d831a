// The chat page: anonymous sign-up on load, a composer, a transcript that renders the
// streamed reply. `protocol` (page_send_2025.js or page_send_2026.js) signs up and builds
// each request; every send goes through window.fetch at send time.
const arenaPage = (protocol) => {
  const C = window.__ARENA__;
  const $ = (id) => document.getElementById(id);
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
  const tools = { C, uuid7 };

  // Like the real site: get an anonymous session once (a logged-in account has its auth
  // cookie and no provisional id), mirror the provisional id into localStorage.
  async function ensureSession() {
    if (!hasAuth()) {
      const res = await protocol.signUp(tools);
      if (!res.ok) throw new Error('sign-up failed: ' + res.status);
    }
    const provisional = cookie(C.provisionalCookie);
    if (provisional !== null) localStorage.setItem(C.provisionalStorageKey, provisional);
    document.body.dataset.session = 'ready';
  }
  ensureSession().catch((e) => { document.body.dataset.session = 'error'; console.error(e); });

  const conv = { sessionId: null, messages: [], turns: 0 };
  const box = $('messages');
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
    else if (kind === 'd') { if (data.modelName) view.box.dataset.model = data.modelName; }
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

  // Battles: participant b's lines go to b's view (a second answer beside a's).
  async function streamReply(url, body, views) {
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
        if (m && views[m[1]]) handleLine(m[2], JSON.parse(m[3]), views[m[1]]);
      }
    }
    return views.a.text.textContent;
  }

  const readFile = (file) => new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve({
      name: file.name, contentType: file.type || 'application/octet-stream', url: reader.result,
    });
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

  // Like a framework-bound form: the button follows input events; send reads the box.
  const input = $('composer-input');
  const files = $('file-input');
  const refresh = () => {
    $('attached').textContent = [...files.files].map((f) => '📎 ' + f.name).join(' ');
    $('send-button').disabled = !input.value.trim() && !files.files.length;
  };

  async function send(ev) {
    ev.preventDefault();
    const text = input.value;
    if (document.body.dataset.streaming === 'busy' || (!text.trim() && !files.files.length)) return;
    document.body.dataset.streaming = 'busy';
    // A blind battle's page has no model picker: the site assigns both models.
    const picker = $('model-select');
    const model = picker ? C.models.find((m) => m.id === picker.value) : null;
    const pickerB = $('model-b-select');
    const picked = [...files.files];
    bubble('user', text + picked.map((f) => '\n📎 ' + f.name).join(''));
    input.value = '';
    files.value = '';
    refresh();
    const answerView = (cls) => {
      const v = { box: bubble(cls, '') };
      v.reasoning = v.box.appendChild(document.createElement('div'));
      v.reasoning.className = 'reasoning';
      v.text = v.box.appendChild(document.createElement('span'));
      return v;
    };
    const view = answerView('assistant');
    const twoAnswers = C.pageMode === 'side-by-side' || C.pageMode === 'battle';
    const views = { a: view, b: twoAnswers ? answerView('assistant-b') : null };
    let req = null;
    try {
      const attachments = await Promise.all(picked.map(readFile));
      const turn = {
        conv, text, attachments, mode: C.pageMode, modelId: model ? model.id : null,
        modelBId: pickerB ? pickerB.value : null, modality: model ? modalityFor(model) : 'chat',
      };
      req = await protocol.build(turn, tools);
      req.commit(await streamReply(req.url, req.body, views));
      conv.turns += 1;
      document.body.dataset.turns = String(conv.turns);
    } catch (e) {
      view.box.className = 'error';
      view.text.textContent = String(e.message || e);
      if (req) req.rollback();
    } finally {
      document.body.dataset.streaming = 'idle';
    }
  }

  $('composer').addEventListener('submit', send);
  input.addEventListener('input', refresh);
  files.addEventListener('change', refresh);
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      ev.target.form.requestSubmit();
    }
  });
  refresh();
};
