"""Outside text named in a message is cut to a bound; short text is left as it is."""

from __future__ import annotations

from modules.util.clip import clip, quoted


def test_clip_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert clip("abc", 3) == "abc"
    assert clip("abcdef", 4) == "abc…"
    assert len(clip("x" * 10_000, 100)) == 100


def test_quoted_names_a_value_in_about_its_limit() -> None:
    assert quoted("role") == "'role'"
    assert quoted(None) == "None" and quoted(7) == "7"
    long = quoted("z" * 5000)
    assert long.startswith("'zz") and long.endswith("…'") and len(long) == 40
    assert len(quoted({"k": "v" * 5000})) == 40
