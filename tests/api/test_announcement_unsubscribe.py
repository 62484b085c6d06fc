"""Announcement banner (#5, B.10) and e-mail unsubscribe (#64) end to end."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import httpx

from scrapegate.domain.records import utcnow
from scrapegate.domain.timefmt import iso
from scrapegate.platform.unsubscribe import KEY_LABEL, mint_token
from scrapegate.secret_keys import derive_key
from tests.api.conftest import new_key
from tests.live_server import LiveServer

INACTIVE_KEYS = {"enabled", "text", "cta", "cta_url", "style", "version", "starts_at", "ends_at"}


def token(server: LiveServer, uid: str, kind: str, expires: int | None = None) -> str:
    key = derive_key(server.settings.secret_key.encode(), KEY_LABEL)  # type: ignore[union-attr]
    return mint_token(key, uid, kind, expires)


def active(server: LiveServer) -> dict[str, Any]:
    reply = httpx.get(f"{server.url}/api/v1/announcement/active")
    assert reply.status_code == 200
    body: dict[str, Any] = reply.json()
    return body


def test_announcement_lifecycle_bumps_version(api: httpx.Client, server: LiveServer) -> None:
    before = active(server)
    assert set(before) == INACTIVE_KEYS
    assert before["enabled"] is False and before["text"] is None
    start = before["version"]
    banner = {
        "enabled": True,
        "text": "Scheduled maintenance Sunday 02:00 UTC",
        "cta": "Read more",
        "cta_url": "https://status.example.org",
        "style": "warning",
        "ends_at": iso(utcnow() + timedelta(days=1)),
    }
    stored = api.put("/api/v1/admin/announcement", json=banner)
    assert stored.status_code == 200
    assert stored.json()["version"] == int(start) + 1
    shown = active(server)
    assert shown["enabled"] is True and shown["text"] == banner["text"]
    assert (shown["style"], shown["cta_url"]) == ("warning", "https://status.example.org")
    assert shown["version"] == int(start) + 1
    # Disabling is a change too: the inactive shape keeps the last version.
    api.put("/api/v1/admin/announcement", json={"enabled": False})
    hidden = active(server)
    assert hidden == {
        "enabled": False,
        "text": None,
        "cta": None,
        "cta_url": None,
        "style": "info",
        "version": int(start) + 2,
        "starts_at": None,
        "ends_at": None,
    }
    assert api.get("/api/v1/admin/announcement").json()["version"] == int(start) + 2


def test_future_announcement_is_not_shown_yet(api: httpx.Client, server: LiveServer) -> None:
    later = {"enabled": True, "text": "Soon", "starts_at": iso(utcnow() + timedelta(hours=2))}
    version = api.put("/api/v1/admin/announcement", json=later).json()["version"]
    shown = active(server)
    assert (shown["enabled"], shown["text"], shown["version"]) == (False, None, version)
    stored = api.get("/api/v1/admin/announcement").json()
    assert stored["text"] == "Soon" and stored["enabled"] is True


def test_invalid_announcements_are_400(api: httpx.Client) -> None:
    for body in (
        {"enabled": True},
        {"enabled": True, "text": "x" * 501},
        {"enabled": True, "text": "x", "style": "loud"},
        {"enabled": True, "text": "x", "cta_url": "javascript:alert(1)"},
        {
            "enabled": True,
            "text": "x",
            "starts_at": "2026-01-02T00:00:00Z",
            "ends_at": "2026-01-01T00:00:00Z",
        },
    ):
        reply = api.put("/api/v1/admin/announcement", json=body)
        assert reply.status_code == 400, body
        assert reply.json()["error"] == "INVALID_REQUEST"


def test_admin_announcement_needs_admin_scope(server: LiveServer) -> None:
    key = new_key(server, "announce-plain")
    reply = httpx.put(
        f"{server.url}/api/v1/admin/announcement",
        json={"enabled": True, "text": "hi"},
        headers={"X-API-Key": key},
    )
    assert reply.status_code == 403
    assert httpx.get(f"{server.url}/api/v1/admin/announcement").status_code == 401


def unsubscribe(server: LiveServer, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/unsubscribe", json=body)


def test_unsubscribe_is_stored_and_idempotent(server: LiveServer) -> None:
    body = {
        "uid": "user-7",
        "type": "usage_reports",
        "token": token(server, "user-7", "usage_reports"),
    }
    first = unsubscribe(server, body)
    assert first.status_code == 200
    assert first.json() == {
        "ok": True,
        "message": "You will no longer receive usage report e-mails.",
    }
    assert unsubscribe(server, body).json() == first.json()
    service = server.services.unsubscribes
    assert server.call(service.wants_email("user-7", "usage_reports")) is False
    assert server.call(service.wants_email("user-7", "lifecycle")) is True
    everything = {"uid": "user-7", "type": "all", "token": token(server, "user-7", "all")}
    assert unsubscribe(server, everything).json()["ok"] is True
    assert server.call(service.wants_email("user-7", "lifecycle")) is False
    assert server.call(service.wants_email("user-7", "security")) is True


def test_bad_tokens_are_400(server: LiveServer) -> None:
    good = token(server, "user-8", "lifecycle")
    bodies: list[dict[str, Any]] = [
        {"uid": "user-8", "type": "lifecycle", "token": "00" * 32},
        {"uid": "user-9", "type": "lifecycle", "token": good},  # bound to another user
        {"uid": "user-8", "type": "low_balance", "token": good},  # bound to another type
        {"uid": "user-8", "type": "newsletter", "token": good},
        {"uid": "user-8", "type": "lifecycle"},
    ]
    for body in bodies:
        reply = unsubscribe(server, body)
        assert reply.status_code == 400, body
        assert reply.json()["error"] == "INVALID_REQUEST"
    assert server.call(server.services.storage.unsubscribes.types_for("user-8")) == []


def test_expiring_tokens(server: LiveServer) -> None:
    soon = int(time.time()) + 3_600
    signed = token(server, "user-10", "product_updates", soon)
    ok = {"uid": "user-10", "type": "product_updates", "token": signed, "expires": soon}
    assert unsubscribe(server, ok).status_code == 200
    stretched = ok | {"expires": soon + 86_400}  # a changed expiry breaks the signature
    assert unsubscribe(server, stretched).status_code == 400
    past = int(time.time()) - 60
    expired = {
        "uid": "user-10",
        "type": "lifecycle",
        "token": token(server, "user-10", "lifecycle", past),
        "expires": past,
    }
    reply = unsubscribe(server, expired)
    assert reply.status_code == 400 and "expired" in reply.json()["detail"]
