"""Rewrite values in JSONC/JSON5 text in place, keeping comments, layout and trailing commas."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import json5

from .jsonc_scan import Node, eol, parse_layout

KeyPath = tuple[str, ...]


@dataclass
class _Style:
    """Layout conventions guessed from the file, used for inserted text."""

    unit: str
    nl: str
    trailing: bool


def _indent(text: str, pos: int) -> str:
    """Leading whitespace of the line containing pos."""
    line = text[text.rfind("\n", 0, pos) + 1 : pos]
    return line[: len(line) - len(line.lstrip(" \t"))]


def _starts_line(text: str, pos: int) -> bool:
    """True when only whitespace precedes pos on its line."""
    return not text[text.rfind("\n", 0, pos) + 1 : pos].strip()


def _multiline(text: str, node: Node) -> bool:
    """True when an object's braces are on different lines."""
    return "\n" in text[node.start : node.end]


def _style(text: str, objects: list[Node]) -> _Style:
    """Guess indent unit, newline and trailing-comma habit from the file."""
    unit = next(
        (inner[len(outer) :] for n in objects for m in n.members
         if _starts_line(text, m.key_start)
         and len(inner := _indent(text, m.key_start)) > len(outer := _indent(text, n.start))
         and inner.startswith(outer)),
        "  ",
    )  # fmt: skip
    multi = [n for n in objects if n.members and _multiline(text, n)]
    with_comma = sum(n.members[-1].comma is not None for n in multi)
    return _Style(unit, "\r\n" if "\r\n" in text else "\n", with_comma * 2 > len(multi))


def _dump(value: object) -> str:
    """Serialise a value on one line; NaN/inf are refused as they cannot round-trip."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _render(keys: KeyPath, value: object, indent: str, st: _Style, multi: bool, bare: bool) -> str:
    """Text of a new member, nesting objects for every key after the first."""
    key = keys[0] if bare and keys[0].isidentifier() else _dump(keys[0])
    if len(keys) == 1:
        return f"{key}: {_dump(value)}"
    if not multi:
        for k in reversed(keys[1:]):
            value = {k: value}
        return f"{key}: {_dump(value)}"
    inner, comma = indent + st.unit, "," if st.trailing else ""
    body = _render(keys[1:], value, inner, st, multi, bare)
    return f"{key}: {{{st.nl}{inner}{body}{comma}{st.nl}{indent}}}"


def _skip_inline(text: str, pos: int) -> int:
    """Skip blanks and comments that end on the same line as pos."""
    while pos < len(text):
        if text[pos] in " \t":
            pos += 1
        elif text.startswith("//", pos):
            return eol(text, pos)
        elif text.startswith("/*", pos) and text.find("*/", pos) < eol(text, pos):
            pos = text.find("*/", pos) + 2
        else:
            return pos
    return pos


def _insert(text: str, obj: Node, keys: KeyPath, value: object, st: _Style) -> str:
    """Add `keys[0]` (nesting the rest) as the last member of obj."""
    multi, close = _multiline(text, obj), obj.end - 1
    outer = _indent(text, obj.start)
    indent = next(
        (
            _indent(text, m.key_start)
            for m in reversed(obj.members)
            if _starts_line(text, m.key_start)
        ),
        outer + st.unit,
    )
    # Follow the neighbours' key style: bare identifiers stay bare, quoted keys stay quoted.
    bare = bool(obj.members) and text[obj.members[-1].key_start] not in "\"'"
    member = _render(keys, value, indent, st, multi, bare)
    if not obj.members:
        if multi and _starts_line(text, close):
            at = text.rfind("\n", 0, close) + 1
            return text[:at] + indent + member + ("," if st.trailing else "") + st.nl + text[at:]
        return text[:close] + member + (" " if text[close - 1] in " \t" else "") + text[close:]
    last = obj.members[-1]
    trailing = last.comma is not None
    anchor = last.comma + 1 if last.comma is not None else last.value.end
    comma = "," if trailing else ""
    pos = _skip_inline(text, anchor)
    if pos == eol(text, pos):
        # Go after any comment on the last member's line so the comment stays with it.
        at, ins = pos, st.nl + indent + member + comma
    else:
        at, ins = anchor, (st.nl + indent if multi else " ") + member + comma
    head = text[:at] if trailing else text[: last.value.end] + "," + text[last.value.end : at]
    return head + ins + text[at:]


def _apply(text: str, path: KeyPath, value: object) -> str:
    """Apply one change, re-parsing so offsets are always fresh."""
    if not path or not all(isinstance(k, str) for k in path):
        raise ValueError(f"key path must be a non-empty tuple of str, got {path!r}")
    root, objects = parse_layout(text)
    node = root
    for depth, key in enumerate(path):
        # json5 keeps the last of duplicate keys, so that is the one to edit.
        member = next((m for m in reversed(node.members) if m.key == key), None)
        if member is None:
            return _insert(text, node, path[depth:], value, _style(text, objects))
        if depth == len(path) - 1:
            return text[: member.value.start] + _dump(value) + text[member.value.end :]
        if member.value.kind != "object":
            raise ValueError(
                f"'{'.'.join(path[: depth + 1])}' is not an object; cannot set '{'.'.join(path)}'"
            )
        node = member.value
    raise AssertionError("unreachable")


def update_jsonc(text: str, changes: Mapping[KeyPath, object]) -> str:
    """Return text with each key path set to its value, all other text kept byte for byte."""
    for path, value in changes.items():
        if isinstance(path, str):  # tuple("a.b") would silently split it into characters
            raise ValueError(f"key path must be a tuple of str, not the string {path!r}")
        text = _apply(text, tuple(path), value)
    return text


def write_jsonc_changes(path: str | os.PathLike[str], changes: Mapping[KeyPath, object]) -> None:
    """Apply changes to a JSONC file, check the result parses as intended, replace it atomically.

    A symlink is followed: the file it points to is replaced (keeping its mode), the link stays.
    """
    target = Path(path).resolve()
    with open(target, encoding="utf-8", newline="") as f:
        old = f.read()
    new = update_jsonc(old, changes)
    expected = json5.loads(old)
    for keys, value in changes.items():
        node = expected
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = json.loads(_dump(value))  # tuples become lists, as on disk
    # Compare dumps, not objects, so a NaN elsewhere in the file does not fail the check.
    if json.dumps(json5.loads(new), sort_keys=True) != json.dumps(expected, sort_keys=True):
        raise ValueError(
            f"edited {target} would not parse back to the intended values; left unchanged"
        )
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(new)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, target.stat().st_mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
