"""E-mail unsubscribe links: tokens bound to user and type.

The token is the hex HMAC-SHA256 of ``"<uid>:<type>"`` under a key derived from the master
secret. A link may also carry ``expires`` (Unix seconds); the token then signs
``"<uid>:<type>:<expires>"``, so the expiry cannot be changed without breaking the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from scrapegate.domain.records import EmailUnsubscribe
from scrapegate.errors import InvalidRequest
from scrapegate.storage.platform_events_protocol import UnsubscribeRepository

KEY_LABEL = "email-unsubscribe"
ALL = "all"
MESSAGES = {
    "product_updates": "You will no longer receive product update e-mails.",
    "usage_reports": "You will no longer receive usage report e-mails.",
    "low_balance": "You will no longer receive low-balance e-mails.",
    "lifecycle": "You will no longer receive onboarding and account lifecycle e-mails.",
    ALL: "You will no longer receive any of our e-mails except security notices.",
}
EMAIL_TYPES = tuple(MESSAGES)
# Security e-mails (sign-in, key and password changes) ignore every opt-out.
SECURITY = "security"
MAX_UID = 128


def signed_text(uid: str, email_type: str, expires: int | None) -> bytes:
    suffix = "" if expires is None else f":{expires}"
    return f"{uid}:{email_type}{suffix}".encode()


def mint_token(key: bytes, uid: str, email_type: str, expires: int | None = None) -> str:
    """The token for an e-mail link; pass ``expires`` (Unix seconds) for an expiring link."""
    return hmac.new(key, signed_text(uid, email_type, expires), hashlib.sha256).hexdigest()


def required_text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{key} is required", field=key)
    return value.strip()


def expiry_of(body: dict[str, Any], now: float) -> int | None:
    expires = body.get("expires")
    if expires is None:
        return None
    if isinstance(expires, bool) or not isinstance(expires, int):
        raise InvalidRequest("expires must be a Unix timestamp in seconds", field="expires")
    if expires < now:
        raise InvalidRequest("This unsubscribe link has expired", field="expires")
    return expires


@dataclass(frozen=True)
class Unsubscribed:
    message: str  # what the user opted out of, in words
    ok: bool = True


class UnsubscribeService:
    def __init__(self, repository: UnsubscribeRepository, key: bytes) -> None:
        self._repository = repository
        self._key = key

    def token_for(self, uid: str, email_type: str, expires: int | None = None) -> str:
        return mint_token(self._key, uid, email_type, expires)

    async def unsubscribe(self, body: Any, now: float | None = None) -> Unsubscribed:
        if not isinstance(body, dict):
            raise InvalidRequest("Request body must be a JSON object")
        uid = required_text(body, "uid")
        email_type = required_text(body, "type")
        if email_type not in MESSAGES or len(uid) > MAX_UID:
            field = "uid" if email_type in MESSAGES else "type"
            raise InvalidRequest(f"Invalid {field}", field=field, allowed=list(EMAIL_TYPES))
        token = required_text(body, "token").lower().encode()
        expires = expiry_of(body, time.time() if now is None else now)
        if not hmac.compare_digest(token, self.token_for(uid, email_type, expires).encode()):
            raise InvalidRequest("Invalid unsubscribe token", field="token")
        await self._repository.add(EmailUnsubscribe(user_id=uid, type=email_type))
        return Unsubscribed(MESSAGES[email_type])

    async def wants_email(self, uid: str, email_type: str) -> bool:
        """Whether e-mails of ``email_type`` may go to the user (security ones always may)."""
        if email_type == SECURITY:
            return True
        opted_out = set(await self._repository.types_for(uid))
        return not ({ALL, email_type} & opted_out)
