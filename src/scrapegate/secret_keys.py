"""The master secret and the keys derived from it."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import string
from pathlib import Path

from scrapegate.config import Settings

BASE62 = string.digits + string.ascii_letters  # API keys and derived webhook secrets


def master_secret(settings: Settings) -> bytes:
    """SCRAPEGATE_SECRET_KEY, or a random one kept in DATA_DIR so a fresh install just works."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = Path(settings.data_dir) / "secret_key"
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(value)
    return value


def derive_key(master: bytes, label: str) -> bytes:
    """HKDF-style derivation with a distinct label per purpose."""
    prk = hmac.new(b"scrapegate", master, hashlib.sha256).digest()
    return hmac.new(prk, label.encode() + b"\x01", hashlib.sha256).digest()


def webhook_secret_for(master: bytes, org_id: str) -> str:
    """The organization's default webhook signing secret, ``whsec_`` + 32 base62 characters."""
    digest = int.from_bytes(derive_key(master, f"webhook-secret:{org_id}"), "big")
    chars = []
    for _ in range(32):
        digest, index = divmod(digest, 62)
        chars.append(BASE62[index])
    return "whsec_" + "".join(chars)
