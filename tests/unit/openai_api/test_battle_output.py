"""The battle extension: b's events and revealed names as `arena` deltas and the whole field."""

from __future__ import annotations

from modules.openai_api.agent_request import plan_request
from modules.openai_api.answer import Answer
from modules.openai_api.answer_shaper import AnswerShaper
from modules.openai_api.battle_output import ArenaDelta, arena_opening, battle_outputs
from modules.openai_api.chat_output import ChatChunks, chat_completion
from modules.openai_api.chunks import ChunkBuilder
from modules.openai_api.schema import validate_request
from modules.openai_api.shaped_answer import ShapedAnswer, event_outputs
from modules.upstream.events import ClientEvent, Finish, ImageOutput, ReasoningDelta, TextDelta
from modules.upstream.matchup import blind_battle, side_by_side
from modules.upstream.models import ArenaModel

X = ArenaModel("id-x", "x", "org", output_capabilities={"text": True})
Y = ArenaModel("id-y", "y", "org", output_capabilities={"text": True})
USAGE = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}

# A blind battle's stream: reasoning of b, text of both interleaved, then both finish lines.
EVENTS: list[ClientEvent] = [
    ReasoningDelta("hm", "b"),
    TextDelta("Hel", "a"),
    TextDelta("Bon", "b"),
    TextDelta("lo", "a"),
    TextDelta("jour", "b"),
    Finish("stop", "a", "x"),
    Finish("content-filter", "b", "y"),
]


def _shape(events: list[ClientEvent]) -> tuple[ShapedAnswer, list[object]]:
    request = validate_request({"model": "battle", "messages": [{"role": "user", "content": "q"}]})
    shaper, answer, outputs = AnswerShaper(plan_request(request)), ShapedAnswer(), []
    for event in events:
        for output in event_outputs(event, shaper, answer.content_length):
            answer.add(output)
            outputs.append(output)
    return answer, outputs


def test_b_and_reveals_go_to_the_extension_a_stays_content() -> None:
    answer, outputs = _shape(EVENTS)
    assert answer.text == "Hello" and answer.reasoning_text == ""
    assert [o for o in outputs if isinstance(o, ArenaDelta)] == [
        ArenaDelta("b", "reasoning_content", "hm"),
        ArenaDelta("b", "content", "Bon"),
        ArenaDelta("b", "content", "jour"),
        ArenaDelta("a", "model", "x"),
        ArenaDelta("b", "model", "y"),
        ArenaDelta("b", "finish_reason", "content_filter"),
    ]
    assert answer.completion_tokens() > 0


def test_raw_answer_keeps_only_participant_a() -> None:
    answer = Answer()
    for event in EVENTS:
        answer.add(event)
    assert answer.text == "Hello" and answer.finish_reason == "stop"


def test_b_images_are_markdown_in_b_content() -> None:
    assert battle_outputs(ImageOutput(("http://i/1.png",), "b")) == [
        ArenaDelta("b", "content", "![image](http://i/1.png)")
    ]
    assert battle_outputs(TextDelta("a text")) is None
    assert battle_outputs(Finish("stop")) == []  # a direct chat's finish names nobody


def test_stream_chunks_open_with_the_mode_then_carry_pieces() -> None:
    opening = arena_opening(*blind_battle())
    assert opening == {"mode": "battle", "a": {"model": None}, "b": {"model": None}}
    chunks = ChatChunks(
        ChunkBuilder("battle", "id1", created=1), "reasoning_content", False, opening
    )
    first = chunks.opening()[0]["choices"][0]["delta"]
    assert first == {"role": "assistant", "content": "", "arena": opening}
    _, outputs = _shape(EVENTS)
    deltas = [c["choices"][0]["delta"] for o in outputs for c in chunks.chunks(o)]  # type: ignore[arg-type]
    assert deltas[0] == {"arena": {"b": {"reasoning_content": "hm"}}}
    assert {"content": "Hel"} in deltas and {"arena": {"a": {"model": "x"}}} in deltas
    assert deltas[-1] == {"arena": {"b": {"finish_reason": "content_filter"}}}


def test_direct_chats_send_no_extension() -> None:
    chunks = ChatChunks(ChunkBuilder("x", "id1", created=1), "reasoning_content", False)
    assert "arena" not in chunks.opening()[0]["choices"][0]["delta"]
    assert chunks.chunks(ArenaDelta("a", "model", "x")) == []
    answer, _ = _shape([TextDelta("hi"), Finish("stop", "a", "x")])
    message = chat_completion(answer, "reasoning_content", "x", USAGE, "id1")["choices"][0]
    assert "arena" not in message["message"]


def test_whole_message_carries_the_folded_extension() -> None:
    answer, _ = _shape(EVENTS)
    opening = arena_opening(*side_by_side(X, Y))
    assert opening == {"mode": "side-by-side", "a": {"model": "x"}, "b": {"model": "y"}}
    body = chat_completion(answer, "reasoning_content", "side-by-side:x,y", USAGE, "id1", opening)
    message = body["choices"][0]["message"]
    assert message["content"] == "Hello"
    assert message["arena"] == {
        "mode": "side-by-side",
        "a": {"model": "x"},
        "b": {
            "model": "y",
            "content": "Bonjour",
            "reasoning_content": "hm",
            "finish_reason": "content_filter",
        },
    }
    assert opening["b"] == {"model": "y"}  # the opening itself is not changed


def test_b_that_said_nothing_still_has_content() -> None:
    answer, _ = _shape([TextDelta("hi"), Finish("stop")])
    field = answer.arena.message_field(arena_opening(*blind_battle()) or {})
    assert field["b"] == {"model": None, "content": ""}
