"""`response_format` enforced: instruct the model, extract its JSON, validate, repair once.

`{"type": "text"}` (or none) asks for nothing. `json_object` asks for any JSON object;
`json_schema` for a value matching `json_schema.schema` (checked to be a valid and
satisfiable JSON Schema first: 400 naming the field otherwise). The reply's JSON is taken
from the whole text, else from its first code fence, else from the first `{`/`[` that
starts a complete JSON value, so prose or fences around it are dropped. Never a 200 with
non-JSON when JSON was asked: one repair turn, then `UnusableReply` (422).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from modules.errors import BadRequest, UnusableReply
from modules.openai_api.json_schema import check_schema, compact_schema, first_problem
from modules.openai_api.repair import MAX_REPAIRS, Repair
from modules.util.clip import quoted

_FENCE = re.compile(r"```[\w-]*[ \t]*\n?(.*?)```", re.DOTALL)
_DECODER = json.JSONDecoder()
_PARAM = "response_format"


@dataclass(frozen=True, slots=True)
class JsonFormat:
    """What JSON the client asked for; `schema` is None for plain `json_object`."""

    kind: Literal["json_object", "json_schema"]
    name: str = ""
    schema: dict[str, Any] | bool | None = None


def parse_response_format(raw: object) -> JsonFormat | None:
    """Validate `response_format`; None when it asks for plain text."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise BadRequest(f"Invalid '{_PARAM}': must be an object.", param=_PARAM)
    kind = raw.get("type")
    if kind == "text":
        return None
    if kind == "json_object":
        return JsonFormat("json_object")
    if kind != "json_schema":
        raise BadRequest(
            f"Invalid '{_PARAM}.type' {quoted(kind)}: use 'text', 'json_object' or 'json_schema'.",
            param=f"{_PARAM}.type",
        )
    spec = raw.get("json_schema")
    if not isinstance(spec, dict):
        raise BadRequest(
            f"Missing required parameter: '{_PARAM}.json_schema'.", param=f"{_PARAM}.json_schema"
        )
    schema = spec.get("schema", {})
    check_schema(schema, f"{_PARAM}.json_schema.schema")
    return JsonFormat("json_schema", str(spec.get("name") or "response"), schema)


def json_instruction(fmt: JsonFormat) -> str:
    """The instruction added to the conversation (a system turn)."""
    if fmt.schema is None:
        return "Reply with only one JSON object: no prose, no code fence."
    schema = json.dumps(compact_schema(fmt.schema), ensure_ascii=False, separators=(",", ":"))
    return (
        "Reply with only JSON (no prose, no code fence) that matches this JSON Schema "
        f'("{fmt.name}"):\n{schema}'
    )


def extract_json(text: str) -> tuple[str, Any] | None:
    """The JSON in a reply as (its text, its value), or None if there is none."""
    stripped = text.strip()
    candidates = [stripped, *(m.group(1).strip() for m in _FENCE.finditer(stripped))]
    for candidate in candidates:
        try:
            return candidate, json.loads(candidate)
        except ValueError:
            continue
    for index, char in enumerate(stripped):
        if char in "{[":
            try:
                value, end = _DECODER.raw_decode(stripped, index)
            except ValueError:
                continue
            return stripped[index:end], value
    return None


def reply_problem(text: str, fmt: JsonFormat) -> tuple[str, str | None]:
    """(the JSON text to return, None) when the reply is good; (text, problem) otherwise."""
    found = extract_json(text)
    if found is None:
        return text, "the reply holds no JSON value"
    json_text, value = found
    if fmt.schema is None:
        if not isinstance(value, dict):
            return json_text, "the reply's JSON is not an object"
        return json_text, None
    problem = first_problem(value, fmt.schema)
    if problem is not None:
        return json_text, f"the reply's JSON does not match the schema {problem}"
    return json_text, None


def judge_json_reply(text: str, fmt: JsonFormat, repairs_done: int) -> str | Repair:
    """The JSON text to return, or a Repair; raises UnusableReply when out of repairs."""
    json_text, problem = reply_problem(text, fmt)
    if problem is None:
        return json_text
    if repairs_done >= MAX_REPAIRS:
        raise UnusableReply(
            f"The model's reply is not the JSON that response_format asks for after "
            f"{repairs_done} repair turn(s): {problem}.",
            param=_PARAM,
            code="response_format_unmet",
        )
    return Repair(f"Your last reply was not usable: {problem}. {json_instruction(fmt)}")
