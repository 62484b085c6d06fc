"""Provenance of extracted values, keyed by the JSON Pointer of each filled field."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from scrapegate.domain.extraction import FieldEvidence
from scrapegate.domain.json_types import JsonValue
from scrapegate.extract.lookup import Found

T = TypeVar("T", bound=JsonValue)


def pointer(*parts: str | int) -> str:
    """RFC 6901: ``pointer("rating", "value")`` -> ``/rating/value``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class EvidenceLog:
    """Records where each filled field came from while a result is built."""

    def __init__(self) -> None:
        self.entries: dict[str, FieldEvidence] = {}

    def take(
        self, where: str, found: Found | None, coerce: Callable[[JsonValue], T | None]
    ) -> T | None:
        """``found``'s value coerced, with its evidence at ``where``; None (nothing logged)
        when there is no value or it does not convert."""
        if found is None:
            return None
        value = coerce(found.value)
        if value is None:
            return None
        self.entries[where] = found.evidence
        return value

    def first(
        self, where: str, candidates: list[Found | None], coerce: Callable[[JsonValue], T | None]
    ) -> T | None:
        """The first candidate whose value converts."""
        for found in candidates:
            value = self.take(where, found, coerce)
            if value is not None:
                return value
        return None

    def note(self, where: str, found: Found) -> None:
        self.entries[where] = found.evidence
