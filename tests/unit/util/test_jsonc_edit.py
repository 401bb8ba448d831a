"""In-place JSONC edits: values change, comments and layout stay byte for byte."""

from __future__ import annotations

import copy
import json
import os
import random
from pathlib import Path

import json5
import pytest

from modules.util.jsonc_edit import update_jsonc, write_jsonc_changes

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


def _expected(data: dict, changes: dict) -> dict:
    """What json5 should return after the changes."""
    data = copy.deepcopy(data)
    for path, value in changes.items():
        node = data
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = json.loads(json.dumps(value))
    return data


def _edit(changes: dict, text: str = CONFIG, data: dict | None = None) -> str:
    """Apply changes and check the result parses to exactly the expected data."""
    new = update_jsonc(text, changes)
    before = json5.loads(text) if data is None else data  # json5 is slow: reuse a parse
    assert json5.loads(new) == _expected(before, changes)
    return new


def _lost_lines(old: str, new: str) -> list[str]:
    """Lines of old that no longer appear verbatim in new."""
    kept = set(new.splitlines())
    return [line for line in old.splitlines() if line not in kept]


def _comments_kept(new: str) -> None:
    """Assert every comment of CONFIG is still present verbatim."""
    for comment in COMMENTS:
        assert comment in new, comment


def test_config_parses_and_no_changes_is_identity() -> None:
    assert json5.loads(CONFIG)["arena"]["url"] == "https://lmarena.ai"
    assert update_jsonc(CONFIG, {}) == CONFIG


def test_change_string_keeps_everything_else() -> None:
    new = _edit({("balancer", "strategy"): "round_robin"})
    assert new == CONFIG.replace('"strategy": "least_busy",', '"strategy": "round_robin",')


def test_change_number_bool_and_value_with_trailing_comment() -> None:
    changes = {
        ("server", "port"): 8080,
        ("server", "allow_unauthenticated_remote"): True,
        ("server", "host"): "0.0.0.0",
        ("health", "failure_threshold"): 5,
    }
    new = _edit(changes)
    assert _lost_lines(CONFIG, new) == [
        '    "host": "127.0.0.1", // loopback only',
        '    "port": 5102,',
        '    "allow_unauthenticated_remote": false,',
        '    "failure_threshold": 3 // consecutive failures, no trailing comma here',
    ]
    assert '    "host": "0.0.0.0", // loopback only' in new.splitlines()
    assert '    "failure_threshold": 5 // consecutive failures, no trailing comma here' in new
    _comments_kept(new)


def test_same_key_name_at_other_levels_is_untouched() -> None:
    new = _edit({("storage", "backup", "enabled"): True, ("storage", "path"): "/var/data"})
    assert json5.loads(new)["storage"]["enabled"] is True
    assert json5.loads(new)["storage"]["backup"] == {"enabled": True, "path": "backup"}
    assert '    "backup": { "enabled": true, "path": "backup" },' in new.splitlines()
    new = _edit({("pool", "max_instances"): 9})
    assert json5.loads(new)["browser"]["endpoints"][0]["max_instances"] == 4
    assert _lost_lines(CONFIG, new) == ['    "max_instances": 6, // the autoscaler ceiling']


def test_unquoted_key_and_single_quoted_value() -> None:
    new = _edit({("arena", "url"): "https://x.test/'q'"})
    assert _lost_lines(CONFIG, new) == [
        "    url: 'https://lmarena.ai', // single-quoted, unquoted key"
    ]
    assert "    url: \"https://x.test/'q'\", // single-quoted, unquoted key" in new


def test_replace_multiline_array_with_one_line() -> None:
    new = _edit({("arena", "attachment_url_allowlist"): ["https://a/", "b // c"]})
    assert '    "attachment_url_allowlist": ["https://a/", "b // c"],' in new.splitlines()
    assert ARRAY_COMMENT not in new
    # The closing "]," line also occurs elsewhere, so only four lines are gone.
    assert _lost_lines(CONFIG, new) == [
        '    "attachment_url_allowlist": [',
        '      "https://example.com/", // a comment inside an array',
        "      'https://cdn.example.org/{path}',",
        '      "say \\"hi\\" // here",',
    ]
    _comments_kept(new)


