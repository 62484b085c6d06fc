"""What an extraction LLM is told, and how its answer is read and checked against the schema."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from scrapegate.domain.json_types import JsonObject, JsonValue
from scrapegate.extract.shorthand import as_json_schema

Strategy = Literal["json_schema", "tools", "json", "prompt"]
STRATEGIES: tuple[Strategy, ...] = ("json_schema", "tools", "json", "prompt")
MAX_REPORTED_ERRORS = 10

# A free-form answer when the caller gave only a prompt: any JSON object.
FREE_FORM: JsonObject = {"type": "object"}
SECTION_START = re.compile(r"\n(?=#{1,6} )")
SYSTEM = (
    "You extract structured data from a web page. Answer with one JSON object that matches the "
    "JSON Schema you are given. Use only what the page states; use null for a value the page "
    "does not give. Never invent values."
)


@dataclass(frozen=True, slots=True)
class LlmMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Checked:
    """An answer read against the schema: the object, or why it does not do."""

    value: JsonObject | None
    errors: tuple[str, ...]


def target_schema(schema: Mapping[str, Any] | None) -> JsonObject:
    """The JSON Schema the answer must match (a shorthand converted; none: any object)."""
    return FREE_FORM if schema is None else as_json_schema(schema)


def cut_markdown(markdown: str, limit: int) -> str:
    """At most ``limit`` characters, ending before a heading when one is in the second half."""
    if len(markdown) <= limit:
        return markdown
    head = markdown[:limit]
    starts = [m.start() for m in SECTION_START.finditer(head)]
    if starts and starts[-1] >= limit // 2:
        return head[: starts[-1]]
    paragraph = head.rfind("\n\n")
    return head[:paragraph] if paragraph >= limit // 2 else head


def first_messages(
    page: str,
    prompt: str | None,
    schema: JsonObject,
    strategy: Strategy,
    partial: JsonObject | None,
) -> list[LlmMessage]:
    system = SYSTEM
    if strategy in ("json", "prompt"):
        # Without a schema-constrained mode the schema itself must be in the instructions.
        system += "\nJSON Schema:\n" + json.dumps(schema, ensure_ascii=False)
        system += "\nAnswer with the JSON object only, no prose and no code fences."
    parts = [f"Page (markdown):\n<page>\n{page}\n</page>"]
    if partial is not None:
        parts.append(
            "Some fields were already read from the page's markup; keep them and fill the "
            "null ones:\n" + json.dumps(partial, ensure_ascii=False)
        )
    if prompt:
        parts.append(f"Instructions: {prompt}")
    return [LlmMessage("system", system), LlmMessage("user", "\n\n".join(parts))]


def repair_messages(answer: str, errors: tuple[str, ...]) -> list[LlmMessage]:
    """The model sees its own answer and what is wrong with it."""
    listed = "\n".join(f"- {e}" for e in errors[:MAX_REPORTED_ERRORS])
    return [
        LlmMessage("assistant", answer or "(empty answer)"),
        LlmMessage(
            "user",
            "Your answer does not match the JSON Schema:\n"
            f"{listed}\nAnswer again with one corrected JSON object only.",
        ),
    ]


def check_answer(text: str, schema: JsonObject) -> Checked:
    parsed = _parse_json(text)
    if not isinstance(parsed, dict):
        kind = "no JSON" if parsed is None else f"JSON {type(parsed).__name__}"
        return Checked(None, (f"the answer is {kind}, not a JSON object",))
    errors = schema_errors(parsed, schema)
    return Checked(None if errors else parsed, errors)


def schema_errors(value: JsonObject, schema: JsonObject) -> tuple[str, ...]:
    # Imported here: jsonschema takes ~150 ms to import, which only extraction should pay.
    from jsonschema.validators import validator_for  # type: ignore[import-untyped]

    validator: Any = validator_for(schema)(schema)
    found = []
    for error in validator.iter_errors(value):
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        found.append(f"{where}: {' '.join(error.message.split())[:200]}")
    return tuple(found)


def merge_filled(found: JsonObject, answer: JsonObject) -> JsonObject:
    """The markup's values win; the LLM fills what the markup left null (hybrid)."""
    merged: JsonObject = dict(answer)
    for key, value in found.items():
        other = answer.get(key)
        if isinstance(value, dict) and isinstance(other, dict):
            merged[key] = merge_filled(value, other)
        elif value is not None:
            merged[key] = value
    return merged


def _parse_json(text: str) -> JsonValue | None:
    body = text.strip()
    if body.startswith("```"):  # models in prompt mode often fence their answer
        body = body.strip("`").removeprefix("json").strip()
    try:
        value: JsonValue = json.loads(body)
        return value
    except ValueError:
        start, end = body.find("{"), body.rfind("}")
        if 0 <= start < end:
            try:
                inner: JsonValue = json.loads(body[start : end + 1])
                return inner
            except ValueError:
                return None
        return None
