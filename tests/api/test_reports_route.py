"""Site reports end to end (spec platform-api A.10): submit, read, analyse the fixture site."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.api.conftest import new_key
from tests.live_server import LiveServer


def client_from(server: LiveServer, ip: str, key: str | None = None) -> httpx.Client:
    """A client on its own loopback address: the per-IP submission limit sees it apart."""
    headers = {"X-API-Key": key} if key else {}
    transport = httpx.HTTPTransport(local_address=ip)
    return httpx.Client(base_url=server.url, transport=transport, headers=headers, timeout=120)


# Last octets of the loopback addresses tests submit from, one per test.
VISITOR_OCTETS = itertools.count(11)


@pytest.fixture
def visitor(server: LiveServer) -> Iterator[httpx.Client]:
    # Each test starts with a full bucket of 10 submissions.
    with client_from(server, f"127.0.0.{next(VISITOR_OCTETS)}") as client:
        yield client


def submission(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "domain": "shop.example.com",
        "url": "https://shop.example.com/c/shoes",
        "title": "Shoes <script>alert(1)</script>",
        "score": 46,
        "signals": [{"id": "cf_challenge", "category": "anti_bot", "severity": "high"}],
        "anti_bot_stack": [{"vendor": "cloudflare", "confidence": 0.95, "evidence": ["cf-ray"]}],
        "tech_stack": {"frameworks": ["next.js"]},
        "pagination": {"type": "load_more", "selector": "button.load-more", "example_urls": []},
        "api_endpoints": [{"url": "https://shop.example.com/api/p", "method": "GET"}],
        "meta": {"status_code": 200},
        "cookie_count": 14,
        "has_cookie_gate": True,
        "estimated_credits": {"recommended_tier": "4"},
    }
    body.update(fields)
    return body


def test_submit_then_read_round_trip(visitor: httpx.Client, server: LiveServer) -> None:
    created = visitor.post("/api/v1/reports", json=submission())
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == {"id", "url", "created_at"}
    assert body["url"] == f"{server.url}/reports/{body['id']}"
    report = visitor.get(f"/api/v1/reports/{body['id']}").json()
    expected = submission()
    del expected["domain"], expected["url"]
    assert {k: report[k] for k in expected} == expected
    assert report["source"] == "submitted" and report["grade"] == "D"
    assert report["has_login_wall"] is False
    assert report["created_at"] == body["created_at"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (submission(domain="evil.example.com"), "domain"),
        (submission(score=101), "score"),
        (submission(signals=[{}] * 201), "signals"),
        ({"url": "https://shop.example.com/"}, "domain"),
    ],
)
def test_invalid_submissions_are_400(visitor: httpx.Client, body: Any, field: str) -> None:
    response = visitor.post("/api/v1/reports", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "INVALID_REQUEST"
    assert response.json()["details"]["field"] == field


def test_oversized_and_malformed_bodies(visitor: httpx.Client) -> None:
    huge = submission(meta={"blob": "x" * (256 * 1024)})
    assert visitor.post("/api/v1/reports", json=huge).status_code == 413
    broken = visitor.post("/api/v1/reports", content=b"{not json", headers={"content-type": "x"})
    assert broken.status_code == 400


def test_unknown_or_malformed_ids_are_404(visitor: httpx.Client) -> None:
    assert visitor.get(f"/api/v1/reports/{uuid.uuid4()}").status_code == 404
    response = visitor.get("/api/v1/reports/not-a-uuid")
    assert response.status_code == 404 and response.json()["error"] == "NOT_FOUND"


def test_eleventh_submission_in_a_minute_is_429(visitor: httpx.Client, server: LiveServer) -> None:
    for _ in range(10):
        assert visitor.post("/api/v1/reports", json=submission()).status_code == 201
    refused = visitor.post("/api/v1/reports", json=submission())
    assert refused.status_code == 429
    assert refused.json()["error"] == "RATE_LIMITED"
    assert int(refused.headers["Retry-After"]) >= 1
    with client_from(server, "127.0.0.250") as other:
        assert other.post("/api/v1/reports", json=submission()).status_code == 201


def test_analyze_needs_a_key(visitor: httpx.Client, fixture_site: Any) -> None:
    url = fixture_site.url("/report-site/shop")
    assert visitor.post("/api/v1/reports/analyze", json={"url": url}).status_code == 401


def test_analyze_validates_the_url(api: httpx.Client) -> None:
    response = api.post("/api/v1/reports/analyze", json={"advanced": {}})
    assert response.status_code == 400


def test_analyze_reports_what_the_page_shows(api: httpx.Client, fixture_site: Any) -> None:
    url = fixture_site.url("/report-site/shop")
    response = api.post("/api/v1/reports/analyze", json={"url": url})
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["source"] == "server" and report["url"] == url
    assert report["domain"] == "127.0.0.1" and report["title"] == "Trail Shoes"
    cloudflare = report["anti_bot_stack"][0]
    assert cloudflare["vendor"] == "cloudflare" and cloudflare["product"] == "cdn"
    assert cloudflare["evidence"] == ["cf-ray header", "server: cloudflare"]
    stack = report["tech_stack"]
    assert stack["frameworks"] == ["next.js", "react"]
    assert stack["cdn"] == ["cloudflare"] and stack["analytics"] == ["ga4"]
    assert "cloudflare" in stack["servers"]
    assert report["pagination"] == {
        "type": "rel_next",
        "selector": "link[rel=next]",
        "example_urls": [fixture_site.url("/report-site/shop?page=2")],
    }
    endpoints = {e["url"]: e for e in report["api_endpoints"]}
    assert endpoints[fixture_site.url("/api/products?page=2")]["kind"] == "json"
    assert endpoints[fixture_site.url("/graphql")]["method"] == "POST"
    assert report["has_login_wall"] is True and report["has_cookie_gate"] is False
    assert [s["id"] for s in report["signals"]] == ["login_wall"]
    assert report["score"] == 75 and report["grade"] == "B"
    assert report["meta"]["tier_that_worked"] == "1"
    assert report["meta"]["robots_allows"] is True and report["meta"]["js_required"] is False
    assert report["estimated_credits"] == {
        "recommended_tier": "1",
        "per_page_microcents": 200,
        "per_1000_pages_microcents": 200_000,
    }
    assert api.get(f"/api/v1/reports/{report['id']}").json() == report


@pytest.fixture(scope="module")
def billed(server_factory: Callable[..., LiveServer]) -> LiveServer:
    return server_factory(billing={"enabled": True})


def balance_of(server: LiveServer, key: str) -> int:
    async def read() -> int:
        who = await server.services.keys.authenticate(key)
        return await server.services.storage.ledger.balance(who.org_id)

    balance = server.call(read())
    assert isinstance(balance, int)
    return balance


def test_analysis_is_charged_at_the_tier_that_worked(billed: LiveServer, fixture_site: Any) -> None:
    key = new_key(billed, "report-billing")
    before = balance_of(billed, key)
    with client_from(billed, "127.0.0.1", key) as client:
        response = client.post(
            "/api/v1/reports/analyze", json={"url": fixture_site.url("/report-site/guarded")}
        )
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["meta"]["tier_that_worked"] == "2"
    assert [a["outcome"] for a in report["meta"]["attempts"]] == ["challenge", "success"]
    assert [s["id"] for s in report["signals"]] == ["cf_challenge"]
    assert report["anti_bot_stack"][0]["product"] == "bot_management"
    assert report["score"] == 70 and report["grade"] == "B"
    assert report["has_login_wall"] is False
    assert report["estimated_credits"]["recommended_tier"] == "2"
    assert before - balance_of(billed, key) == 300


def test_a_wall_no_tier_passes_is_reported_and_not_charged(
    billed: LiveServer, fixture_site: Any
) -> None:
    key = new_key(billed, "report-wall")
    before = balance_of(billed, key)
    with client_from(billed, "127.0.0.1", key) as client:
        response = client.post(
            "/api/v1/reports/analyze", json={"url": fixture_site.url("/report-site/walled")}
        )
    assert response.status_code == 201, response.text
    report = response.json()
    assert [v["vendor"] for v in report["anti_bot_stack"]] == ["datadome"]
    assert report["score"] == 60 and report["grade"] == "C"
    assert report["meta"]["tier_that_worked"] is None
    assert report["estimated_credits"]["recommended_tier"] == "3"
    assert balance_of(billed, key) == before
