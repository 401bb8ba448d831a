"""Chat page layouts the compose transport's UI adapter must cope with (or fail clearly on).

Each page sends the way a site's own code does: its script reads the composer, builds the
(2025) body and calls window.fetch at send time. Tests serve a layout on the arena's own
origin (`context.route`), so the stream request reaches the real local arena.
"""

from __future__ import annotations

import json

from modules.local_arena.catalog import MODELS
from modules.upstream import protocol

# The page's send code: the legacy body (one user message), attachments from the file
# input, the reply rendered into #out; follow-ups continue the same evaluation.
_SEND_JS = """
const MODELS = %(models)s;
const conv = { id: null, messages: [] };
const uuid = () => crypto.randomUUID();
const readFile = (f) => new Promise((ok) => { const r = new FileReader();
  r.onload = () => ok({ name: f.name, contentType: f.type, url: r.result }); r.readAsDataURL(f); });
async function sendMessage(text) {
  const name = new URLSearchParams(location.search).get("model_a");
  const model = MODELS.find((m) => m.publicName === name);
  const fileInput = document.querySelector('input[type="file"]');
  const files = fileInput ? await Promise.all([...fileInput.files].map(readFile)) : [];
  const first = conv.id === null;
  if (first) conv.id = uuid();
  const common = { evaluationSessionId: conv.id, participantPosition: "a", failureReason: null };
  const last = conv.messages[conv.messages.length - 1];
  const user = { ...common, id: uuid(), role: "user", content: text, status: "pending",
    experimental_attachments: files, parentMessageIds: last ? [last.id] : [], modelId: null };
  const slot = { ...common, id: uuid(), role: "assistant", content: "", status: "pending",
    experimental_attachments: [], parentMessageIds: [user.id], modelId: model.id };
  const body = { id: conv.id, mode: "direct", modelAId: model.id, userMessageId: user.id,
    modelAMessageId: slot.id, modelBMessageId: uuid(), messages: [...conv.messages, user, slot],
    modality: "chat", recaptchaV3Token: "test-page-token" };
  const url = first ? "%(create)s" : "%(post)s".replace("{session_id}", conv.id);
  const res = await window.fetch(url, { method: "POST", credentials: "include",
    headers: { "Content-Type": "%(ctype)s" }, body: JSON.stringify(body) });
  const out = document.getElementById("out");
  out.textContent = await res.text();
  conv.messages.push({ ...user, status: "success" }, { ...slot, content: out.textContent, status: "success" });
}
"""

_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>chat</title></head>
<body>%(body)s<pre id="out"></pre><script>%(send)s</script><script>%(wire)s</script></body></html>"""

_PLAIN = """<form id="f"><textarea id="box" rows="3"></textarea>
<input type="file" multiple><button type="submit">Send</button></form>"""
_PLAIN_WIRE = """const box = document.getElementById("box");
document.getElementById("f").addEventListener("submit", (e) => { e.preventDefault();
  const t = box.value; box.value = ""; sendMessage(t); });
box.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) {
  e.preventDefault(); e.target.form.requestSubmit(); } });"""

# Inputs before the composer, a hidden textarea like the one reCAPTCHA adds, an icon-only
# button, and a composer that keeps its own state from real input events only (a value
# set by script is ignored, as with a framework-bound box).
_ALTERNATE = """<header><input type="search" placeholder="Search chats">
<select><option>Text</option></select><input type="text" placeholder="Title"></header>
<details><summary>Notes</summary><textarea placeholder="notes"></textarea></details>
<form id="f"><textarea id="g-recaptcha-response" style="display:none"></textarea>
<div class="row"><textarea id="box" rows="2" aria-label="Message"></textarea>
<label>Add image<input type="file" style="display:none"></label>
<button type="button" aria-label="Send message"><svg width="16" height="16"></svg></button>
</div></form>"""
_ALTERNATE_WIRE = """const box = document.getElementById("box");
let typed = "";
box.addEventListener("input", (e) => { if (e.isTrusted) typed = box.value; });
const go = () => { const t = typed; typed = ""; box.value = ""; if (t.trim()) sendMessage(t); };
document.querySelector("button[aria-label]").addEventListener("click", go);
box.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) {
  e.preventDefault(); go(); } });"""

# A rich-text composer (contenteditable), as many chat sites use.
_EDITABLE = """<form id="f"><div id="box" contenteditable="true" role="textbox"
 aria-multiline="true" style="min-height:3em;border:1px solid #999"></div>
<button type="submit">Send</button></form>"""
_EDITABLE_WIRE = """const box = document.getElementById("box");
const go = (e) => { if (e) e.preventDefault(); const t = box.innerText; box.textContent = "";
  sendMessage(t); };
document.getElementById("f").addEventListener("submit", go);
box.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) go(e); });"""

# The message box became a single-line input: the default finder must not take it.
_RENAMED = """<form id="f"><input type="text" name="msg" id="box">
<button type="submit">Send</button></form>"""
_RENAMED_WIRE = """const box = document.getElementById("box");
document.getElementById("f").addEventListener("submit", (e) => { e.preventDefault();
  const t = box.value; box.value = ""; sendMessage(t); });"""

# Enter does nothing; only the icon-only send button sends.
_BUTTON_ONLY = """<form id="f"><textarea id="box" rows="3"></textarea>
<button type="button" aria-label="Send"><svg width="16" height="16"></svg></button></form>"""
_BUTTON_ONLY_WIRE = """const box = document.getElementById("box");
box.addEventListener("keydown", (e) => { if (e.key === "Enter") e.preventDefault(); });
document.querySelector("button").addEventListener("click", () => {
  const t = box.value; box.value = ""; sendMessage(t); });"""

# A page that never sends: Enter clears nothing and no request is made.
_SILENT = """<form id="f"><textarea id="box" rows="3"></textarea>
<button type="button">Send</button></form>"""
_SILENT_WIRE = """document.getElementById("box").addEventListener("keydown", (e) => {
  if (e.key === "Enter") e.preventDefault(); });"""

# No composer at all (the page is something else now).
_MISSING = """<main><p>We moved the chat.</p></main>"""

LAYOUTS: dict[str, tuple[str, str]] = {
    "plain": (_PLAIN, _PLAIN_WIRE),
    "alternate": (_ALTERNATE, _ALTERNATE_WIRE),
    "editable": (_EDITABLE, _EDITABLE_WIRE),
    "renamed": (_RENAMED, _RENAMED_WIRE),
    "button-only": (_BUTTON_ONLY, _BUTTON_ONLY_WIRE),
    "silent": (_SILENT, _SILENT_WIRE),
    "missing": (_MISSING, ""),
}


def layout_html(name: str) -> str:
    """The full page for one layout."""
    body, wire = LAYOUTS[name]
    send = _SEND_JS % {
        "models": json.dumps(list(MODELS)),
        "create": protocol.CREATE_EVALUATION_PATH,
        "post": protocol.POST_TO_EVALUATION_PATH,
        "ctype": protocol.REQUEST_CONTENT_TYPE,
    }
    return _PAGE % {"body": body, "send": send, "wire": wire}
