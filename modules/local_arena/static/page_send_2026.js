// The 2026 protocol: a reCAPTCHA token per sign-up and per send; the compact body
// (`mode` only on a new chat); the site keeps the history.
const recaptchaToken = (C, action) => new Promise((resolve, reject) => {
  const g = window.grecaptcha && window.grecaptcha.enterprise;
  if (!g) { reject(new Error('reCAPTCHA did not load')); return; }
  g.ready(() => { g.execute(C.siteKey, { action }).then(resolve, reject); });
});

arenaPage({
  async signUp({ C }) {
    const token = await recaptchaToken(C, C.signUpAction);
    return window.fetch(C.signUpPath, {
      method: 'POST', credentials: 'include', headers: { 'Content-Type': C.contentType },
      body: JSON.stringify({ [C.tokenField]: token }),
    });
  },
  async build({ conv, text, mode, modelId, modelBId, modality, attachments }, { C, uuid7 }) {
    const first = conv.sessionId === null;
    const id = first ? uuid7() : conv.sessionId;
    const token = await recaptchaToken(C, C.chatAction);
    // Battles: model b (side-by-side names it; a blind battle names neither model).
    const b = mode === 'side-by-side' || mode === 'battle'
      ? { ...(modelBId ? { modelBId } : {}), modelBMessageId: uuid7() } : {};
    const body = {
      id, ...(first ? { mode } : {}), modelAId: modelId, ...b,
      userMessageId: uuid7(), modelAMessageId: uuid7(),
      userMessage: { content: text, experimental_attachments: attachments, metadata: {} },
      modality, [C.tokenField]: token,
    };
    conv.sessionId = id;
    return {
      url: first ? C.createPath : C.postPath.replace('{session_id}', id),
      body,
      commit() {},
      rollback() { if (first) conv.sessionId = null; },
    };
  },
});
