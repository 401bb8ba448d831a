"""Streaming text while tools are offered: hold back only what may be a call."""

from __future__ import annotations

from modules.openai_api.tool_stream import ToolCallSplitter


def _feed(splitter: ToolCallSplitter, deltas: list[str]) -> str:
    return "".join(splitter.feed(d) for d in deltas)


def test_plain_text_passes_through_except_a_partial_marker() -> None:
    splitter = ToolCallSplitter()
    assert _feed(splitter, ["Hello ", "world <tool"]) == "Hello world "
    assert splitter.held == "<tool"
    assert splitter.feed("s are fun") == "<tools are fun"


def test_tagged_call_split_across_deltas_is_held() -> None:
    splitter = ToolCallSplitter()
    sent = _feed(splitter, ["Let me check. <tool_", 'call>{"name":', ' "x"}</tool_call>'])
    assert sent == "Let me check. "
    assert splitter.held == '<tool_call>{"name": "x"}</tool_call>'


def test_fence_and_json_at_line_start_are_held() -> None:
    fenced = ToolCallSplitter()
    assert _feed(fenced, ["Sure:\n``", "`json\n{}"]) == "Sure:\n"
    assert fenced.held == "```json\n{}"
    bare = ToolCallSplitter()
    assert _feed(bare, ["Ok.\n", "  ", '{"name"']) == "Ok.\n  "
    assert bare.held == '{"name"'
    assert ToolCallSplitter().feed('{"a": 1}') == ""


def test_braces_inside_a_line_pass() -> None:
    assert ToolCallSplitter().feed("use f(x) {like this}") == "use f(x) {like this}"


def test_hold_all_sends_nothing() -> None:
    splitter = ToolCallSplitter(hold_all=True)
    assert _feed(splitter, ["a", "b"]) == "" and splitter.held == "ab"
