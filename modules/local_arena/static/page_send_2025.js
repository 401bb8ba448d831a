// The 2025 protocol: tokenless sign-up; every send carries the full history in messages[].
arenaPage({
  signUp: ({ C }) => window.fetch(C.signUpPath, { method: 'POST', credentials: 'include' }),
  async build({ conv, text, mode, modelId, modelBId, modality, attachments }, { C, uuid7 }) {
    const first = conv.sessionId === null;
    if (first) conv.sessionId = uuid7();
    const last = conv.messages[conv.messages.length - 1];
    const common = {
      participantPosition: 'a', evaluationSessionId: conv.sessionId, status: 'pending',
      failureReason: null,
    };
    const user = {
      ...common, id: uuid7(), role: 'user', content: text, experimental_attachments: attachments,
      parentMessageIds: last ? [last.id] : [], modelId: null,
    };
    const placeholder = {
      ...common, id: uuid7(), role: 'assistant', content: '', experimental_attachments: [],
      parentMessageIds: [user.id], modelId,
    };
    const body = {
      id: conv.sessionId, mode: mode === 'direct-battle' ? C.legacyMode : mode, modelAId: modelId,
      ...(modelBId ? { modelBId } : {}), userMessageId: user.id,
      modelAMessageId: placeholder.id, modelBMessageId: uuid7(),
      messages: [...conv.messages, user, placeholder], modality,
      [C.tokenField]: 'local-page-' + uuid7(),
    };
    return {
      url: first ? C.createPath : C.postPath.replace('{session_id}', conv.sessionId),
      body,
      commit(reply) {
        conv.messages.push(
          { ...user, status: 'success' }, { ...placeholder, content: reply, status: 'success' });
      },
      rollback() { if (first) conv.sessionId = null; },
    };
  },
});