def test_replace_whole_section_and_tricky_strings() -> None:
    value = 'a "quoted" // not a comment /* nor this */ {} [] \\ é'
    new = _edit({("pool",): {"initial_instances": 1}, ("auth", "admin_key"): value})
    assert '  "pool": {"initial_instances": 1},' in new.splitlines()
    assert json5.loads(new)["auth"]["admin_key"] == value


def test_insert_missing_key_follows_trailing_comma_style() -> None:
    new = _edit({("balancer", "exploration_rate"): 0.05})
    assert _lost_lines(CONFIG, new) == []
    assert '    "ewma_alpha": 0.3,\n    "exploration_rate": 0.05,\n  },' in new
    _comments_kept(new)


def test_insert_after_member_without_comma_and_with_comment() -> None:
    new = _edit({("health", "probe_timeout_s"): 5})
    assert (
        '    "failure_threshold": 3, // consecutive failures, no trailing comma here\n'
        '    "probe_timeout_s": 5\n  },'
    ) in new
    _comments_kept(new)


def test_insert_into_inline_and_empty_objects() -> None:
    new = _edit({("storage", "backup", "keep"): 3})
    assert '"backup": { "enabled": false, "path": "backup", "keep": 3 },' in new
    text = '{\n  "a": {},\n  "b": {\n  },\n  c: { },\n}\n'
    new = _edit({("a", "x"): 1, ("b", "y"): [1], ("c", "z"): None}, text)
    assert new == '{\n  "a": {"x": 1},\n  "b": {\n    "y": [1],\n  },\n  c: { "z": null },\n}\n'


def test_create_missing_sections() -> None:
    new = _edit({("queue", "max_size"): 100, ("storage", "s3", "bucket", "name"): "b"})
    assert _lost_lines(CONFIG, new) == []
    # New members go right after the last member, before comments that close the object.
    assert new.endswith(
        '  },\n  "queue": {\n    "max_size": 100,\n  },\n  // end of file: } ] " \'\n}\n'
    )
    assert (
        '    "backup": { "enabled": false, "path": "backup" },\n'
        '    "s3": {\n      "bucket": {\n        "name": "b",\n      },\n    },\n  },'
    ) in new
    _comments_kept(new)


def test_new_key_matches_bare_key_style_and_indent_unit() -> None:
    text = "{\n    // four spaces\n    a: 1,\n    b: {\n        c: 2\n    }\n}"
    new = _edit({("b", "d"): True, ("e", "f"): "g"}, text)
    assert new == (
        "{\n    // four spaces\n    a: 1,\n    b: {\n        c: 2,\n        d: true\n    },\n"
        '    e: {\n        f: "g"\n    }\n}'
    )


def test_crlf_line_endings_are_kept() -> None:
    text = CONFIG.replace("\n", "\r\n")
    new = _edit({("balancer", "extra"): 1, ("queue", "max_size"): 2, ("server", "port"): 1}, text)
    assert "\n" not in new.replace("\r\n", "")


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1 "b": 2}',
        '{"a": 1, /* unterminated',
        '{"a": "unterminated}',
        '["top", "level", "array"]',
        '{"a": 1} trailing',
        '{"a": tru}',
        '{"a" 1}',
        "{1a: 2}",
        "",
    ],
)
def test_unparseable_text_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="cannot parse JSONC"):
        update_jsonc(text, {("a",): 1})


def test_bad_paths_raise_value_error() -> None:
    with pytest.raises(ValueError, match="'server.port' is not an object"):
        update_jsonc(CONFIG, {("server", "port", "x"): 1})
    with pytest.raises(ValueError, match="non-empty"):
        update_jsonc(CONFIG, {(): 1})
    with pytest.raises(ValueError, match="not the string"):
        update_jsonc(CONFIG, {"server.port": 1})  # type: ignore[dict-item]
    with pytest.raises(ValueError):
        update_jsonc(CONFIG, {("server", "port"): float("nan")})


