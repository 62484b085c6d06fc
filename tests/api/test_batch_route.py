"""Batches through the API: both body shapes, validation, status, cancellation, webhooks."""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.api.conftest import ADMIN_KEY
from tests.api.webhook_receiver import Receiver


def wait_batch(api: httpx.Client, batch_id: str, patience_s: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + patience_s
    while time.monotonic() < deadline:
        body: dict[str, Any] = api.get(f"/api/v1/batch/{batch_id}").json()
        if body["status"] in ("completed", "failed", "cancelled"):
            return body
        time.sleep(0.1)
    raise AssertionError("batch did not finish")


def test_urls_shape_with_defaults_and_mixed_results(api: httpx.Client, fixture_site: Any) -> None:
    response = api.post(
        "/api/v1/batch",
        json={
            "urls": [
                fixture_site.url("/article?b=1"),
                {
                    "url": fixture_site.url("/challenge/cloudflare"),
                    "cost_controls": {"max_tier": "1"},
                },
            ],
            "defaults": {"formats": ["text"]},
        },
    )
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert len(accepted["job_ids"]) == 2 and accepted["total_requests"] == 2
    assert response.headers["Location"] == accepted["poll_url"]
    done = wait_batch(api, accepted["batch_id"])
    assert done["status"] == "completed"
    assert (done["completed"], done["failed"]) == (1, 1)
    first, second = done["items"]
    assert "quick brown fox" in first["result"]["content"]["text"]
    assert second["error_code"] == "CHALLENGE_DETECTED"
    assert done["expires_at"].endswith("Z")
    job = api.get(f"/api/v1/jobs/{accepted['job_ids'][0]}").json()
    assert job["status"] == "completed"


def test_requests_shape(api: httpx.Client, fixture_site: Any) -> None:
    accepted = api.post(
        "/api/v1/batch",
        json={"requests": [{"url": fixture_site.url("/article?b=2"), "mode": "html"}]},
    ).json()
    done = wait_batch(api, accepted["batch_id"])
    assert done["status"] == "completed"
    assert done["credits_used"] == 200


def test_both_or_neither_body_key_is_invalid(api: httpx.Client, fixture_site: Any) -> None:
    for body in ({}, {"urls": [fixture_site.url("/")], "requests": [{"url": "http://x.org"}]}):
        response = api.post("/api/v1/batch", json=body)
        assert response.status_code == 400
        assert response.json()["detail"] == "Provide either requests or urls"


def test_invalid_items_reject_or_are_skipped(api: httpx.Client, fixture_site: Any) -> None:
    items = [
        fixture_site.url("/article?b=3"),
        "ftp://nope",
        {"url": fixture_site.url("/"), "mode": "fast"},
    ]
    rejected = api.post("/api/v1/batch", json={"urls": items})
    assert rejected.status_code == 400
    errors = rejected.json()["details"]["errors"]
    assert [(e["index"], e["error"]) for e in errors] == [
        (1, "INVALID_URL"),
        (2, "INVALID_REQUEST"),
    ]
    assert errors[1]["field"] == "urls[2].mode"
    skipped = api.post("/api/v1/batch", json={"urls": items, "ignore_invalid": True}).json()
    assert skipped["total_requests"] == 1
    assert [i["index"] for i in skipped["invalid_items"]] == [1, 2]


def test_cancel_releases_pending_items(server_factory: Any, fixture_site: Any) -> None:
    server = server_factory(
        rate_limits={"default_concurrency": 1},
        jobs={"workers": 1},
        billing={"enabled": True, "default_balance_microcents": 50_000},
    )
    api = httpx.Client(base_url=server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)
    urls = [fixture_site.url(f"/slow?delay=2&c={i}") for i in range(5)]
    accepted = api.post("/api/v1/batch", json={"urls": urls}).json()
    cancelled = api.delete(f"/api/v1/batch/{accepted['batch_id']}").json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancelled_jobs"] >= 3
    assert cancelled["credits_refunded"] == 200 * cancelled["cancelled_jobs"]
    again = api.delete(f"/api/v1/batch/{accepted['batch_id']}")
    assert again.status_code == 409
    view = api.get(f"/api/v1/batch/{accepted['batch_id']}").json()
    assert view["status"] == "cancelled"
    assert sum(1 for i in view["items"] if i.get("error_code") == "CANCELLED") >= 3


def test_batch_webhook_fires_once(server_factory: Any, fixture_site: Any, receiver: str) -> None:
    server = server_factory(server={"mode": "development"})
    api = httpx.Client(base_url=server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)
    Receiver.received.clear()
    Receiver.arrived.clear()
    accepted = api.post(
        "/api/v1/batch",
        json={
            "urls": [fixture_site.url("/article?w=1"), fixture_site.url("/article?w=2")],
            "webhook_url": receiver,
        },
    ).json()
    wait_batch(api, accepted["batch_id"])
    assert Receiver.arrived.wait(30)
    time.sleep(0.5)  # a second, wrong delivery would arrive in this window
    events = [h["X-Alterlab-Event"] for h, _ in Receiver.received]
    assert events == ["batch.completed"]


def test_other_organizations_get_404(api: httpx.Client, server: Any, fixture_site: Any) -> None:
    from tests.api.conftest import new_key

    accepted = api.post("/api/v1/batch", json={"urls": [fixture_site.url("/article")]}).json()
    other = new_key(server, "batch-stranger")
    response = httpx.get(
        f"{server.url}/api/v1/batch/{accepted['batch_id']}", headers={"X-API-Key": other}
    )
    assert response.status_code == 404
    assert api.get("/api/v1/batch/not-a-uuid").status_code == 404
