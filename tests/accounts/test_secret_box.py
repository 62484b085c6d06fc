"""Secrets sealed at rest: they open only with the same master secret, label and row."""

from __future__ import annotations

import pytest

from scrapegate.secret_box import SecretBox, SecretUnreadable

MASTER = b"m" * 48


def test_seal_opens_with_the_same_row_only() -> None:
    box = SecretBox(MASTER, "llm-keys")
    sealed = box.seal("sk-secret-value", "row-1")
    assert sealed.startswith("v1.") and "sk-secret-value" not in sealed
    assert box.open(sealed, "row-1") == "sk-secret-value"
    assert box.seal("sk-secret-value", "row-1") != sealed  # a fresh nonce every time
    with pytest.raises(SecretUnreadable):
        box.open(sealed, "row-2")


@pytest.mark.parametrize(
    "other", [SecretBox(b"n" * 48, "llm-keys"), SecretBox(MASTER, "session-cookies")]
)
def test_another_key_or_purpose_cannot_open(other: SecretBox) -> None:
    sealed = SecretBox(MASTER, "llm-keys").seal("sk-secret-value", "row-1")
    with pytest.raises(SecretUnreadable):
        other.open(sealed, "row-1")


def test_tampered_or_unknown_values_are_refused() -> None:
    box = SecretBox(MASTER, "llm-keys")
    version, nonce, body = box.seal("sk-secret-value", "row-1").split(".")
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    for bad in (f"{version}.{nonce}.{flipped}", f"v9.{nonce}.{body}", "garbage"):
        with pytest.raises(SecretUnreadable):
            box.open(bad, "row-1")
