"""OAuth for integrations end to end (spec platform-api A.9 #39-#40, admin clients B.10)."""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

import httpx
import pytest

from scrapegate.accounts.keys import hash_key
from scrapegate.domain.oauth_records import OAuthCode
from scrapegate.domain.records import ApiKey, utcnow
from scrapegate.platform.oauth import hash_code
from tests.api.conftest import ADMIN_KEY, new_key
from tests.live_server import LiveServer

REDIRECT = "https://integrations.example/callback?tenant=7"
VERIFIER = "v" * 20 + "-._~" + "x" * 30


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def registered(api: httpx.Client) -> dict[str, Any]:
    response = api.post(
        "/api/v1/admin/oauth-clients",
        json={"name": "Zapier", "redirect_uris": [REDIRECT, "zapapp:/oauth"]},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def authorize(client: httpx.Client, client_id: str, **fields: Any) -> httpx.Response:
    body = {"client_id": client_id, "redirect_uri": REDIRECT, "state": "st&=1", **fields}
    return client.post("/api/v1/oauth/authorize", json=body)


def code_for(client: httpx.Client, client_id: str, **fields: Any) -> str:
    response = authorize(client, client_id, **fields)
    assert response.status_code == 200, response.text
    return str(response.json()["code"])


def exchange_body(registered: dict[str, Any], code: str, **fields: Any) -> dict[str, Any]:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": registered["client_id"],
        "client_secret": registered["client_secret"],
        "redirect_uri": REDIRECT,
        **fields,
    }


def exchange(server: LiveServer, body: dict[str, Any], **options: Any) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/oauth/token", json=body, timeout=30, **options)


def stored_key(server: LiveServer, token: str) -> ApiKey:
    found = server.call(server.services.storage.api_keys.get_by_hash(hash_key(token)))
    assert isinstance(found, ApiKey)
    return found


def usage_status(server: LiveServer, token: str) -> int:
    response = httpx.get(f"{server.url}/api/v1/usage", headers={"X-API-Key": token}, timeout=30)
    return response.status_code


