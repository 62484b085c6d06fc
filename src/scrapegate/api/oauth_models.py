"""Response bodies of the OAuth routes (api/oauth.py, api/oauth_admin.py)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from scrapegate.api.wire import WireModel, WireTime
from scrapegate.platform.oauth import AuthorizationCode


def redirect_url(registered: str, code: str, state: str) -> str:
    """The registered URI with ``code`` and ``state`` added to any query it already has."""
    parts = urlsplit(registered)
    extra = urlencode({"code": code, "state": state})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


class ClientBody(WireModel):
    client_id: str
    name: str
    redirect_uris: list[str]
    scopes: list[str]
    created_at: WireTime


class RegisteredClientBody(ClientBody):
    client_secret: str


class ClientListBody(WireModel):
    clients: list[ClientBody]
    total: int


class AuthorizationBody(WireModel):
    code: str
    state: str
    redirect_url: str
    expires_in: int

    @classmethod
    def of(cls, grant: AuthorizationCode) -> AuthorizationBody:
        target = redirect_url(grant.redirect_uri, grant.code, grant.state)
        return cls(
            code=grant.code, state=grant.state, redirect_url=target, expires_in=grant.expires_in
        )


class TokenBody(WireModel):
    """RFC 6749 section 5.1: the successful token response."""

    access_token: str
    token_type: str
    scope: str
