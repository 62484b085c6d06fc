"""Webhook signatures: HMAC-SHA256, hex, prefixed with ``sha256=``."""

from __future__ import annotations

import hashlib
import hmac


def _hex_hmac(secret: str, message: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign_v1(secret: str, body: bytes) -> str:
    """``X-Alterlab-Signature``: HMAC of the raw body."""
    return _hex_hmac(secret, body)


def sign_v2(secret: str, timestamp: int, delivery_id: str, body: bytes) -> str:
    """``X-Alterlab-Signature-V2``: HMAC of ``<timestamp>.<delivery id>.<raw body>``."""
    return _hex_hmac(secret, f"{timestamp}.{delivery_id}.".encode() + body)


def signature_matches(header_value: str, expected: str) -> bool:
    """Whether any comma-separated value of a signature header equals ``expected``.

    During a secret rotation the header carries two values (new first); each comparison runs in
    constant time.
    """
    values = [v.strip() for v in header_value.split(",")]
    return any(hmac.compare_digest(value, expected) for value in values)
