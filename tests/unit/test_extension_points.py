"""Each extension point's parts agree, so a forgotten file fails here (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import dataclasses
import re
from typing import get_args

from modules import config
from modules.app.settings_schema import settings_schema
from modules.observability.alert_kinds import ALERT_KINDS
from modules.openai_api.agent_request import AgentPlan
from modules.openai_api.answer import Answer
from modules.openai_api.answer_shaper import AnswerShaper
from modules.openai_api.shaped_answer import event_outputs
from modules.pool.instance_state import ALL_STATES
from modules.pool.strategies import STRATEGIES
from modules.upstream import events, protocol
from modules.upstream.parser import _BUILDERS, parse_line
from tests.support import ROOT


def test_strategy_registry_matches_the_config_literal() -> None:
    assert set(get_args(config.StrategyName)) == set(STRATEGIES)
    assert all(cls.name == name for name, cls in STRATEGIES.items())


def test_alert_kind_registry_matches_the_config_literal() -> None:
    assert set(get_args(config.AlertKindName)) == set(ALERT_KINDS)
    assert all(kind.name == name and kind.description for name, kind in ALERT_KINDS.items())


def _event_classes() -> set[type]:
    return {t for t in get_args(events.StreamEvent)}


def test_every_line_kind_of_the_protocol_has_a_builder() -> None:
    kinds = {v for k, v in vars(protocol).items() if k.startswith("KIND_")}
    assert kinds == set(_BUILDERS)


def test_the_builders_make_every_stream_event_but_malformed_lines() -> None:
    samples = {
        protocol.KIND_TEXT: '"t"',
        protocol.KIND_REASONING: '"r"',
        protocol.KIND_IMAGE: '[{"type": "image", "image": "https://i.example/1.png"}]',
        protocol.KIND_CITATION: '{"sources": []}',
        protocol.KIND_ERROR: '"boom"',
        protocol.KIND_FINISH: '{"finishReason": "stop"}',
    }
    assert set(samples) == set(_BUILDERS), "add a sample line for the new kind"
    made = {type(parse_line(f"a{kind}:{payload}")) for kind, payload in samples.items()}
    assert made | {events.MalformedLine} == _event_classes()


def test_every_client_event_has_a_face_for_the_client() -> None:
    client = set(get_args(events.ClientEvent))
    assert client == _event_classes() - {events.StreamErrorEvent, events.MalformedLine}
    for cls in client:
        fields = {f.name: _sample(f.type) for f in dataclasses.fields(cls)}
        event = cls(**fields)
        answer = Answer()
        answer.add(event)
        event_outputs(event, AnswerShaper(AgentPlan()), 0)  # no assert_never at run time either


def _sample(type_name: object) -> object:
    text = str(type_name)
    if "tuple" in text:
        return ("https://i.example/1.png",)
    if text == "object":
        return {"sources": [{"url": "https://s.example/1", "title": "S"}]}
    return "stop"


def test_the_gui_schema_offers_every_strategy_and_alert_kind() -> None:
    schema = settings_schema()
    assert [s["name"] for s in schema["strategies"]] == list(STRATEGIES)
    assert [k["name"] for k in schema["alert_kinds"]] == list(ALERT_KINDS)
    assert all(k["unit"] in ("ratio", "seconds", "count", "factor") for k in schema["alert_kinds"])


def test_the_gui_hard_codes_no_strategy_or_alert_kind() -> None:
    names = (set(STRATEGIES) | set(ALERT_KINDS)) - set(ALL_STATES)  # states are not choices
    for path in (ROOT / "gui").rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        found = sorted(n for n in names if f"'{n}'" in text or f'"{n}"' in text)
        assert not found, f"{path.relative_to(ROOT)} hard-codes {found}; read them from the schema"


def test_architecture_doc_names_files_that_exist() -> None:
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:modules|gui|tests|docs)/[\w/.-]+\.\w+)`", doc))
    assert paths, "the doc names no files"
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"docs/ARCHITECTURE.md names files that do not exist: {missing}"


def test_config_jsonc_documents_every_strategy_and_alert_kind() -> None:
    text = (ROOT / "config.jsonc").read_text(encoding="utf-8")
    comments = " ".join(line.split("//", 1)[1] for line in text.splitlines() if "//" in line)
    missing = sorted(n for n in (*STRATEGIES, *ALERT_KINDS) if n not in comments)
    assert not missing, f"config.jsonc does not mention {missing} in a comment"
