"""Every fact of the LMArena wire protocol in one place (SPEC §4).

The upstream changes every few months; when it does, this module and the local arena
change together and nothing else should need to.
"""

from __future__ import annotations

# Stream endpoints, called from inside the page (same origin, credentials included).
# Every URL under this prefix is a stream request (the compose hook watches for them).
STREAM_PATH_PREFIX = "/nextjs-api/stream/"
CREATE_EVALUATION_PATH = "/nextjs-api/stream/create-evaluation"
POST_TO_EVALUATION_PATH = "/nextjs-api/stream/post-to-evaluation/{session_id}"
RETRY_MESSAGE_PATH = (
    "/nextjs-api/stream/retry-evaluation-session-message/{session_id}/messages/{message_id}"
)
# The site posts JSON as text/plain so the browser sends no CORS preflight.
REQUEST_CONTENT_TYPE = "text/plain;charset=UTF-8"

# Endpoint the page script calls on load to get an anonymous session.
ANONYMOUS_SIGNUP_PATH = "/nextjs-api/sign-up"
# A login check that spends no chat quota: 200 {"user": {"id": ...}} or 401.
ME_PATH = "/api/me"

# The chat page (2026): the model is preselected by a query parameter (public name).
CHAT_PAGE_PATH = "/text/direct"
CHAT_MODEL_PARAM = "model_a"
# Battle pages (assumed by analogy; the local arena serves them, the bridge's paths are
# arena.ui.*): side-by-side preselects both models, a blind battle shows none.
SIDE_BY_SIDE_PAGE_PATH = "/text/side-by-side"
CHAT_MODEL_B_PARAM = "model_b"
BATTLE_PAGE_PATH = "/text/battle"

# Cookies that carry the session identity.
AUTH_COOKIE = "arena-auth-prod-v1"  # may be split into AUTH_COOKIE.0, .1, ...
AUTH_COOKIE_PREFIX = "base64-"
PROVISIONAL_USER_COOKIE = "provisional_user_id"
PROVISIONAL_USER_STORAGE_KEY = "provisional_user_id"
# Chunk size above which the site splits the auth cookie into numbered parts.
AUTH_COOKIE_CHUNK = 3180

# Stream line format: "<participant><kind>:<json>\n"
PARTICIPANTS = ("a", "b")
KIND_TEXT = "0"
KIND_REASONING = "g"
KIND_IMAGE = "2"
KIND_CITATION = "c"
KIND_ERROR = "3"
KIND_FINISH = "d"

# Request body values. "direct" may only continue a chat (2026); a new one is "direct-battle".
MODE_DIRECT = "direct"
MODE_DIRECT_BATTLE = "direct-battle"
MODE_SIDE_BY_SIDE = "side-by-side"  # two named models: modelAId + modelBId
MODE_BATTLE = "battle"  # blind: the site assigns both models
BATTLE_MODES = (MODE_SIDE_BY_SIDE, MODE_BATTLE)
MODALITY_CHAT = "chat"
MODALITY_SEARCH = "search"
MODALITY_IMAGE = "image"
STATUS_PENDING = "pending"
STATUS_SUCCESS = "success"
PAGE_TOKEN_FIELD = "recaptchaV3Token"

# The compact body of 2026: {id, mode, modelAId, userMessageId, modelAMessageId,
# userMessage: {content, experimental_attachments, metadata}, modality, recaptchaV3Token};
# follow-ups (post-to-evaluation) leave out `mode`. Battles add modelBId / modelBMessageId.
USER_MESSAGE_FIELD = "userMessage"
ATTACHMENTS_FIELD = "experimental_attachments"  # [{name, contentType, url (data URL)}]
MODEL_B_ID_FIELD = "modelBId"
MODEL_B_MESSAGE_ID_FIELD = "modelBMessageId"

# Battles reveal their models in each participant's finish line (`ad:` / `bd:`), e.g.
# ad:{"finishReason":"stop","modelId":"<uuid>","modelName":"<publicName>"}. (The real site
# reveals after a vote; the local arena reveals at once, in this documented place.)
FINISH_REASON_FIELD = "finishReason"
FINISH_MODEL_ID_FIELD = "modelId"
FINISH_MODEL_NAME_FIELD = "modelName"

# reCAPTCHA Enterprise v3 (2026): the page's own script gets a token per send.
RECAPTCHA_ACTION_CHAT = "chat_submit"
RECAPTCHA_ACTION_SIGN_UP = "sign_up"
# A page carrying the gate loads a script whose URL contains this (and defines grecaptcha).
RECAPTCHA_SCRIPT_MARKER = "recaptcha/enterprise.js"
RECAPTCHA_GLOBAL = "grecaptcha"
# The local arena's stand-in for Google's script (no outside script): served by the arena,
# it gets tokens from the arena, bound to a visitor cookie set when the page loads.
LOCAL_RECAPTCHA_SCRIPT_PATH = "/recaptcha/enterprise.js"
LOCAL_RECAPTCHA_TOKEN_PATH = "/recaptcha/enterprise/token"
LOCAL_RECAPTCHA_VISITOR_COOKIE = "_GRECAPTCHA"

# Stream responses carry quota headers, e.g. "limit=1800, remaining=1799, reset=300".
RATELIMIT_HEADER = "ratelimit"
RATELIMIT_POLICY_HEADER = "ratelimit-policy"
RATELIMIT_VALUE = "limit={limit}, remaining={remaining}, reset={reset}"
RATELIMIT_POLICY_VALUE = "{limit};w={window}"

# Model discovery: the home page HTML embeds an escaped JSON array under this key.
INITIAL_MODELS_KEY = "initialModels"

# What a human challenge looks like.
CHALLENGE_TITLE = "Just a moment..."
CHALLENGE_MARKERS = ("Just a moment...", "cf-challenge", "challenge-platform")

# Known error bodies (used by the local arena, recognised by the adapter).
ERROR_TOO_MANY_REQUESTS = "Too Many Requests"
ERROR_RECAPTCHA = "recaptcha validation failed"
ERROR_NO_ACCESS = "User {user_id} does not have access to evaluation session {session_id}"
ERROR_CONTENT_REJECTED = "Request rejected: Content violates our terms of use"
ERROR_RESOURCE_EXHAUSTED = "Resource exhausted. Please try again later."
ERROR_DIRECT_ON_NEW_CHAT = "'direct' mode is not allowed when starting a new conversation"
ERROR_PROMPT_FAILED = "prompt failed"  # a 429 that flags the identity like a reCAPTCHA 403

# Upstream finish reasons mapped to OpenAI's.
FINISH_REASON_MAP = {
    "stop": "stop",
    "unknown": "stop",
    "length": "length",
    "content-filter": "content_filter",
}
