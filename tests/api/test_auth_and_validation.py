"""Authentication, scopes, the error envelope and validation over HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import new_key
from tests.live_server import LiveServer


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "missing"),
        ({"X-API-Key": "sk_live_" + "x" * 32}, "invalid"),
        ({"Authorization": "Bearer sk_live_" + "y" * 32}, "invalid"),
    ],
)
def test_bad_credentials_are_401(server: LiveServer, headers: dict[str, str], reason: str) -> None:
    response = httpx.post(
        f"{server.url}/api/v1/scrape", json={"url": "http://example.org"}, headers=headers
    )
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "UNAUTHORIZED"
    assert body["details"]["reason"] == reason


def test_read_only_key_cannot_scrape(server: LiveServer) -> None:
    key = new_key(server, "readers", scopes=("read",))
    response = httpx.post(
        f"{server.url}/api/v1/scrape",
        json={"url": "http://example.org"},
        headers={"X-API-Key": key},
    )
    assert response.status_code == 403
    assert response.json()["details"]["required_scope"] == "write"
    assert httpx.get(f"{server.url}/api/v1/usage", headers={"X-API-Key": key}).status_code == 200


def test_revoked_key_is_disabled(server: LiveServer) -> None:
    key = new_key(server, "revoked-org")

    async def revoke() -> None:
        services = server.services
        from scrapegate.accounts.keys import hash_key

        found = await services.storage.api_keys.get_by_hash(hash_key(key))
        assert found is not None
        await services.keys.revoke(found.id)

    server.call(revoke())
    response = httpx.get(f"{server.url}/api/v1/usage", headers={"X-API-Key": key})
    assert response.status_code == 401
    assert response.json()["details"]["reason"] == "disabled"


def test_organization_header_must_match(api: httpx.Client) -> None:
    response = api.get("/api/v1/usage", headers={"X-Organization-Id": "0" * 8})
    assert response.status_code == 403
    assert response.json()["error"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("body", "status", "code", "detail", "field"),
    [
        ({}, 400, "INVALID_REQUEST", "url is required", "url"),
        (
            {"url": "ftp://example.org"},
            400,
            "INVALID_URL",
            "url must be an absolute http(s) URL",
            "url",
        ),
        (
            {"url": "http://example.org", "mode": "fast"},
            400,
            "INVALID_REQUEST",
            "mode must be one of: auto, html, js, pdf, ocr",
            "mode",
        ),
        (
            {"url": "http://example.org", "formats": ["pdf"]},
            400,
            "INVALID_REQUEST",
            'Unknown format "pdf". Allowed: text, json, json_v2, html, markdown, rag, content, raw',
            "formats",
        ),
        (
            {"url": "http://example.org", "timeout": 0},
            400,
            "INVALID_REQUEST",
            "timeout must be between 1 and 300 seconds",
            "timeout",
        ),
        (
            {"url": "http://example.org", "sync": "yes"},
            400,
            "INVALID_REQUEST",
            "sync must be a boolean",
            "sync",
        ),
        (
            {"url": "http://example.org", "cache_ttl": 100},
            400,
            "INVALID_REQUEST",
            "cache_ttl requires cache=true",
            "cache_ttl",
        ),
    ],
)
def test_validation_errors_use_the_envelope(
    api: httpx.Client, body: dict[str, Any], status: int, code: str, detail: str, field: str
) -> None:
    response = api.post("/api/v1/scrape", json=body)
    assert response.status_code == status
    payload = response.json()
    assert payload == {
        "detail": detail,
        "error": code,
        "message": detail,
        "details": payload["details"],
    }
    assert payload["details"]["field"] == field


def test_non_json_body_is_invalid_request(api: httpx.Client) -> None:
    response = api.post(
        "/api/v1/scrape", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Request body is not valid JSON"


def test_oversized_body_is_413(api: httpx.Client) -> None:
    response = api.post(
        "/api/v1/scrape",
        content=b'{"url": "' + b"a" * (1024 * 1024 + 10) + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "PAYLOAD_TOO_LARGE"


def test_private_targets_are_refused_by_default(server_factory: Any, fixture_site: Any) -> None:
    locked = server_factory(allow_private_networks=False)
    from tests.api.conftest import ADMIN_KEY

    for url in (
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://localhost/",
        "http://169.254.169.254/",
        fixture_site.url("/article"),
    ):
        response = httpx.post(
            f"{locked.url}/api/v1/scrape", json={"url": url}, headers={"X-API-Key": ADMIN_KEY}
        )
        assert response.status_code == 403, url
        assert response.json()["error"] == "URL_NOT_ALLOWED"
        assert "127.0.0.1" not in response.json()["detail"]


def test_api_keys_in_urls_never_reach_the_logs() -> None:
    """``?api_key=`` (SSE, WebSocket) is redacted from our access log and uvicorn's lines."""
    import logging

    from scrapegate.api.middleware import RedactSecrets, _logged_target

    target = _logged_target({"path": "/api/v1/ws/jobs", "query_string": b"x=1&api_key=sk_live_s3"})
    assert target == "/api/v1/ws/jobs?x=1&api_key=***"
    record = logging.LogRecord(
        "uvicorn.error", logging.INFO, __file__, 1, '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5", "/api/v1/ws/jobs?api_key=sk_live_s3"), None,
    )  # fmt: skip
    assert RedactSecrets().filter(record) and "sk_live_s3" not in record.getMessage()