def refused_soon(server: LiveServer, token: str) -> bool:
    """Whether the key is refused: at once here, within the principal cache TTL (5 s) of
    another API process in the distributed topology."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if usage_status(server, token) == 401:
            return True
        time.sleep(0.2)
    return False


def test_admin_registers_lists_and_deletes_clients(
    api: httpx.Client, registered: dict[str, Any]
) -> None:
    assert registered["client_secret"].startswith("cs_")
    assert registered["redirect_uris"] == [REDIRECT, "zapapp:/oauth"]
    assert registered["scopes"] == ["scrape"] and registered["name"] == "Zapier"
    listed = api.get("/api/v1/admin/oauth-clients")
    assert listed.status_code == 200
    assert registered["client_secret"] not in listed.text and "client_secret" not in listed.text
    ids = [c["client_id"] for c in listed.json()["clients"]]
    assert registered["client_id"] in ids and listed.json()["total"] == len(ids)
    extra = api.post(
        "/api/v1/admin/oauth-clients", json={"name": "tmp", "redirect_uris": [REDIRECT]}
    )
    assert api.delete(f"/api/v1/admin/oauth-clients/{extra.json()['client_id']}").status_code == 204
    assert api.delete(f"/api/v1/admin/oauth-clients/{extra.json()['client_id']}").status_code == 404
    assert api.delete("/api/v1/admin/oauth-clients/not-a-uuid").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "redirect_uris": ["https://a.example/cb#frag"]},
        {"name": "x", "redirect_uris": ["/relative/path"]},
        {"name": "x", "redirect_uris": ["javascript:alert(1)"]},
        {"name": "x", "redirect_uris": []},
        {"name": "x", "redirect_uris": [REDIRECT], "scopes": ["admin"]},
        {"redirect_uris": [REDIRECT]},
    ],
)
def test_invalid_clients_are_400(api: httpx.Client, body: dict[str, Any]) -> None:
    response = api.post("/api/v1/admin/oauth-clients", json=body)
    assert response.status_code == 400 and response.json()["error"] == "INVALID_REQUEST"


def test_admin_routes_need_the_admin_scope(server: LiveServer) -> None:
    plain = new_key(server, "oauth-plain-admin")
    headers = {"X-API-Key": plain}
    listed = httpx.get(f"{server.url}/api/v1/admin/oauth-clients", headers=headers)
    assert listed.status_code == 403


def test_authorize_answers_a_code_and_a_redirect_url(
    api: httpx.Client, registered: dict[str, Any]
) -> None:
    response = authorize(api, registered["client_id"], source="zapier")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"code", "state", "redirect_url", "expires_in"}
    assert body["state"] == "st&=1" and body["expires_in"] == 300
    target = urlsplit(body["redirect_url"])
    assert body["redirect_url"].startswith("https://integrations.example/callback?")
    query = parse_qs(target.query)
    assert query == {"tenant": ["7"], "code": [body["code"]], "state": ["st&=1"]}


@pytest.mark.parametrize(
    "fields",
    [
        {"redirect_uri": "https://integrations.example/callback"},
        {"redirect_uri": "https://integrations.example/callback?tenant=7&x=1"},
        {"scope": "admin"},
        {"state": ""},
        {"state": "s" * 513},
        {"code_challenge": challenge_of(VERIFIER), "code_challenge_method": "plain"},
        {"code_challenge": challenge_of(VERIFIER)},
    ],
)
def test_invalid_authorizations_are_400(
    api: httpx.Client, registered: dict[str, Any], fields: dict[str, Any]
) -> None:
    response = authorize(api, registered["client_id"], **fields)
    assert response.status_code == 400 and response.json()["error"] == "INVALID_REQUEST"


def test_unknown_client_is_400(api: httpx.Client) -> None:
    response = authorize(api, str(uuid.uuid4()))
    assert response.status_code == 400 and response.json()["error"] == "INVALID_REQUEST"


def test_a_key_without_admin_scope_cannot_authorize(
    server: LiveServer, registered: dict[str, Any]
) -> None:
    with httpx.Client(base_url=server.url, headers={"X-API-Key": new_key(server, "oauth-rw")}) as c:
        assert authorize(c, registered["client_id"]).status_code == 403


def test_full_flow_issues_a_working_key_and_rotation_revokes_it(
    server: LiveServer, api: httpx.Client, registered: dict[str, Any]
) -> None:
    response = exchange(server, exchange_body(registered, code_for(api, registered["client_id"])))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer" and body["scope"] == "scrape"
    first = body["access_token"]
    assert first.startswith("sk_live_")
    key = stored_key(server, first)
    assert key.name == "Zapier (OAuth)" and key.scopes == ("read", "write")
    assert usage_status(server, first) == 200
    again = exchange(server, exchange_body(registered, code_for(api, registered["client_id"])))
    second = again.json()["access_token"]
    assert refused_soon(server, first)  # the earlier grant's key was rotated out
    assert usage_status(server, second) == 200


def test_a_replayed_code_is_refused_and_its_key_revoked(
    server: LiveServer, api: httpx.Client, registered: dict[str, Any]
) -> None:
    body = exchange_body(registered, code_for(api, registered["client_id"]))
    token = exchange(server, body).json()["access_token"]
    replay = exchange(server, body)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert set(replay.json()) == {"error", "error_description", "detail"}
    assert refused_soon(server, token)


def test_pkce_s256_verifier_is_checked(
    server: LiveServer, api: httpx.Client, registered: dict[str, Any]
) -> None:
    pkce = {"code_challenge": challenge_of(VERIFIER), "code_challenge_method": "S256"}
    missing = exchange(
        server, exchange_body(registered, code_for(api, registered["client_id"], **pkce))
    )
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    code = code_for(api, registered["client_id"], **pkce)
    wrong = exchange(server, exchange_body(registered, code, code_verifier="w" * 50))
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    code = code_for(api, registered["client_id"], **pkce)
    good = exchange(server, exchange_body(registered, code, code_verifier=VERIFIER))
    assert good.status_code == 200, good.text
    assert usage_status(server, good.json()["access_token"]) == 200


def test_basic_auth_and_form_encoding(
    server: LiveServer, api: httpx.Client, registered: dict[str, Any]
) -> None:
    userpass = f"{quote_plus(registered['client_id'])}:{quote_plus(registered['client_secret'])}"
    basic = "Basic " + base64.b64encode(userpass.encode()).decode()
    form = {
        "grant_type": "authorization_code",
        "code": code_for(api, registered["client_id"]),
        "redirect_uri": REDIRECT,
    }
    response = httpx.post(
        f"{server.url}/api/v1/oauth/token", data=form, headers={"Authorization": basic}
    )
    assert response.status_code == 200, response.text
    assert usage_status(server, response.json()["access_token"]) == 200


def test_wrong_secret_is_401_invalid_client(
    server: LiveServer, api: httpx.Client, registered: dict[str, Any]
) -> None:
    code = code_for(api, registered["client_id"])
    in_body = exchange(server, exchange_body(registered, code, client_secret="cs_wrong"))
    assert in_body.status_code == 401 and in_body.json()["error"] == "invalid_client"
    assert "www-authenticate" not in in_body.headers
    userpass = f"{registered['client_id']}:cs_wrong"
    basic = "Basic " + base64.b64encode(userpass.encode()).decode()
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    by_basic = httpx.post(
        f"{server.url}/api/v1/oauth/token", data=form, headers={"Authorization": basic}
    )
    assert by_basic.status_code == 401 and by_basic.json()["error"] == "invalid_client"
    assert by_basic.headers["www-authenticate"].startswith("Basic")


def test_grant_errors(server: LiveServer, api: httpx.Client, registered: dict[str, Any]) -> None:
    other = api.post("/api/v1/admin/oauth-clients", json={"name": "o", "redirect_uris": [REDIRECT]})
    foreign_code = code_for(api, other.json()["client_id"])
    own_code = code_for(api, registered["client_id"])
    cases = [
        (exchange_body(registered, foreign_code), "invalid_grant"),
        (exchange_body(registered, own_code, redirect_uri="zapapp:/oauth"), "invalid_grant"),
        (exchange_body(registered, "no-such-code"), "invalid_grant"),
        (exchange_body(registered, "x", grant_type="client_credentials"), "unsupported_grant_type"),
        ({"grant_type": "authorization_code"}, "invalid_request"),
    ]
    for body, error in cases:
        response = exchange(server, body)
        assert (response.status_code, response.json()["error"]) == (400, error), body


def test_an_expired_code_is_invalid_grant(server: LiveServer, registered: dict[str, Any]) -> None:
    admin = stored_key(server, ADMIN_KEY)
    expired = OAuthCode(
        code_hash=hash_code("expired-code"),
        client_id=registered["client_id"],
        redirect_uri=REDIRECT,
        user_id=admin.user_id,
        org_id=admin.org_id,
        scope="scrape",
        source="test",
        expires_at=utcnow() - timedelta(minutes=1),
    )
    server.call(server.services.storage.oauth.create_code(expired))
    response = exchange(server, exchange_body(registered, "expired-code"))
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_approval_in_one_org_gives_a_key_of_that_org_only(
    server: LiveServer, registered: dict[str, Any]
) -> None:
    tenant_key = new_key(server, "oauth-tenant-b", scopes=("read", "write", "admin"))
    approver = stored_key(server, tenant_key)
    with httpx.Client(base_url=server.url, headers={"X-API-Key": tenant_key}) as tenant:
        code = code_for(tenant, registered["client_id"])
    token = exchange(server, exchange_body(registered, code)).json()["access_token"]
    issued = stored_key(server, token)
    assert (issued.org_id, issued.user_id) == (approver.org_id, approver.user_id)
    assert issued.org_id != stored_key(server, ADMIN_KEY).org_id
