"""OAuth for integrations: #39 authorize (a signed-in approver) and #40 token (the client).

#40 answers RFC 6749 (5.2) error bodies ``{"error", "error_description", "detail"}`` rather than
the usual envelope, so its errors are rendered here.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from urllib.parse import parse_qsl, unquote_plus

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from scrapegate.accounts.keys import KeyService, generate_key, hash_key
from scrapegate.api.body import read_json
from scrapegate.api.body_docs import FORM, JSON, json_body, request_body
from scrapegate.api.deps import AdminPrincipal, OAuthDep
from scrapegate.api.oauth_models import (
    AuthorizationBody,
    AuthorizeRequestBody,
    TokenBody,
    TokenRequestBody,
)
from scrapegate.api.public_rate import per_ip_public_access
from scrapegate.domain.records import ApiKey, new_id
from scrapegate.errors import InvalidRequest, NotFound, PayloadTooLarge
from scrapegate.platform.oauth import OAuthTokenError, TokenRequest
from scrapegate.storage.protocols import ApiKeyRepository

router = APIRouter(prefix="/api/v1/oauth", tags=["oauth"])

TOKEN_BODY_LIMIT = 16 * 1024
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
TOKEN_FIELDS = ("grant_type", "code", "client_id", "client_secret", "redirect_uri", "code_verifier")


@router.post(
    "/authorize",
    summary="Approve an integration: returns a single-use code",
    response_model=AuthorizationBody,
    openapi_extra={"requestBody": json_body(AuthorizeRequestBody)},
)
async def authorize(request: Request, who: AdminPrincipal, oauth: OAuthDep) -> AuthorizationBody:
    # Auth class "dashboard": a dashboard session or an admin-scoped key for now.
    body = await read_json(request)
    grant = await oauth.authorize(body, user_id=who.user_id, org_id=who.org_id)
    return AuthorizationBody.of(grant)


@router.post(
    "/token",
    summary="Exchange an authorization code for an API key",
    response_model=TokenBody,
    dependencies=[Depends(per_ip_public_access("oauth-token"))],
    openapi_extra={"requestBody": request_body(TokenRequestBody, (JSON, FORM))},
)
async def token(request: Request, oauth: OAuthDep) -> JSONResponse:
    basic = _is_basic(request)
    try:
        fields = await _token_fields(request)
        answer = await oauth.exchange(_token_request(fields, request))
    except OAuthTokenError as exc:
        headers = dict(NO_STORE)
        if exc.status == 401 and basic:
            headers["WWW-Authenticate"] = 'Basic realm="scrapegate"'
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)
    return JSONResponse(TokenBody.model_validate(answer).model_dump(), headers=NO_STORE)


def _is_basic(request: Request) -> bool:
    scheme, _, _ = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "basic"


async def _token_fields(request: Request) -> dict[str, str]:
    """The body's fields, JSON or form-encoded; a repeated or non-string field is refused."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    try:
        if media == "application/x-www-form-urlencoded":
            raw = await request.body()
            if len(raw) > TOKEN_BODY_LIMIT:
                raise OAuthTokenError("invalid_request", "Request body is too large")
            pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            names = [name for name, _ in pairs]
            if len(names) != len(set(names)):
                raise OAuthTokenError("invalid_request", "A parameter was sent more than once")
            return dict(pairs)
        body = await read_json(request, TOKEN_BODY_LIMIT)
    except (InvalidRequest, PayloadTooLarge, UnicodeDecodeError) as exc:
        raise OAuthTokenError("invalid_request", f"Unreadable request body: {exc}") from None
    if not isinstance(body, dict):
        raise OAuthTokenError("invalid_request", "Request body must be an object")
    fields: dict[str, str] = {}
    for name in TOKEN_FIELDS:
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            raise OAuthTokenError("invalid_request", f"{name} must be a string")
        if value is not None:
            fields[name] = value
    return fields


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    """RFC 6749 section 2.3.1: Basic credentials are the form-url-encoded id and secret."""
    if not _is_basic(request):
        return None
    _, _, encoded = request.headers.get("authorization", "").partition(" ")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthTokenError("invalid_client", "Malformed Basic credentials", 401) from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise OAuthTokenError("invalid_client", "Malformed Basic credentials", 401)
    return unquote_plus(client_id), unquote_plus(secret)


def _token_request(fields: dict[str, str], request: Request) -> TokenRequest:
    client_id, secret = fields.get("client_id"), fields.get("client_secret")
    basic = _basic_credentials(request)
    if basic is not None:
        # One authentication method per request (RFC 6749 section 2.3); a body client_id must agree.
        if secret is not None or (client_id is not None and client_id != basic[0]):
            raise OAuthTokenError("invalid_request", "Use either HTTP Basic or body credentials")
        client_id, secret = basic
    return TokenRequest(
        grant_type=fields.get("grant_type"),
        code=fields.get("code"),
        client_id=client_id,
        client_secret=secret,
        redirect_uri=fields.get("redirect_uri"),
        code_verifier=fields.get("code_verifier"),
    )


class AccountKeyIssuer:
    """The OAuth service's key issuer: keys of a given organization and user, revoked through
    the key service so that its cache of authenticated keys forgets them at once."""

    def __init__(self, keys: KeyService, api_keys: ApiKeyRepository) -> None:
        self._keys = keys
        self._api_keys = api_keys

    async def issue(
        self, *, org_id: str, user_id: str, name: str, scopes: tuple[str, ...]
    ) -> tuple[str, str]:
        raw = generate_key()
        key = ApiKey(
            id=new_id(),
            org_id=org_id,
            user_id=user_id,
            name=name,
            key_hash=hash_key(raw),
            key_prefix=raw[:12],
            scopes=scopes,
        )
        await self._api_keys.create(key)
        return raw, key.id

    async def revoke(self, key_id: str) -> None:
        with contextlib.suppress(NotFound):  # already revoked: the wanted state
            await self._keys.revoke(key_id)
