"""OAuth for integrations and its admin clients (B.10).

The access token is a new API key of the approving user's organization; the authorization code is
32 random bytes, stored hashed, single use, and bound to the client, the exact redirect URI, the
approver and an optional PKCE (S256) challenge.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.oauth_records import OAuthClient, OAuthCode, OAuthGrant
from scrapegate.domain.records import new_id, utcnow
from scrapegate.errors import InvalidRequest, NotFound
from scrapegate.storage.oauth_protocol import OAuthRepository

OAUTH_SCOPE = "scrape"
KEY_SCOPES = ("read", "write")  # what the ``scrape`` OAuth scope grants (A.9)
SECRET_PREFIX = "cs_"
MAX_NAME = 100
MAX_REDIRECT_URIS = 20
MAX_URI = 2_048
MAX_STATE = 512
MAX_SOURCE = 200
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*$")
# Schemes that would run or read something in the user agent instead of reaching the client.
_UNSAFE_SCHEMES = frozenset({"javascript", "data", "file", "vbscript", "about", "blob"})
_PKCE_VALUE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


class OAuthKeyIssuer(Protocol):
    """Mints and revokes the API keys handed out as access tokens (the accounts package)."""

    async def issue(
        self, *, org_id: str, user_id: str, name: str, scopes: tuple[str, ...]
    ) -> tuple[str, str]:
        """A new active key: (the raw key, its id)."""
        ...

    async def revoke(self, key_id: str) -> None:
        """Revoke the key; a key already revoked or gone is left as it is."""
        ...


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def hash_code(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def s256_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def validate_redirect_uri(uri: object) -> str:
    """An absolute http(s) URI or a custom-scheme one, without fragment; kept verbatim."""
    if not isinstance(uri, str) or not uri or len(uri) > MAX_URI:
        raise InvalidRequest(f"redirect URIs must be 1-{MAX_URI} characters", "redirect_uris")
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    problem = None
    if "#" in uri or any(c.isspace() for c in uri):
        problem = "must not contain a fragment or whitespace"
    elif not _SCHEME.match(scheme) or scheme in _UNSAFE_SCHEMES:
        problem = "needs an http(s) or custom scheme"
    elif scheme in ("http", "https") and not parts.hostname:
        problem = "needs a host"
    elif scheme not in ("http", "https") and not (parts.netloc or parts.path):
        problem = "needs a path after the scheme"
    if problem:
        raise InvalidRequest(f"redirect URI {uri!r} {problem}", "redirect_uris")
    return uri


@dataclass(frozen=True)
class ClientView:
    """A registered client as administrators see it: never its secret's hash."""

    client_id: str
    name: str
    redirect_uris: list[str]
    scopes: list[str]
    created_at: datetime

    @classmethod
    def of(cls, client: OAuthClient) -> ClientView:
        return cls(
            client.id,
            client.name,
            list(client.redirect_uris),
            list(client.scopes),
            client.created_at,
        )


@dataclass(frozen=True)
class RegisteredClient(ClientView):
    """A client just registered, with its secret: the only time the secret is shown."""

    client_secret: str


@dataclass(frozen=True)
class ClientList:
    clients: list[ClientView]

    @property
    def total(self) -> int:
        return len(self.clients)


@dataclass(frozen=True)
class AuthorizationCode:
    """#39: a single-use code for ``redirect_uri``, the registered URI the client named."""

    code: str
    state: str
    redirect_uri: str
    expires_in: int


@dataclass(frozen=True)
class IssuedToken:
    """#40: the new API key handed to the client as a bearer token."""

    access_token: str
    scope: str
    token_type: str = "bearer"


