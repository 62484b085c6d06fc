"""JSON as a type: for documents whose shape is not ours (JSON-LD, user schemas, third parties).

Shapes we define are dataclasses or TypedDicts instead; these aliases are for data we only pass on.
"""

from __future__ import annotations

from typing import TypeAlias

JsonValue: TypeAlias = "str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = "dict[str, JsonValue]"
