"""Secrets at rest: AES-256-GCM with a key derived from the master secret.

A sealed value reads ``v1.<base64url nonce>.<base64url ciphertext+tag>``; the row id and purpose are
bound as associated data, so a ciphertext copied to another row (or tenant) does not open.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from scrapegate.secret_keys import derive_key

VERSION = "v1"
NONCE_BYTES = 12


class SecretUnreadable(Exception):
    """The sealed value was altered, belongs to another row, or was sealed under another key."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SecretBox:
    """Seals and opens short secrets for one purpose (``label``)."""

    def __init__(self, master: bytes, label: str) -> None:
        self._label = label
        self._aead = AESGCM(derive_key(master, label))

    def _context(self, row_id: str) -> bytes:
        return f"{self._label}:{row_id}".encode()

    def seal(self, plaintext: str, row_id: str) -> str:
        nonce = os.urandom(NONCE_BYTES)  # random per value: GCM must never reuse one
        sealed = self._aead.encrypt(nonce, plaintext.encode(), self._context(row_id))
        return f"{VERSION}.{_b64(nonce)}.{_b64(sealed)}"

    def open(self, sealed: str, row_id: str) -> str:
        parts = sealed.split(".")
        if len(parts) != 3 or parts[0] != VERSION:
            raise SecretUnreadable("unknown sealed-value format")
        try:
            plain = self._aead.decrypt(_unb64(parts[1]), _unb64(parts[2]), self._context(row_id))
        except (InvalidTag, ValueError):
            raise SecretUnreadable("the sealed value does not open under this key") from None
        return plain.decode()
