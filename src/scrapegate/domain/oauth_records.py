"""OAuth clients, authorization codes and grants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from scrapegate.domain.records import utcnow


@dataclass
class OAuthClient:
    """An integration registered by an administrator; only the secret's hash is kept."""

    id: str
    name: str
    secret_hash: str
    redirect_uris: list[str]
    scopes: list[str]
    created_at: datetime = field(default_factory=utcnow)


@dataclass
class OAuthCode:
    """One authorization code, stored by its hash, bound to client, redirect and approver."""

    code_hash: str
    client_id: str
    redirect_uri: str
    user_id: str
    org_id: str
    scope: str
    source: str
    expires_at: datetime
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    used_at: datetime | None = None
    api_key_id: str | None = None  # the key issued for this code, revoked if it is replayed


@dataclass
class OAuthGrant:
    """The key a user's latest authorization of a client produced (rotated on re-approval)."""

    client_id: str
    user_id: str
    org_id: str
    api_key_id: str
    updated_at: datetime = field(default_factory=utcnow)
