"""Tolerant comparison of OCR output with the text that was rendered."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    return [token.lower() for token in _TOKEN.findall(text)]


def token_recall(expected: str, actual: str) -> float:
    """Share of the expected tokens found (with multiplicity) in the actual text."""
    wanted = tokens(expected)
    available = tokens(actual)
    found = 0
    for token in wanted:
        if token in available:
            available.remove(token)
            found += 1
    return found / len(wanted) if wanted else 1.0
