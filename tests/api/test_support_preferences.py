"""Support e-mail preferences (#50-#51) end to end."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import new_key
from tests.live_server import LiveServer

DEFAULTS = {"email_admin_reply": True, "email_status_change": True, "email_resolved": True}


def client(server: LiveServer, org: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"X-API-Key": new_key(server, org)})


def test_defaults_then_patch_persists_per_user(server: LiveServer) -> None:
    with client(server, "prefs-a") as first, client(server, "prefs-b") as second:
        initial = first.get("/api/v1/support/preferences")
        assert initial.status_code == 200
        body = initial.json()
        assert set(body) == {"user_id", "notification_settings", "updated_at"}
        assert body["notification_settings"] == DEFAULTS and body["updated_at"] is None
        patched = first.patch("/api/v1/support/preferences", json={"email_resolved": False})
        assert patched.status_code == 200
        assert patched.json()["notification_settings"] == {**DEFAULTS, "email_resolved": False}
        assert patched.json()["updated_at"] is not None
        assert patched.json()["user_id"] == body["user_id"]
        assert first.get("/api/v1/support/preferences").json() == patched.json()
        other = second.get("/api/v1/support/preferences").json()
        assert other["notification_settings"] == DEFAULTS and other["user_id"] != body["user_id"]


def test_patch_changes_only_named_switches(server: LiveServer) -> None:
    with client(server, "prefs-c") as api:
        api.patch("/api/v1/support/preferences", json={"email_admin_reply": False})
        later = api.patch("/api/v1/support/preferences", json={"email_status_change": False})
        assert later.json()["notification_settings"] == {
            "email_admin_reply": False,
            "email_status_change": False,
            "email_resolved": True,
        }
        unchanged = api.patch("/api/v1/support/preferences", json={})
        assert unchanged.json() == later.json()


def test_invalid_patches_are_400(server: LiveServer) -> None:
    with client(server, "prefs-d") as api:
        invalid: list[Any] = [
            {"email_resolved": "no"},
            {"email_weekly": True},
            {"email_resolved": 1},
            [],
        ]
        for body in invalid:
            reply = api.patch("/api/v1/support/preferences", json=body)
            assert reply.status_code == 400, body
            assert reply.json()["error"] == "INVALID_REQUEST"
        assert api.get("/api/v1/support/preferences").json()["updated_at"] is None


def test_preferences_need_a_key(server: LiveServer) -> None:
    assert httpx.get(f"{server.url}/api/v1/support/preferences").status_code == 401
    read_only = new_key(server, "prefs-reader", scopes=("read",))
    reply = httpx.patch(
        f"{server.url}/api/v1/support/preferences",
        headers={"X-API-Key": read_only},
        json={"email_resolved": False},
    )
    assert reply.status_code == 403
