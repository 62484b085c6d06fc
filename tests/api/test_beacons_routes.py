"""Beacon ingest and funnels end to end (spec platform-api A.1, #1-#4)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from scrapegate.domain.records import AnalyticsEvent, new_id, utcnow
from scrapegate.domain.timefmt import iso
from tests.api.conftest import ADMIN_KEY, new_key
from tests.live_server import LiveServer

TRIAL = {"name": "trial", "steps": ["trial_a", "trial_b", "trial_c"], "window_hours": 72}
# Last octets of loopback addresses, one per test: each starts with a full per-IP bucket.
OCTETS = itertools.count(41)


@pytest.fixture(scope="module")
def server(server_factory: Callable[..., LiveServer]) -> LiveServer:
    onboarding = {
        "name": "onboarding",
        "steps": ["signup_started", "signup_completed", "first_scrape"],
        "window_hours": 72,
    }
    return server_factory(analytics={"funnels": [onboarding, TRIAL]})


@pytest.fixture
def visitor(server: LiveServer) -> Iterator[httpx.Client]:
    transport = httpx.HTTPTransport(local_address=f"127.0.0.{next(OCTETS)}")
    with httpx.Client(base_url=server.url, transport=transport, timeout=60) as client:
        yield client


def seed(server: LiveServer, rows: list[tuple[str, str | None, datetime]]) -> None:
    events = [
        AnalyticsEvent(id=new_id(), name=name, ts=ts, visitor_id=who) for name, who, ts in rows
    ]
    server.call(server.services.storage.analytics_events.add_many(events))


def test_events_are_stored_and_counted(visitor: httpx.Client, server: LiveServer) -> None:
    events = [
        {"name": "signup_started", "visitor_id": "anon-1", "path": "/signup", "props": {"a": 1}},
        {"name": "Bad Name"},
        {"name": "page.view", "ts": iso(utcnow() - timedelta(days=8))},
        {"name": "page.view", "ts": iso(utcnow() - timedelta(days=6))},
        {"name": "big", "props": {"blob": "x" * 5000}},
    ]
    reply = visitor.post("/api/v1/analytics/events", json={"events": events})
    assert reply.status_code == 202
    body = reply.json()
    assert (body["accepted"], body["rejected"]) == (2, 3)
    assert [e["index"] for e in body["errors"]] == [1, 2, 4]
    assert "7 days" in body["errors"][1]["message"]
    stored = server.call(
        server.services.storage.analytics_events.in_period(
            ["signup_started"], utcnow() - timedelta(minutes=5), utcnow() + timedelta(minutes=5)
        )
    )
    mine = [e for e in stored if e.visitor_id == "anon-1"]  # type: ignore[attr-defined]
    assert len(mine) == 1 and mine[0].path == "/signup" and mine[0].props == {"a": 1}


@pytest.mark.parametrize("body", [{"events": []}, {"events": [{"name": "a"}] * 51}, {"x": 1}])
def test_malformed_batches_are_400(visitor: httpx.Client, body: dict[str, object]) -> None:
    reply = visitor.post("/api/v1/analytics/events", json=body)
    assert reply.status_code == 400
    assert reply.json()["error"] == "INVALID_REQUEST"


def test_an_ip_past_sixty_requests_a_minute_gets_429(visitor: httpx.Client) -> None:
    body = {"events": [{"name": "ping"}]}
    first = visitor.post("/api/v1/analytics/events", json=body)
    assert first.headers["X-RateLimit-Limit"] == "60"
    for _ in range(59):
        assert visitor.post("/api/v1/analytics/events", json=body).status_code == 202
    # The bucket refills one request per second, so draining it may take a few more.
    replies = (visitor.post("/api/v1/analytics/events", json=body) for _ in range(30))
    refused = next(r for r in replies if r.status_code != 202)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["error"] == "RATE_LIMITED"


def test_funnel_routes_need_the_admin_scope(visitor: httpx.Client, server: LiveServer) -> None:
    key = new_key(server, "beacon-plain")
    for path in ("/funnels", "/funnels-all", "/funnels/trial"):
        assert visitor.get(f"/api/v1/analytics{path}").status_code == 401
        reply = visitor.get(f"/api/v1/analytics{path}", headers={"X-API-Key": key})
        assert reply.status_code == 403


def test_funnel_list_comes_from_configuration(api: httpx.Client) -> None:
    reply = api.get("/api/v1/analytics/funnels", params={"args": "x", "kwargs": "y"})
    assert reply.status_code == 200
    assert reply.json() == {
        "funnels": [
            {
                "name": "onboarding",
                "steps": ["signup_started", "signup_completed", "first_scrape"],
                "window_hours": 72,
            },
            TRIAL,
        ],
        "total": 2,
    }


def test_funnel_counts_in_order_within_the_window(api: httpx.Client, server: LiveServer) -> None:
    t0 = utcnow() - timedelta(days=5)
    hour = timedelta(hours=1)
    seed(
        server,
        [
            # Completes every step in order.
            ("trial_a", "full", t0),
            ("trial_b", "full", t0 + hour),
            ("trial_c", "full", t0 + 2 * hour),
            # Step 3 before step 2: only steps 1-2 are in order.
            ("trial_a", "swapped", t0),
            ("trial_c", "swapped", t0 + hour),
            ("trial_b", "swapped", t0 + 2 * hour),
            # Step 2 after the 72 h window: only step 1.
            ("trial_a", "late", t0),
            ("trial_b", "late", t0 + 80 * hour),
            # Never started the funnel: not counted at all.
            ("trial_b", "no-start", t0),
            ("trial_c", "no-start", t0 + hour),
        ],
    )
    reply = api.get("/api/v1/analytics/funnels/trial", params={"days": 30})
    assert reply.status_code == 200
    body = reply.json()
    assert body["name"] == "trial" and body["window_hours"] == 72
    assert body["period_start"] < body["period_end"]
    assert body["steps"] == [
        {
            "event": "trial_a",
            "visitors": 3,
            "conversion_from_previous": 1.0,
            "conversion_from_start": 1.0,
        },
        {
            "event": "trial_b",
            "visitors": 2,
            "conversion_from_previous": 0.6667,
            "conversion_from_start": 0.6667,
        },
        {
            "event": "trial_c",
            "visitors": 1,
            "conversion_from_previous": 0.5,
            "conversion_from_start": 0.3333,
        },
    ]
    # A one-day period no longer holds the step-1 events of five days ago.
    short = api.get("/api/v1/analytics/funnels/trial", params={"days": 1}).json()
    assert [s["visitors"] for s in short["steps"]] == [0, 0, 0]
    everything = api.get("/api/v1/analytics/funnels-all").json()
    assert [f["name"] for f in everything["funnels"]] == ["onboarding", "trial"]
    assert everything["funnels"][1]["steps"] == body["steps"]


def test_unknown_funnel_and_bad_days(api: httpx.Client) -> None:
    missing = api.get("/api/v1/analytics/funnels/nope")
    assert missing.status_code == 404
    assert missing.json()["error"] == "NOT_FOUND"
    assert api.get("/api/v1/analytics/funnels-all", params={"days": 0}).status_code == 400
    assert api.get("/api/v1/analytics/funnels/trial", params={"days": 366}).status_code == 400


def test_events_sent_with_a_key_carry_its_user(server: LiveServer, visitor: httpx.Client) -> None:
    reply = visitor.post(
        "/api/v1/analytics/events",
        json={"events": [{"name": "keyed_event"}]},
        headers={"X-API-Key": ADMIN_KEY},
    )
    assert reply.status_code == 202
    stored = server.call(
        server.services.storage.analytics_events.in_period(
            ["keyed_event"], utcnow() - timedelta(minutes=5), utcnow() + timedelta(minutes=5)
        )
    )
    assert [e.user_id is not None for e in stored] == [True]  # type: ignore[attr-defined]
    bad = visitor.post(
        "/api/v1/analytics/events",
        json={"events": [{"name": "x"}]},
        headers={"X-API-Key": "sk_wrong_" + "B" * 32},
    )
    assert bad.status_code == 401
