"""Upstream request bodies: full history, parent chain, ids, pending tail (SPEC §4)."""

from __future__ import annotations

import json
import uuid

import pytest

from modules.errors import BadRequest
from modules.upstream import protocol
from modules.upstream.body import (
    Attachment,
    ChatTurn,
    body_to_text,
    build_create_evaluation,
    build_post_to_evaluation,
)
from modules.upstream.matchup import blind_battle, side_by_side
from modules.upstream.models import ArenaModel

CHAT = ArenaModel("model-chat-id", "chatty", "org", "prov", {"text": True}, {"text": True})
IMAGE = ArenaModel("model-image-id", "painter", "org", "prov", {"text": True}, {"image": True})
SEARCH = ArenaModel("model-search-id", "finder", "org", "prov", {}, {"text": True, "search": True})

TURNS = [
    ChatTurn("system", "Be brief."),
    ChatTurn("user", "Hi"),
    ChatTurn("assistant", "Hello!"),
    ChatTurn("user", "What is a river?"),
]


def _is_uuid7(value: str) -> bool:
    parsed = uuid.UUID(value)
    return parsed.version == 7 and str(parsed) == value


def test_top_level_fields() -> None:
    call = build_create_evaluation(TURNS, CHAT)
    body = call.body
    assert call.method == "POST"
    assert call.path == protocol.CREATE_EVALUATION_PATH
    assert body["id"] == call.session_id
    assert body["mode"] == "direct"
    assert body["modelAId"] == "model-chat-id"
    assert body["userMessageId"] == call.user_message_id
    assert body["modelAMessageId"] == call.model_message_id
    assert body["modality"] == "chat"
    assert body["recaptchaV3Token"] is None
    assert set(body) == {
        "id", "mode", "modelAId", "userMessageId", "modelAMessageId", "modelBMessageId",
        "messages", "modality", "recaptchaV3Token",
    }  # fmt: skip


def test_full_history_in_order_with_roles() -> None:
    messages = build_create_evaluation(TURNS, CHAT).body["messages"]
    assert [(m["role"], m["content"]) for m in messages] == [
        ("system", "Be brief."),
        ("user", "Hi"),
        ("assistant", "Hello!"),
        ("user", "What is a river?"),
        ("assistant", ""),
    ]
    assert [m["modelId"] for m in messages] == [None, None, "model-chat-id", None, "model-chat-id"]


def test_parent_chain_and_common_fields() -> None:
    call = build_create_evaluation(TURNS, CHAT)
    messages = call.body["messages"]
    assert messages[0]["parentMessageIds"] == []
    for previous, message in zip(messages, messages[1:], strict=False):
        assert message["parentMessageIds"] == [previous["id"]]
    for message in messages:
        assert message["participantPosition"] == "a"
        assert message["evaluationSessionId"] == call.session_id
        assert message["failureReason"] is None
        assert message["experimental_attachments"] == []


def test_pending_tail() -> None:
    call = build_create_evaluation(TURNS, CHAT)
    *history, user, placeholder = call.body["messages"]
    assert all(m["status"] == "success" for m in history)
    assert user["id"] == call.user_message_id and user["status"] == "pending"
    assert placeholder["id"] == call.model_message_id
    assert placeholder["status"] == "pending"
    assert placeholder["content"] == ""
    assert placeholder["modelId"] == CHAT.id


def test_ids_are_uuid7_unique_and_ordered() -> None:
    call = build_create_evaluation(TURNS, CHAT)
    body = call.body
    ids = [body["id"], *(m["id"] for m in body["messages"]), body["modelBMessageId"]]
    assert all(_is_uuid7(i) for i in ids)
    assert len(set(ids)) == len(ids)
    message_ids = [m["id"] for m in body["messages"]]
    assert message_ids == sorted(message_ids)
    other = build_create_evaluation(TURNS, CHAT)
    assert other.session_id != call.session_id


def test_single_turn_and_given_session_id() -> None:
    call = build_create_evaluation([ChatTurn("user", "Hi")], CHAT, session_id="sess-1")
    assert call.session_id == "sess-1" == call.body["id"]
    user, placeholder = call.body["messages"]
    assert user["parentMessageIds"] == []
    assert placeholder["parentMessageIds"] == [user["id"]]


def test_attachments() -> None:
    image = Attachment("image-1.png", "image/png", "data:image/png;base64,AAAA")
    turns = [ChatTurn("user", "look", (image,))]
    [user, _] = build_create_evaluation(turns, CHAT).body["messages"]
    assert user["experimental_attachments"] == [
        {"name": "image-1.png", "contentType": "image/png", "url": "data:image/png;base64,AAAA"}
    ]


@pytest.mark.parametrize(
    ("model", "modality"), [(CHAT, "chat"), (IMAGE, "image"), (SEARCH, "search")]
)
def test_modality_per_model(model: ArenaModel, modality: str) -> None:
    assert build_create_evaluation([ChatTurn("user", "x")], model).body["modality"] == modality


@pytest.mark.parametrize(
    "turns", [[], [ChatTurn("user", "a"), ChatTurn("assistant", "b")], [ChatTurn("system", "s")]]
)
def test_last_turn_must_be_user(turns: list[ChatTurn]) -> None:
    with pytest.raises(BadRequest) as caught:
        build_create_evaluation(turns, CHAT)
    assert caught.value.param == "messages"
    assert caught.value.status == 400


def test_post_to_evaluation() -> None:
    call = build_post_to_evaluation("sess-9", TURNS, CHAT)
    assert call.method == "POST"
    assert call.path == "/nextjs-api/stream/post-to-evaluation/sess-9"
    assert call.body["id"] == "sess-9"
    assert all(m["evaluationSessionId"] == "sess-9" for m in call.body["messages"])
    assert len(call.body["messages"]) == len(TURNS) + 1


def test_body_to_text_is_compact_json() -> None:
    body = build_create_evaluation([ChatTurn("user", "café\n")], CHAT).body
    text = body_to_text(body)
    assert json.loads(text) == body
    assert ", " not in text and ": " not in text
    assert "café" in text


def test_public_api_is_exported() -> None:
    import modules.upstream as upstream

    assert sorted(upstream.__all__) == upstream.__all__
    assert all(hasattr(upstream, name) for name in upstream.__all__)


def test_side_by_side_names_both_models_and_the_mode() -> None:
    other = ArenaModel("model-other-id", "other", "org", "prov", {}, {"text": True})
    model, matchup = side_by_side(CHAT, other)
    body = build_create_evaluation(TURNS, model, matchup=matchup).body
    assert body["mode"] == protocol.MODE_SIDE_BY_SIDE
    assert (body["modelAId"], body[protocol.MODEL_B_ID_FIELD]) == (
        "model-chat-id",
        "model-other-id",
    )
    follow = build_post_to_evaluation("s-1", TURNS, model, matchup).body
    assert follow["mode"] == protocol.MODE_SIDE_BY_SIDE and follow[protocol.MODEL_B_ID_FIELD]


def test_a_blind_battle_names_no_model() -> None:
    model, matchup = blind_battle()
    body = build_create_evaluation(TURNS, model, matchup=matchup).body
    assert body["mode"] == protocol.MODE_BATTLE and body["modelAId"] is None
    assert protocol.MODEL_B_ID_FIELD not in body and body["modality"] == "chat"
    assert all(m["modelId"] is None for m in body["messages"])
