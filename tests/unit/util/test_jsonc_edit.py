"""In-place JSONC edits: values change, comments and layout stay byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import json5
import pytest

from modules.util.jsonc_edit import update_jsonc, write_jsonc_changes
from tests.unit.util.jsonc_samples import (
    ARRAY_COMMENT,
    CONFIG,
    comments_kept,
    edit,
    lost_lines,
)


def test_config_parses_and_no_changes_is_identity() -> None:
    assert json5.loads(CONFIG)["arena"]["url"] == "https://lmarena.ai"
    assert update_jsonc(CONFIG, {}) == CONFIG


def test_change_string_keeps_everything_else() -> None:
    new = edit({("balancer", "strategy"): "round_robin"})
    assert new == CONFIG.replace('"strategy": "least_busy",', '"strategy": "round_robin",')


def test_change_number_bool_and_value_with_trailing_comment() -> None:
    changes = {
        ("server", "port"): 8080,
        ("server", "allow_unauthenticated_remote"): True,
        ("server", "host"): "0.0.0.0",
        ("health", "failure_threshold"): 5,
    }
    new = edit(changes)
    assert lost_lines(CONFIG, new) == [
        '    "host": "127.0.0.1", // loopback only',
        '    "port": 5102,',
        '    "allow_unauthenticated_remote": false,',
        '    "failure_threshold": 3 // consecutive failures, no trailing comma here',
    ]
    assert '    "host": "0.0.0.0", // loopback only' in new.splitlines()
    assert '    "failure_threshold": 5 // consecutive failures, no trailing comma here' in new
    comments_kept(new)


def test_same_key_name_at_other_levels_is_untouched() -> None:
    new = edit({("storage", "backup", "enabled"): True, ("storage", "path"): "/var/data"})
    assert json5.loads(new)["storage"]["enabled"] is True
    assert json5.loads(new)["storage"]["backup"] == {"enabled": True, "path": "backup"}
    assert '    "backup": { "enabled": true, "path": "backup" },' in new.splitlines()
    new = edit({("pool", "max_instances"): 9})
    assert json5.loads(new)["browser"]["endpoints"][0]["max_instances"] == 4
    assert lost_lines(CONFIG, new) == ['    "max_instances": 6, // the autoscaler ceiling']


def test_unquoted_key_and_single_quoted_value() -> None:
    new = edit({("arena", "url"): "https://x.test/'q'"})
    assert lost_lines(CONFIG, new) == [
        "    url: 'https://lmarena.ai', // single-quoted, unquoted key"
    ]
    assert "    url: \"https://x.test/'q'\", // single-quoted, unquoted key" in new


def test_replace_multiline_array_with_one_line() -> None:
    new = edit({("arena", "attachment_url_allowlist"): ["https://a/", "b // c"]})
    assert '    "attachment_url_allowlist": ["https://a/", "b // c"],' in new.splitlines()
    assert ARRAY_COMMENT not in new
    # The closing "]," line also occurs elsewhere, so only four lines are gone.
    assert lost_lines(CONFIG, new) == [
        '    "attachment_url_allowlist": [',
        '      "https://example.com/", // a comment inside an array',
        "      'https://cdn.example.org/{path}',",
        '      "say \\"hi\\" // here",',
    ]
    comments_kept(new)


def test_replace_whole_section_and_tricky_strings() -> None:
    value = 'a "quoted" // not a comment /* nor this */ {} [] \\ é'
    new = edit({("pool",): {"initial_instances": 1}, ("auth", "admin_key"): value})
    assert '  "pool": {"initial_instances": 1},' in new.splitlines()
    assert json5.loads(new)["auth"]["admin_key"] == value


def test_insert_missing_key_follows_trailing_comma_style() -> None:
    new = edit({("balancer", "exploration_rate"): 0.05})
    assert lost_lines(CONFIG, new) == []
    assert '    "ewma_alpha": 0.3,\n    "exploration_rate": 0.05,\n  },' in new
    comments_kept(new)


def test_insert_after_member_without_comma_and_with_comment() -> None:
    new = edit({("health", "probe_timeout_s"): 5})
    assert (
        '    "failure_threshold": 3, // consecutive failures, no trailing comma here\n'
        '    "probe_timeout_s": 5\n  },'
    ) in new
    comments_kept(new)


def test_insert_into_inline_and_empty_objects() -> None:
    new = edit({("storage", "backup", "keep"): 3})
    assert '"backup": { "enabled": false, "path": "backup", "keep": 3 },' in new
    text = '{\n  "a": {},\n  "b": {\n  },\n  c: { },\n}\n'
    new = edit({("a", "x"): 1, ("b", "y"): [1], ("c", "z"): None}, text)
    assert new == '{\n  "a": {"x": 1},\n  "b": {\n    "y": [1],\n  },\n  c: { "z": null },\n}\n'


def test_create_missing_sections() -> None:
    new = edit({("queue", "max_size"): 100, ("storage", "s3", "bucket", "name"): "b"})
    assert lost_lines(CONFIG, new) == []
    # New members go right after the last member, before comments that close the object.
    assert new.endswith(
        '  },\n  "queue": {\n    "max_size": 100,\n  },\n  // end of file: } ] " \'\n}\n'
    )
    assert (
        '    "backup": { "enabled": false, "path": "backup" },\n'
        '    "s3": {\n      "bucket": {\n        "name": "b",\n      },\n    },\n  },'
    ) in new
    comments_kept(new)


def test_new_key_matches_bare_key_style_and_indent_unit() -> None:
    text = "{\n    // four spaces\n    a: 1,\n    b: {\n        c: 2\n    }\n}"
    new = edit({("b", "d"): True, ("e", "f"): "g"}, text)
    assert new == (
        "{\n    // four spaces\n    a: 1,\n    b: {\n        c: 2,\n        d: true\n    },\n"
        '    e: {\n        f: "g"\n    }\n}'
    )


def test_crlf_line_endings_are_kept() -> None:
    text = CONFIG.replace("\n", "\r\n")
    new = edit({("balancer", "extra"): 1, ("queue", "max_size"): 2, ("server", "port"): 1}, text)
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
