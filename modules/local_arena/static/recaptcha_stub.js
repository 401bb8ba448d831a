// The local arena's stand-in for reCAPTCHA Enterprise: the same two calls a page makes,
// tokens from the arena itself (no outside script). Invoked with {tokenPath}.
((config) => {
  const ready = (callback) => { Promise.resolve().then(callback); };
  async function execute(sitekey, options) {
    const action = (options && options.action) || '';
    const res = await fetch(config.tokenPath, {
      method: 'POST', credentials: 'include',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sitekey, action }),
    });
    if (!res.ok) throw new Error('reCAPTCHA execute failed: ' + res.status);
    return (await res.json()).token;
  }
  window.grecaptcha = { enterprise: { ready, execute } };
})
