"""Every fact of the LMArena wire protocol in one place (SPEC §4).

The upstream changes every few months; when it does, this module and the local arena
change together and nothing else should need to.
"""

from __future__ import annotations

# Stream endpoints, called from inside the page (same origin, credentials included).
CREATE_EVALUATION_PATH = "/nextjs-api/stream/create-evaluation"
POST_TO_EVALUATION_PATH = "/nextjs-api/stream/post-to-evaluation/{session_id}"
RETRY_MESSAGE_PATH = (
    "/nextjs-api/stream/retry-evaluation-session-message/{session_id}/messages/{message_id}"
)
# The site posts JSON as text/plain so the browser sends no CORS preflight.
REQUEST_CONTENT_TYPE = "text/plain;charset=UTF-8"

# Endpoint the page script calls on load to get an anonymous session.
ANONYMOUS_SIGNUP_PATH = "/nextjs-api/sign-up"

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

# Request body values.
MODE_DIRECT = "direct"
MODE_BATTLE = "battle"
MODALITY_CHAT = "chat"
MODALITY_SEARCH = "search"
MODALITY_IMAGE = "image"
STATUS_PENDING = "pending"
STATUS_SUCCESS = "success"
PAGE_TOKEN_FIELD = "recaptchaV3Token"

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

# Upstream finish reasons mapped to OpenAI's.
FINISH_REASON_MAP = {
    "stop": "stop",
    "unknown": "stop",
    "length": "length",
    "content-filter": "content_filter",
}

# Rate-limit headers on stream responses (2026): "limit=1800, remaining=N, reset=S".
RATELIMIT_HEADER = "ratelimit"
RATELIMIT_POLICY_HEADER = "ratelimit-policy"
