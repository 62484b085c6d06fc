"""Request and response bodies of the OAuth routes (api/oauth.py, api/oauth_admin.py)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode, urlsplit, urlunsplit

from pydantic import Field

from scrapegate.api.body_docs import RequestModel, one_of
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.platform.oauth import (
    MAX_NAME,
    MAX_REDIRECT_URIS,
    MAX_SOURCE,
    MAX_STATE,
    MAX_URI,
    OAUTH_SCOPE,
    AuthorizationCode,
)

OAuthScope = Annotated[str, one_of((OAUTH_SCOPE,))]
PKCE_METHODS = ("S256",)
GRANT_TYPES = ("authorization_code",)


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


class AuthorizeRequestBody(RequestModel):
    """``POST /api/v1/oauth/authorize``: the approver's consent, with optional PKCE."""

    client_id: str = Field(max_length=MAX_URI)
    redirect_uri: str = Field(max_length=MAX_URI, description="one the client registered")
    state: str = Field(max_length=MAX_STATE)
    scope: OAuthScope = OAUTH_SCOPE
    source: str | None = Field(None, max_length=MAX_SOURCE, description="where consent was given")
    code_challenge: str | None = Field(None, description="PKCE: 43-128 URL-safe characters")
    code_challenge_method: Annotated[str, one_of(PKCE_METHODS)] | None = None


class TokenRequestBody(RequestModel):
    """``POST /api/v1/oauth/token``, JSON or form-encoded; the client may authenticate with
    HTTP Basic instead of ``client_id`` and ``client_secret``."""

    grant_type: Annotated[str, one_of(GRANT_TYPES)]
    code: str
    client_id: str
    client_secret: str
    redirect_uri: str
    code_verifier: str | None = Field(None, description="PKCE: when the code has a challenge")


class ClientRequestBody(RequestModel):
    """``POST /api/v1/admin/oauth-clients``."""

    name: str = Field(max_length=MAX_NAME)
    redirect_uris: list[str] = Field(min_length=1, max_length=MAX_REDIRECT_URIS)
    scopes: tuple[OAuthScope, ...] = (OAUTH_SCOPE,)
