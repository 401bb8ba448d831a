"""JSON Schema checks shared by tools and structured output (via the `jsonschema` library).

Three questions: is a client's schema a valid JSON Schema, can any value satisfy it (the
obvious contradictions only: a full satisfiability check is undecidable in general), and
does a value match it (the first problem, named by its path).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema import exceptions, validators
from jsonschema.protocols import Validator

from modules.errors import BadRequest

# Keywords whose value is a map of name -> subschema, or a list of subschemas.
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONE = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
)
# Lower/upper bound pairs that contradict each other when lower > upper.
_BOUNDS = (
    ("minimum", "maximum"),
    ("minLength", "maxLength"),
    ("minItems", "maxItems"),
    ("minProperties", "maxProperties"),
)


def _validator_class(schema: Any) -> type[Validator]:
    cls: type[Validator] = validators.validator_for(schema, default=validators.Draft202012Validator)
    return cls


def check_schema(schema: Any, param: str) -> None:
    """Raise BadRequest (naming `param`) unless `schema` is a valid, satisfiable JSON Schema."""
    if not isinstance(schema, dict | bool):
        raise BadRequest(f"Invalid schema for '{param}': must be a JSON object.", param=param)
    try:
        _validator_class(schema).check_schema(schema)
    except exceptions.SchemaError as err:
        where = "/".join(str(p) for p in err.path) or "(root)"
        raise BadRequest(
            f"Invalid schema for '{param}': {err.message} (at {where}).", param=param
        ) from None
    reason = unsatisfiable_reason(schema)
    if reason is not None:
        raise BadRequest(f"Invalid schema for '{param}': {reason}.", param=param)


def unsatisfiable_reason(schema: Any, where: str = "(root)") -> str | None:
    """Why no value can match `schema` (obvious cases), or None if it looks satisfiable."""
    if schema is False:
        return f"the schema at {where} is `false`, which no value matches"
    if not isinstance(schema, dict):
        return None
    own = _own_contradiction(schema)
    if own is not None:
        return f"no value can match the schema at {where}: {own}"
    required = set(schema.get("required", ()))
    for name, sub in (schema.get("properties") or {}).items():
        if name in required and (reason := unsatisfiable_reason(sub, f"{where}/{name}")):
            return reason
    for index, sub in enumerate(schema.get("allOf", ())):
        if reason := unsatisfiable_reason(sub, f"{where}/allOf/{index}"):
            return reason
    return None


def _own_contradiction(schema: dict[str, Any]) -> str | None:
    if schema.get("not") in ({}, True):
        return "`not` excludes every value"
    if "enum" in schema and not schema["enum"]:
        return "`enum` is empty"
    if schema.get("type") == []:
        return "`type` is an empty list"
    for low, high in _BOUNDS:
        if isinstance(schema.get(low), int | float) and isinstance(schema.get(high), int | float):
            if schema[low] > schema[high]:
                return f"`{low}` ({schema[low]}) is greater than `{high}` ({schema[high]})"
    types = [s.get("type") for s in schema.get("allOf", ()) if isinstance(s, dict)]
    plain = {t for t in types if isinstance(t, str)}
    if len(plain) > 1 and plain != {"integer", "number"}:
        return f"`allOf` requires several types at once ({', '.join(sorted(plain))})"
    return None


def first_problem(value: Any, schema: Any) -> str | None:
    """The first way `value` fails `schema`, as 'at path: message', or None if it matches."""
    validator = _validator_class(schema)(schema)
    errors = sorted(validator.iter_errors(value), key=lambda e: (len(e.path), list(e.path)))
    if not errors:
        return None
    best = exceptions.best_match(errors)
    where = "/".join(str(p) for p in best.absolute_path) or "(root)"
    return f"at {where}: {best.message}"


def compact_schema(schema: Any) -> Any:
    """The schema without annotations a model does not need (`title`, `$schema`)."""
    if isinstance(schema, list):
        return [compact_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    return dict(_compact_items(schema))


def _compact_items(schema: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for key, value in schema.items():
        if key in ("title", "$schema"):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            yield key, {name: compact_schema(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS or key in _SCHEMA_ONE:
            yield key, compact_schema(value)
        else:
            yield key, value