def test_write_jsonc_changes_atomically(tmp_path: Path) -> None:
    path = tmp_path / "config.jsonc"
    path.write_text(CONFIG, encoding="utf-8")
    os.chmod(path, 0o640)
    changes = {("balancer", "strategy"): "random", ("queue", "max_size"): 7}
    write_jsonc_changes(path, changes)
    assert path.read_text(encoding="utf-8") == update_jsonc(CONFIG, changes)
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.jsonc"]
    before = path.read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        write_jsonc_changes(path, {("server", "port", "x"): 1})
    assert path.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.jsonc"]


def test_a_symlinked_config_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "etc" / "bridge.jsonc"
    real.parent.mkdir()
    real.write_text(CONFIG, encoding="utf-8")
    os.chmod(real, 0o600)
    link = tmp_path / "config.jsonc"
    link.symlink_to(real)
    write_jsonc_changes(link, {("balancer", "strategy"): "random"})
    assert link.is_symlink() and link.resolve() == real
    assert '"random"' in real.read_text(encoding="utf-8")
    assert os.stat(real).st_mode & 0o777 == 0o600


# ---- property-style tests -------------------------------------------------------------

_PIECES = ["a", "B", " ", "{", "}", "[", "]", '"', "'", ":", ",", "//", "/*", "\\", "é", "\t", "0"]
_KEYS = ["a", "b", "enabled", "max_instances", "x_1", "$d", "a b", "a.b", "x'y", 'q"z', "{", "//"]
_NUMBERS = [
    ("0x1F", 31),
    (".5", 0.5),
    ("+3", 3),
    ("5.", 5.0),
    ("-Infinity", float("-inf")),
    ("1e3", 1e3),
]


def _rand_str(rng: random.Random, pieces: list[str] = _PIECES) -> str:
    """A short string full of characters that look like syntax."""
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))


