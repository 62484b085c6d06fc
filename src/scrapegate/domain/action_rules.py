"""Browser actions and validation rules 24-27."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scrapegate.domain.request_fields import FieldReader
from scrapegate.domain.scrape_model import Action
from scrapegate.errors import InvalidRequest

MAX_ACTIONS = 20
MAX_TOTAL_WAIT_MS = 60_000
ACTION_TYPES: tuple[str, ...] = (
    "wait",
    "wait_for",
    "click",
    "fill",
    "type",
    "press",
    "scroll",
    "infinite_scroll",
    "screenshot",
    "evaluate",
    "snapshot",
    "pdf",
)


@dataclass(frozen=True)
class Param:
    """One action field: ``kind`` is str, int, bool or enum (``choices``)."""

    kind: str
    required: bool = False
    default: Any = None
    low: int = 0
    high: int = 0
    choices: tuple[str, ...] = ()
    max_length: int = 10_000
    allow_empty: bool = False


_SELECTOR = Param("str")
_REQUIRED_SELECTOR = Param("str", required=True)
ACTION_PARAMS: dict[str, dict[str, Param]] = {
    "wait": {"milliseconds": Param("int", required=True, low=1, high=30_000)},
    "wait_for": {
        "selector": _REQUIRED_SELECTOR,
        "timeout_ms": Param("int", default=10_000, low=1, high=60_000),
        "state": Param("enum", default="visible", choices=("visible", "attached", "hidden")),
    },
    "click": {
        "selector": _REQUIRED_SELECTOR,
        "all": Param("bool", default=False),
        "button": Param("enum", default="left", choices=("left", "right", "middle")),
        "count": Param("int", default=1, low=1, high=100),
        "timeout_ms": Param("int", default=5_000, low=1, high=60_000),
    },
    "fill": {
        "selector": _REQUIRED_SELECTOR,
        "value": Param("str", required=True, allow_empty=True),
    },
    "type": {
        "text": Param("str", required=True),
        "selector": _SELECTOR,
        "delay_ms": Param("int", default=0, low=0, high=500),
    },
    "press": {"key": Param("str", required=True), "selector": _SELECTOR},
    "scroll": {
        "direction": Param("enum", default="down", choices=("down", "up")),
        "amount": Param("int", default=1, low=1, high=50),
        "selector": _SELECTOR,
    },
    "infinite_scroll": {
        "max_scrolls": Param("int", default=10, low=1, high=50),
        "delay_ms": Param("int", default=1_000, low=250, high=5_000),
        "stop_selector": _SELECTOR,
    },
    "screenshot": {"full_page": Param("bool", default=True), "selector": _SELECTOR},
    "evaluate": {"script": Param("str", required=True)},
    "snapshot": {},
    "pdf": {
        "format": Param("enum", default="A4", choices=("A4", "Letter")),
        "landscape": Param("bool", default=False),
    },
}


def _read_param(reader: FieldReader, name: str, param: Param) -> Any:
    value = reader.raw(name)
    if value is None or (value == "" and param.kind == "str" and not param.allow_empty):
        if param.required:
            raise reader.error(name, f"{reader.name(name)} is required")
        return param.default
    if param.kind == "bool":
        return reader.boolean(name, param.default)
    if param.kind == "int":
        detail = f"{reader.name(name)} must be between {param.low} and {param.high}"
        return reader.integer(name, param.low, param.high, detail)
    if param.kind == "enum":
        allowed = ", ".join(param.choices)
        return reader.choice(name, param.choices, f"{reader.name(name)} must be one of: {allowed}")
    too_long = f"{reader.name(name)} must be at most {param.max_length} characters"
    return reader.string(name, param.max_length, too_long)


def _read_action(index: int, item: object) -> Action:
    label = f"actions[{index}]"
    if not isinstance(item, Mapping):
        raise InvalidRequest(f"{label} must be an object", field=f"advanced.{label}")
    reader = FieldReader(item, f"advanced.{label}.", f"{label}.")
    kind = reader.raw("type")
    if kind is None or kind == "":
        raise reader.error("type", f"{label}.type is required")
    if kind not in ACTION_TYPES:
        raise reader.error("type", f"{label}.type must be one of: {', '.join(ACTION_TYPES)}")
    params = ACTION_PARAMS[kind]
    values = {name: _read_param(reader, name, param) for name, param in params.items()}
    return Action(type=kind, **values)


def _wait_ms(action: Action) -> int:
    if action.type == "wait":
        return action.milliseconds or 0
    if action.type == "wait_for":
        return action.timeout_ms or 0
    if action.type == "infinite_scroll":
        return (action.max_scrolls or 0) * (action.delay_ms or 0)
    return 0


def read_actions(advanced: FieldReader, render_js_truthy: bool) -> tuple[Action, ...]:
    """Rules 24-27, in order."""
    value = advanced.raw("actions")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise advanced.error("actions", "actions must be a list of objects")
    if not value:
        return ()
    if not render_js_truthy:
        raise advanced.error(
            "actions",
            'actions requires advanced.render_js=true or "auto" (browser rendering must be '
            "enabled to execute browser actions)",
        )
    if len(value) > MAX_ACTIONS:
        raise advanced.error(
            "actions", f"actions must contain at most {MAX_ACTIONS} items, got {len(value)}"
        )
    actions = tuple(_read_action(i, item) for i, item in enumerate(value))
    if sum(_wait_ms(a) for a in actions) > MAX_TOTAL_WAIT_MS:
        raise advanced.error(
            "actions", f"The total wait time of actions must not exceed {MAX_TOTAL_WAIT_MS} ms"
        )
    return actions
