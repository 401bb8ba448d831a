"""A commented config.jsonc and checks shared by the JSONC edit tests."""

from __future__ import annotations

import copy
import json

import json5

from modules.util.jsonc_edit import update_jsonc

CONFIG = """\
/* LMArena Bridge configuration.
 * Comments may hold { braces }, "quotes" and key: value pairs.
 */
{
  // Network binding: "host": "0.0.0.0" exposes the API.
  "server": {
    "host": "127.0.0.1", // loopback only
    "port": 5102,
    "allow_unauthenticated_remote": false,
  },

  "auth": {
    "api_keys": ["sk-one", "sk-//not-a-comment", "sk-/*nor-this*/", "{}", "a\\"b"],
    "admin_key": null, /* set to enable the GUI: { "admin_key": "..." } */
  },

  arena: {
    url: 'https://lmarena.ai', // single-quoted, unquoted key
    "page_load_timeout_s": 45,
    "first_byte_timeout_s": 60.5,
    "attachment_url_allowlist": [
      "https://example.com/", // a comment inside an array
      'https://cdn.example.org/{path}',
      "say \\"hi\\" // here",
    ],
  },

  "browser": {
    "headless": true,
    "extra_args": [],
    "endpoints": [
      { "url": "ws://10.0.0.2:3000", "kind": "playwright", "max_instances": 4 },
    ],
  },

  "pool": {
    "initial_instances": 2,
    "max_instances": 6, // the autoscaler ceiling
    /* "max_instances": 99, an old value kept for reference */
  },

  "balancer": {
    // least_busy | round_robin | response_time | random | weighted
    "strategy": "least_busy",
    "max_retries": 2,
    "ewma_alpha": 0.3,
  },

  "health": {
    "interval_s": 10,
    "failure_threshold": 3 // consecutive failures, no trailing comma here
  },

  "storage": {
    "enabled": true,
    "path": "data",
    "backup": { "enabled": false, "path": "backup" },
  },
  // end of file: } ] " '
}
"""

# Every comment of CONFIG; none of them sits inside a value the tests replace wholesale.
COMMENTS = [
    '/* LMArena Bridge configuration.\n * Comments may hold { braces }, "quotes" and key: value pairs.\n */',
    '// Network binding: "host": "0.0.0.0" exposes the API.',
    "// loopback only",
    '/* set to enable the GUI: { "admin_key": "..." } */',
    "// single-quoted, unquoted key",
    "// the autoscaler ceiling",
    '/* "max_instances": 99, an old value kept for reference */',
    "// least_busy | round_robin | response_time | random | weighted",
    "// consecutive failures, no trailing comma here",
    "// end of file: } ] \" '",
]
ARRAY_COMMENT = "// a comment inside an array"


def expected(data: dict, changes: dict) -> dict:
    """What json5 should return after the changes."""
    data = copy.deepcopy(data)
    for path, value in changes.items():
        node = data
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = json.loads(json.dumps(value))
    return data


def edit(changes: dict, text: str = CONFIG, data: dict | None = None) -> str:
    """Apply changes and check the result parses to exactly the expected data."""
    new = update_jsonc(text, changes)
    before = json5.loads(text) if data is None else data  # json5 is slow: reuse a parse
    assert json5.loads(new) == expected(before, changes)
    return new


def lost_lines(old: str, new: str) -> list[str]:
    """Lines of old that no longer appear verbatim in new."""
    kept = set(new.splitlines())
    return [line for line in old.splitlines() if line not in kept]


def comments_kept(new: str) -> None:
    """Assert every comment of CONFIG is still present verbatim."""
    for comment in COMMENTS:
        assert comment in new, comment
