"""response_format: parsing, instruction, JSON extraction, validation, repair, 422."""

from __future__ import annotations

from typing import Any

import pytest

from modules.errors import BadRequest, UnusableReply
from modules.openai_api.json_schema import first_problem, unsatisfiable_reason
from modules.openai_api.repair import Repair
from modules.openai_api.structured_output import (
    JsonFormat,
    extract_json,
    json_instruction,
    judge_json_reply,
    parse_response_format,
)

PERSON: dict[str, Any] = {
    "title": "Person",
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
    "required": ["name", "age"],
}
SCHEMA_FORMAT = {"type": "json_schema", "json_schema": {"name": "person", "schema": PERSON}}


def _refused(raw: object) -> BadRequest:
    with pytest.raises(BadRequest) as caught:
        parse_response_format(raw)
    return caught.value


def test_formats() -> None:
    assert parse_response_format(None) is None
    assert parse_response_format({"type": "text"}) is None
    assert parse_response_format({"type": "json_object"}) == JsonFormat("json_object")
    fmt = parse_response_format(SCHEMA_FORMAT)
    assert fmt is not None and fmt.name == "person" and fmt.schema == PERSON


def test_bad_formats_name_the_field() -> None:
    assert _refused({"type": "xml"}).param == "response_format.type"
    assert _refused({"type": "json_schema"}).param == "response_format.json_schema"
    bad = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": 5}}}
    assert _refused(bad).param == "response_format.json_schema.schema"


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        (False, "`false`"),
        ({"not": {}}, "`not`"),
        ({"enum": []}, "`enum` is empty"),
        ({"type": "string", "minLength": 3, "maxLength": 1}, "`minLength` (3)"),
        ({"allOf": [{"type": "string"}, {"type": "object"}]}, "several types"),
        (
            {"type": "object", "properties": {"a": False}, "required": ["a"]},
            "(root)/a",
        ),
    ],
)
def test_unsatisfiable_schemas_are_refused_with_the_reason(schema: Any, words: str) -> None:
    spec = {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}
    err = _refused(spec)
    assert err.param == "response_format.json_schema.schema" and words in err.message


def test_satisfiable_schemas_pass() -> None:
    assert unsatisfiable_reason(PERSON) is None
    assert unsatisfiable_reason({"allOf": [{"type": "integer"}, {"type": "number"}]}) is None
    assert unsatisfiable_reason({"type": "object", "properties": {"a": False}}) is None


def test_instruction_carries_the_compact_schema() -> None:
    text = json_instruction(JsonFormat("json_schema", "person", PERSON))
    assert '"required":["name","age"]' in text and "Person" not in text
    assert "JSON object" in json_instruction(JsonFormat("json_object"))


@pytest.mark.parametrize(
    "reply",
    [
        '{"name": "Ada", "age": 36}',
        '```json\n{"name": "Ada", "age": 36}\n```',
        'Sure! Here it is:\n```\n{"name": "Ada", "age": 36}\n```\nAnything else?',
        'Here: {"name": "Ada", "age": 36} - done.',
    ],
)
def test_json_is_extracted_from_prose_and_fences(reply: str) -> None:
    found = extract_json(reply)
    assert found is not None and found[1] == {"name": "Ada", "age": 36}
    fmt = JsonFormat("json_schema", "person", PERSON)
    assert judge_json_reply(reply, fmt, 0) == '{"name": "Ada", "age": 36}'


def test_no_json_at_all() -> None:
    assert extract_json("No JSON here {oops") is None


def test_schema_mismatch_gets_a_repair_naming_the_problem_then_422() -> None:
    fmt = JsonFormat("json_schema", "person", PERSON)
    repair = judge_json_reply('{"name": "Ada", "age": -1}', fmt, 0)
    assert isinstance(repair, Repair)
    assert "at age" in repair.instruction and "minimum" in repair.instruction
    with pytest.raises(UnusableReply) as caught:
        judge_json_reply("I cannot.", fmt, 1)
    assert caught.value.status == 422 and caught.value.param == "response_format"
    assert "holds no JSON" in caught.value.message


def test_json_object_mode_wants_an_object() -> None:
    fmt = JsonFormat("json_object")
    assert judge_json_reply('{"ok": true}', fmt, 0) == '{"ok": true}'
    assert isinstance(judge_json_reply("[1, 2]", fmt, 0), Repair)


def test_first_problem_names_the_path() -> None:
    schema = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"type": "integer"}}},
    }
    assert first_problem({"items": [1, "x"]}, schema) == "at items/1: 'x' is not of type 'integer'"
    assert first_problem({"items": [1]}, schema) is None