def _text(body: JsonObject, key: str, limit: int, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise InvalidRequest(f"{key} is required", key)
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidRequest(f"{key} must be a string of at most {limit} characters", key)
    return value


def _object(body: Any) -> JsonObject:
    """The request body as sent, once known to be an object; fields are checked one by one."""
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    return body


def parse_client(body: Any) -> tuple[str, list[str], list[str]]:
    """(name, redirect_uris, scopes) of an admin POST body."""
    body = _object(body)
    name = (_text(body, "name", MAX_NAME, required=True) or "").strip()
    if not name:
        raise InvalidRequest("name is required", "name")
    uris = body.get("redirect_uris")
    if not isinstance(uris, list) or not 1 <= len(uris) <= MAX_REDIRECT_URIS:
        raise InvalidRequest(
            f"redirect_uris must be a list of 1-{MAX_REDIRECT_URIS} URIs", "redirect_uris"
        )
    scopes = body.get("scopes", [OAUTH_SCOPE])
    if scopes != [OAUTH_SCOPE]:
        raise InvalidRequest(f'scopes must be ["{OAUTH_SCOPE}"]', "scopes")
    return name, list(dict.fromkeys(validate_redirect_uri(u) for u in uris)), [OAUTH_SCOPE]


@dataclass(frozen=True)
class AuthorizeRequest:
    client_id: str
    redirect_uri: str
    state: str
    scope: str
    source: str
    code_challenge: str | None


def parse_authorize(body: Any) -> AuthorizeRequest:
    body = _object(body)
    client_id = _text(body, "client_id", MAX_URI, required=True) or ""
    redirect_uri = _text(body, "redirect_uri", MAX_URI, required=True) or ""
    state = _text(body, "state", MAX_STATE, required=True) or ""
    scope = _text(body, "scope", MAX_NAME) or OAUTH_SCOPE
    if scope != OAUTH_SCOPE:
        raise InvalidRequest(f"scope must be {OAUTH_SCOPE!r}", "scope")
    challenge = _text(body, "code_challenge", 128)
    method = _text(body, "code_challenge_method", 16)
    if challenge is None and method is not None:
        raise InvalidRequest("code_challenge_method needs a code_challenge", "code_challenge")
    if challenge is not None:
        if method != "S256":
            raise InvalidRequest("code_challenge_method must be S256", "code_challenge_method")
        if not _PKCE_VALUE.match(challenge):
            raise InvalidRequest("code_challenge is not a valid S256 challenge", "code_challenge")
    source = _text(body, "source", MAX_SOURCE) or "unknown"
    return AuthorizeRequest(client_id, redirect_uri, state, scope, source, challenge)


@dataclass(frozen=True)
class TokenRequest:
    """The #40 parameters after transport decoding (body fields or HTTP Basic credentials)."""

    grant_type: str | None
    code: str | None
    client_id: str | None
    client_secret: str | None
    redirect_uri: str | None
    code_verifier: str | None


class OAuthTokenError(Exception):
    """An RFC 6749 (5.2) error of the token endpoint (its own body, not the usual envelope)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {
            "error": self.error,
            "error_description": self.description,
            "detail": self.description,
        }


def invalid_grant(description: str) -> OAuthTokenError:
    return OAuthTokenError("invalid_grant", description)


class OAuthService:
    def __init__(
        self,
        repository: OAuthRepository,
        keys: OAuthKeyIssuer,
        code_ttl_s: int,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._repository = repository
        self._keys = keys
        self._code_ttl_s = code_ttl_s
        self._clock = clock

    # --- admin (B.10) -------------------------------------------------------------------------

    async def register_client(self, body: Any) -> RegisteredClient:
        name, uris, scopes = parse_client(body)
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        client = OAuthClient(
            id=new_id(),
            name=name,
            secret_hash=hash_secret(secret),
            redirect_uris=uris,
            scopes=scopes,
            created_at=self._clock(),
        )
        await self._repository.create_client(client)
        shown = ClientView.of(client)
        return RegisteredClient(**vars(shown), client_secret=secret)

    async def list_clients(self) -> ClientList:
        clients = await self._repository.list_clients()
        return ClientList([ClientView.of(c) for c in clients])

    async def delete_client(self, client_id: str) -> None:
        if not await self._repository.delete_client(client_id):
            raise NotFound("OAuth client not found")

    # --- #39 authorize ------------------------------------------------------------------------

    async def authorize(self, body: Any, *, user_id: str, org_id: str) -> AuthorizationCode:
        """A code for the approving user (``user_id``) in organization ``org_id``."""
        req = parse_authorize(body)
        client = await self._repository.get_client(req.client_id)
        if client is None:
            raise InvalidRequest("Unknown client_id", "client_id")
        if req.redirect_uri not in client.redirect_uris:
            raise InvalidRequest("redirect_uri does not match a registered URI", "redirect_uri")
        raw = secrets.token_urlsafe(32)
        now = self._clock()
        await self._repository.create_code(
            OAuthCode(
                code_hash=hash_code(raw),
                client_id=client.id,
                redirect_uri=req.redirect_uri,
                user_id=user_id,
                org_id=org_id,
                scope=req.scope,
                source=req.source,
                expires_at=now + timedelta(seconds=self._code_ttl_s),
                code_challenge=req.code_challenge,
                code_challenge_method="S256" if req.code_challenge else None,
                created_at=now,
            )
        )
        return AuthorizationCode(raw, req.state, req.redirect_uri, self._code_ttl_s)

    # --- #40 token ----------------------------------------------------------------------------

    async def exchange(self, req: TokenRequest) -> IssuedToken:
        if not req.grant_type:
            raise OAuthTokenError("invalid_request", "grant_type is required")
        if req.grant_type != "authorization_code":
            raise OAuthTokenError("unsupported_grant_type", "Only authorization_code is supported")
        for name in ("code", "redirect_uri", "client_id", "client_secret"):
            if not getattr(req, name):
                raise OAuthTokenError("invalid_request", f"{name} is required")
        client = await self._authenticate_client(req)
        code = await self._usable_code(client, req)
        if not await self._repository.consume_code(code.code_hash, self._clock()):
            await self._revoke_replayed(code.code_hash)  # lost a race with another exchange
            raise invalid_grant("The authorization code was already used")
        raw = await self._issue_key(client, code)
        return IssuedToken(access_token=raw, scope=code.scope)

    async def _authenticate_client(self, req: TokenRequest) -> OAuthClient:
        client = await self._repository.get_client(req.client_id or "")
        given = hash_secret(req.client_secret or "")
        # Compare even for an unknown client, so timing does not tell which ids exist.
        expected = client.secret_hash if client else hash_secret(secrets.token_hex(16))
        if not hmac.compare_digest(given, expected) or client is None:
            raise OAuthTokenError("invalid_client", "Client authentication failed", 401)
        return client

    async def _usable_code(self, client: OAuthClient, req: TokenRequest) -> OAuthCode:
        code = await self._repository.get_code(hash_code(req.code or ""))
        if code is None or code.client_id != client.id:
            raise invalid_grant("The authorization code is unknown or was issued to another client")
        if code.used_at is not None:
            await self._revoke_replayed(code.code_hash)
            raise invalid_grant("The authorization code was already used")
        if code.expires_at <= self._clock():
            raise invalid_grant("The authorization code has expired")
        if code.redirect_uri != req.redirect_uri:
            raise invalid_grant("redirect_uri does not match the authorization request")
        if code.code_challenge is not None:
            if not req.code_verifier:
                raise OAuthTokenError("invalid_request", "code_verifier is required")
            if not hmac.compare_digest(s256_challenge(req.code_verifier), code.code_challenge):
                raise invalid_grant("code_verifier does not match the code_challenge")
        return code

    async def _issue_key(self, client: OAuthClient, code: OAuthCode) -> str:
        raw, key_id = await self._keys.issue(
            org_id=code.org_id,
            user_id=code.user_id,
            name=f"{client.name} (OAuth)",
            scopes=KEY_SCOPES,
        )
        await self._repository.attach_key(code.code_hash, key_id)
        grant = OAuthGrant(client.id, code.user_id, code.org_id, key_id, self._clock())
        previous = await self._repository.replace_grant(grant)
        if previous is not None and previous != key_id:
            await self._keys.revoke(previous)  # rotation: one live key per (client, user)
        return raw

    async def _revoke_replayed(self, code_hash: str) -> None:
        """RFC 6749 section 4.1.2: a code presented twice loses the key issued for it."""
        code = await self._repository.get_code(code_hash)
        if code is not None and code.api_key_id is not None:
            await self._keys.revoke(code.api_key_id)
