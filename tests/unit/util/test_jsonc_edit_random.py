"""Random edits of the sample config and of random documents: data right, comments kept."""

from __future__ import annotations

import json
import random

import json5
import pytest

from tests.unit.util.jsonc_samples import ARRAY_COMMENT, CONFIG, comments_kept, edit

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
        new = edit(changes, CONFIG, data)
        if not _replaces_container(data, changes):
            comments_kept(new)
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
        new = edit(changes, text, data)
        if not _replaces_container(data, changes):
            for comment in doc.comments:
                assert comment in new, (text, new)
        checked += 1
    assert checked > 50