def _rand_value(rng: random.Random, depth: int = 0) -> object:
    """A random JSON value for a change."""
    kind = rng.randrange(8 if depth < 2 else 6)
    if kind == 6:
        return [_rand_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if kind == 7:
        return {rng.choice(_KEYS): _rand_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    return (
        [rng.randint(-1000, 1000), rng.random() * 100, True, False, None][kind]
        if kind < 5
        else _rand_str(rng)
    )


class _Doc:
    """Renders random data as JSON5 with random comments, quoting and layout."""

    def __init__(self, rng: random.Random, unit: str) -> None:
        self.rng, self.unit, self.comments = rng, unit, []

    def comment(self, block: bool) -> str:
        """A random comment, remembered so the test can look for it afterwards."""
        body = _rand_str(self.rng, [p for p in _PIECES if p not in ("\\",)] + ["*", "/"])
        text = f"/* {body.replace('*', '')} */" if block else f"// {body}"
        self.comments.append(text)
        return text

    def maybe(self, block: bool = True) -> str:
        """Sometimes a comment, padded by spaces."""
        return f" {self.comment(block)} " if self.rng.random() < 0.25 else ""

    def string(self, s: str) -> str:
        """Render s with double or single quotes, sometimes with a line continuation."""
        inner = json.dumps(s, ensure_ascii=False)[1:-1]
        if self.rng.random() < 0.1:
            inner += "\\\n"
        return f'"{inner}"' if self.rng.random() < 0.5 else "'" + inner.replace("'", "\\'") + "'"

    def key(self, k: str) -> str:
        """Render a key bare when JSON5 allows it, else quoted."""
        return k if k.isidentifier() and self.rng.random() < 0.5 else self.string(k)

    def value(self, v: object, indent: str) -> str:
        """Render any value."""
        if isinstance(v, dict | list):
            return self.container(v, indent)
        if isinstance(v, str):
            return self.string(v)
        for text, number in _NUMBERS:
            if v == number and type(v) is type(number):
                return text
        return json.dumps(v)

    def container(self, v: dict | list, indent: str) -> str:
        """Render an object or array inline or one member per line."""
        open_, close = ("{", "}") if isinstance(v, dict) else ("[", "]")
        items = (
            [
                f"{self.key(k)}{self.maybe()}:{self.maybe()} {self.value(x, indent + self.unit)}"
                for k, x in v.items()
            ]
            if isinstance(v, dict)
            else [self.value(x, indent + self.unit) for x in v]
        )
        trailing = "," if items and self.rng.random() < 0.5 else ""
        if self.rng.random() < 0.3:
            return open_ + self.maybe() + ", ".join(items) + trailing + self.maybe() + close
        inner, lines = (
            indent + self.unit,
            [open_ + (f" {self.comment(False)}" if self.rng.random() < 0.2 else "")],
        )
        for i, item in enumerate(items):
            if self.rng.random() < 0.2:
                lines.append(inner + self.comment(self.rng.random() < 0.5))
            comma = "," if i < len(items) - 1 else trailing
            tail = f" {self.comment(False)}" if self.rng.random() < 0.3 else ""
            lines.append(f"{inner}{item}{self.maybe()}{comma}{tail}")
        return "\n".join([*lines, indent + close])


def _rand_data(rng: random.Random, depth: int = 0) -> dict:
    """A random nested object: scalars, arrays and sub-objects."""
    data: dict = {}
    for _ in range(rng.randint(0, 4)):
        roll = rng.random()
        key = rng.choice(_KEYS)
        if roll < 0.3 and depth < 3:
            data[key] = _rand_data(rng, depth + 1)
        elif roll < 0.4:
            data[key] = rng.choice(_NUMBERS)[1]
        else:
            data[key] = _rand_value(rng, 2)
    return data


def _paths(data: dict, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    """Every key path through objects, with its current value."""
    out = []
    for key, value in data.items():
        out.append(((*prefix, key), value))
        if isinstance(value, dict):
            out.extend(_paths(value, (*prefix, key)))
    return out


def _rand_changes(rng: random.Random, data: dict) -> dict:
    """One to three edits: replace a value, add a key, or add nested sections."""
    objects = [()] + [p for p, v in _paths(data) if isinstance(v, dict)]
    existing = [p for p, _ in _paths(data)]
    changes: dict = {}
    for _ in range(rng.randint(1, 3)):
        roll = rng.random()
        if roll < 0.5 and existing:
            path = rng.choice(existing)
        else:
            path = rng.choice(objects) + tuple(rng.choice(_KEYS) for _ in range(1 + (roll > 0.8)))
        changes[path] = _rand_value(rng)
    return changes


def _replaces_container(data: dict, changes: dict) -> bool:
    """True when a change overwrites an object or array, whose inner comments then go."""
    for path in changes:
        node: object = data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict | list):
            return True
    return False


def _valid(data: dict, changes: dict) -> bool:
    """False when a path runs through a non-object, or overlaps another change."""
    paths = list(changes)
    if any(a != b and a == b[: len(a)] for a in paths for b in paths):
        return False
    for path in paths:
        node: object = data
        for key in path[:-1]:
            if not isinstance(node, dict):
                return False
            node = node.get(key, {})
        if not isinstance(node, dict):
            return False
    return True


@pytest.mark.parametrize("seed", range(4))
def test_random_edits_of_the_real_config(seed: int) -> None:
    rng = random.Random(seed)
    data = json5.loads(CONFIG)
    for _ in range(50):
        changes = _rand_changes(rng, data)
        if not _valid(data, changes):
            continue
        new = _edit(changes, CONFIG, data)
        if not _replaces_container(data, changes):
            _comments_kept(new)
            assert ARRAY_COMMENT in new


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_of_random_documents(seed: int) -> None:
    rng = random.Random(1000 + seed)
    checked = 0
    for _ in range(100):
        data = _rand_data(rng)
        doc = _Doc(rng, rng.choice(["  ", "    ", "\t"]))
        text = doc.maybe(False) + "\n" + doc.value(data, "") + "\n" + doc.maybe(False)
        if rng.random() < 0.2:
            text = text.replace("\n", "\r\n")
        assert json5.loads(text) == data, text
        changes = _rand_changes(rng, data)
        if not _valid(data, changes):
            continue
        new = _edit(changes, text, data)
        if not _replaces_container(data, changes):
            for comment in doc.comments:
                assert comment in new, (text, new)
        checked += 1
    assert checked > 50
