"""Scan JSONC/JSON5 text into value spans (where every key, value and comma sits)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import json5

_LITERALS = {"true", "false", "null", "Infinity", "+Infinity", "-Infinity", "NaN", "+NaN", "-NaN"}
# Applied to one scalar token only, never to the file: a JSON5 decimal or hex number.
_NUMBER = re.compile(r"[+-]?(0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)")


@dataclass
class Node:
    """A parsed value's span and, for an object, its members."""

    kind: str  # "object", "array" or "scalar"
    start: int
    end: int = 0  # exclusive
    members: list[Member] = field(default_factory=list)


@dataclass
class Member:
    """One `key: value` pair of an object."""

    key: str
    key_start: int
    value: Node
    comma: int | None = None  # index of the comma after the value, if any


class Scanner:
    """Recursive-descent walker over JSON5 text that records where every value sits."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.objects: list[Node] = []  # kept to guess the indent unit and comma style

    def fail(self, msg: str, pos: int | None = None) -> ValueError:
        """Build a ValueError naming the line and column."""
        p = self.pos if pos is None else pos
        line, col = self.text.count("\n", 0, p) + 1, p - self.text.rfind("\n", 0, p)
        return ValueError(f"cannot parse JSONC at line {line}, column {col}: {msg}")

    def peek(self) -> str:
        """Return the current character, or '' at the end."""
        return self.text[self.pos : self.pos + 1]

    def skip(self) -> None:
        """Skip whitespace and comments."""
        t = self.text
        while self.pos < len(t):
            if t[self.pos].isspace() or t[self.pos] == "\ufeff":
                self.pos += 1
            elif t.startswith("//", self.pos):
                self.pos = eol(t, self.pos)
            elif t.startswith("/*", self.pos):
                end = t.find("*/", self.pos + 2)
                if end < 0:
                    raise self.fail("unterminated /* comment")
                self.pos = end + 2
            else:
                return

    def value(self) -> Node:
        """Parse any value."""
        self.skip()
        start, c = self.pos, self.peek()
        if c == "{":
            return self.container("object", "}")
        if c == "[":
            return self.container("array", "]")
        if c and c in "\"'":
            self.string()
        else:
            tok = self.word("_$+-.")
            if tok not in _LITERALS and not _NUMBER.fullmatch(tok):
                raise self.fail(f"unexpected {tok or c or 'end of text'!r}", start)
        return Node("scalar", start, self.pos)

    def word(self, extra: str) -> str:
        """Consume a run of alphanumerics and `extra` characters."""
        start, t = self.pos, self.text
        while self.pos < len(t) and (t[self.pos].isalnum() or t[self.pos] in extra):
            self.pos += 1
        return t[start : self.pos]

    def string(self) -> str:
        """Consume a quoted string and return its raw text, quotes included."""
        t, start = self.text, self.pos
        quote, self.pos = t[start], start + 1
        while True:
            c = t[self.pos : self.pos + 1]
            if c in ("", "\n", "\r"):
                raise self.fail("unterminated string", start)
            if c == quote:
                self.pos += 1
                return t[start : self.pos]
            # An escape skips two characters, three for a CRLF line continuation.
            self.pos += 3 if t.startswith("\\\r\n", self.pos) else 2 if c == "\\" else 1

    def key(self) -> tuple[str, int]:
        """Consume a quoted or bare key and its colon; return the key and where it began."""
        c, start = self.peek(), self.pos
        if c and c in "\"'":
            raw = self.string()
            # Only escapes need a real decoder; json5 is the reference for those.
            key = json5.loads(raw) if "\\" in raw else raw[1:-1]
        else:
            key = self.word("_$")
            if not key or key[0].isdigit():
                raise self.fail(f"expected a key or '}}', found {c or 'end of text'!r}")
        self.skip()
        if self.peek() != ":":
            raise self.fail(f"expected ':' after key {key!r}")
        self.pos += 1
        return key, start

    def container(self, kind: str, close: str) -> Node:
        """Parse an object or array, from its opening bracket to its closing one."""
        node = Node(kind, self.pos)
        if kind == "object":
            self.objects.append(node)
        self.pos += 1
        while True:
            self.skip()
            if self.peek() == close:
                break
            if kind == "object":
                node.members.append(Member(*self.key(), self.value()))
            else:
                self.value()
            self.skip()
            if self.peek() == ",":
                if node.members:
                    node.members[-1].comma = self.pos
                self.pos += 1
            elif self.peek() != close:
                raise self.fail(f"expected ',' or '{close}' after a value")
        self.pos += 1
        node.end = self.pos
        return node


def parse_layout(text: str) -> tuple[Node, list[Node]]:
    """Parse text whose top level must be an object; return it and all objects."""
    s = Scanner(text)
    s.skip()
    if s.peek() != "{":
        raise s.fail("the top level must be an object")
    root = s.value()
    s.skip()
    if s.pos != len(text):
        raise s.fail("unexpected text after the top-level object")
    return root, s.objects


def eol(text: str, pos: int) -> int:
    """Index of the first line terminator at or after pos (len(text) if none)."""
    # U+2028/2029 end a // comment in JSON5 too.
    ends = [i for c in "\n\r\u2028\u2029" if (i := text.find(c, pos)) >= 0]
    return min(ends, default=len(text))
