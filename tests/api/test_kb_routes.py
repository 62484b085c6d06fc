"""Knowledge base (#47-#49) and its admin routes end to end."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import ADMIN_KEY, new_key
from tests.live_server import LiveServer

ARTICLE_KEYS = {
    "id",
    "title",
    "slug",
    "body",
    "category",
    "tags",
    "updated_at",
    "helpful_count",
    "not_helpful_count",
}
ARTICLES = [
    {
        "title": "Configuring webhooks",
        "slug": "configuring-webhooks",
        "body": "# Setup\n\nPoint the endpoint at your server. Deliveries are **signed**.",
        "category": "integrations",
        "tags": ["webhooks", "setup"],
        "published": True,
    },
    {
        "title": "Rate limits",
        "slug": "rate-limits",
        "body": "Each key may send 600 requests a minute. Too many webhooks retries also count "
        "against the limit, so slow [your receiver](https://example.org) down.",
        "category": "api",
        "published": True,
    },
    {"title": "Billing basics", "body": "Credits are microcents.", "published": True},
    {"title": "Webhooks internals", "body": "Unpublished webhooks notes.", "published": False},
]


@pytest.fixture(scope="module")
def articles(api: httpx.Client) -> list[dict[str, Any]]:
    created = []
    for body in ARTICLES:
        reply = api.post("/api/v1/admin/kb/articles", json=body)
        assert reply.status_code == 201, reply.text
        created.append(reply.json())
    return created


def public(server: LiveServer, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{server.url}/api/v1/support/kb{path}", params=params)


def test_admin_create_shape_and_derived_slug(articles: list[dict[str, Any]]) -> None:
    first, _, billing, draft = articles
    assert set(first) == ARTICLE_KEYS | {"published", "created_at"}
    assert (first["category"], first["tags"], first["published"]) == (
        "integrations",
        ["webhooks", "setup"],
        True,
    )
    assert billing["slug"] == "billing-basics" and billing["category"] is None
    assert draft["published"] is False


def test_admin_writes_are_validated(api: httpx.Client, articles: list[dict[str, Any]]) -> None:
    taken = api.post("/api/v1/admin/kb/articles", json={**ARTICLES[1], "title": "Again"})
    assert taken.status_code == 409 and taken.json()["error"] == "CONFLICT"
    for body in (
        {"title": "No body"},
        {"title": "", "body": "x"},
        {"title": "T", "body": "x", "slug": "Bad Slug"},
        {"title": "T", "body": "x", "tags": "one"},
        {"title": "T", "body": "x", "published": "yes"},
        [1, 2],
    ):
        reply = api.post("/api/v1/admin/kb/articles", json=body)
        assert reply.status_code == 400, body


def test_admin_routes_need_admin(server: LiveServer, articles: list[dict[str, Any]]) -> None:
    key = new_key(server, "kb-plain-user")
    reply = httpx.get(f"{server.url}/api/v1/admin/kb/articles", headers={"X-API-Key": key})
    assert reply.status_code == 403
    anonymous = httpx.post(f"{server.url}/api/v1/admin/kb/articles", json=ARTICLES[0])
    assert anonymous.status_code == 401


def test_title_hit_outranks_body_hit(server: LiveServer, articles: list[dict[str, Any]]) -> None:
    reply = public(server, "/search", q="Webhooks")
    assert reply.status_code == 200
    body = reply.json()
    assert set(body) == {"query", "results", "total"} and body["query"] == "Webhooks"
    assert [r["slug"] for r in body["results"]] == ["configuring-webhooks", "rate-limits"]
    assert body["total"] == 2  # the unpublished article is never a result
    first, second = body["results"]
    assert set(first) == {"id", "title", "slug", "excerpt", "category", "score"}
    assert first["score"] > second["score"] > 0
    assert "webhooks" in second["excerpt"].lower()
    assert "[" not in second["excerpt"] and "**" not in first["excerpt"]


def test_search_limit_and_excerpt(server: LiveServer, articles: list[dict[str, Any]]) -> None:
    everything = public(server, "/search", q="webhooks limits credits minute").json()
    assert everything["total"] == 3 and len(everything["results"]) == 3
    one = public(server, "/search", q="webhooks limits credits minute", limit=1).json()
    assert len(one["results"]) == 1 and one["total"] == 3
    clamped = public(server, "/search", q="credits", limit=500).json()
    assert [r["slug"] for r in clamped["results"]] == ["billing-basics"]
    assert "microcents" in clamped["results"][0]["excerpt"]
    assert public(server, "/search", q="nothing-matches-this").json() == {
        "query": "nothing-matches-this",
        "results": [],
        "total": 0,
    }


def test_search_syntax_in_q_is_read_as_words(
    server: LiveServer, articles: list[dict[str, Any]]
) -> None:
    for q in ('"', "*", "NEAR(", "-", "AND", "'", "a:*", "!&|"):
        reply = public(server, "/search", q=q)
        assert reply.status_code == 200, q
        assert reply.json()["total"] == len(reply.json()["results"]), q
    found = public(server, "/search", q='NEAR("WEBHOOKS* -AND').json()
    assert [r["slug"] for r in found["results"]] == ["configuring-webhooks", "rate-limits"]


def test_search_query_is_validated(server: LiveServer) -> None:
    for params in (
        {},
        {"q": ""},
        {"q": "x" * 201},
        {"q": "a", "limit": 0},
        {"q": "a", "limit": "x"},
    ):
        reply = public(server, "/search", **params)
        assert reply.status_code == 400, params
        assert reply.json()["error"] == "INVALID_REQUEST"


def test_article_by_slug(server: LiveServer, articles: list[dict[str, Any]]) -> None:
    reply = public(server, "/configuring-webhooks")
    assert reply.status_code == 200
    body = reply.json()
    assert set(body) == ARTICLE_KEYS
    assert body["body"] == ARTICLES[0]["body"] and body["tags"] == ["webhooks", "setup"]
    draft_slug = articles[3]["slug"]
    assert public(server, f"/{draft_slug}").status_code == 404
    assert public(server, "/no-such-article").status_code == 404


def vote(server: LiveServer, slug: str, helpful: Any, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/v1/support/kb/{slug}/helpful", json={"helpful": helpful}, headers=headers
    )


def test_votes_count_per_visitor(server: LiveServer, articles: list[dict[str, Any]]) -> None:
    first = vote(server, "rate-limits", True, **{"User-Agent": "browser-a"})
    assert first.status_code == 200
    assert first.json() == {
        "slug": "rate-limits",
        "helpful": True,
        "helpful_count": 1,
        "not_helpful_count": 0,
    }
    changed = vote(server, "rate-limits", False, **{"User-Agent": "browser-a"}).json()
    assert (changed["helpful_count"], changed["not_helpful_count"]) == (0, 1)
    other = vote(server, "rate-limits", True, **{"User-Agent": "browser-b"}).json()
    assert (other["helpful_count"], other["not_helpful_count"]) == (1, 1)
    key = new_key(server, "kb-voter")
    signed = vote(server, "rate-limits", True, **{"User-Agent": "browser-a", "X-API-Key": key})
    assert signed.json()["helpful_count"] == 2
    shown = public(server, "/rate-limits").json()
    assert (shown["helpful_count"], shown["not_helpful_count"]) == (2, 1)
    assert vote(server, "rate-limits", "yes").status_code == 400
    assert vote(server, articles[3]["slug"], True).status_code == 404


def test_admin_list_patch_delete(api: httpx.Client, articles: list[dict[str, Any]]) -> None:
    listing = api.get("/api/v1/admin/kb/articles", params={"limit": 2}).json()
    assert (listing["limit"], listing["offset"], listing["has_more"]) == (2, 0, True)
    assert listing["total"] >= 4 and len(listing["articles"]) == 2
    draft = articles[3]
    patched = api.patch(
        f"/api/v1/admin/kb/articles/{draft['id']}", json={"published": True, "tags": ["x"]}
    )
    assert patched.status_code == 200 and patched.json()["published"] is True
    assert patched.json()["updated_at"] >= draft["updated_at"]
    assert api.get(f"/api/v1/support/kb/{draft['slug']}").json()["tags"] == ["x"]
    clash = api.patch(f"/api/v1/admin/kb/articles/{draft['id']}", json={"slug": "rate-limits"})
    assert clash.status_code == 409
    assert api.delete(f"/api/v1/admin/kb/articles/{draft['id']}").status_code == 204
    assert api.get(f"/api/v1/support/kb/{draft['slug']}").status_code == 404
    for missing in (draft["id"], "not-a-uuid"):
        assert api.patch(f"/api/v1/admin/kb/articles/{missing}", json={}).status_code == 404
        assert api.delete(f"/api/v1/admin/kb/articles/{missing}").status_code == 404


def test_votes_are_limited_per_ip(server_factory: Any) -> None:
    server = server_factory()
    with httpx.Client(base_url=server.url, headers={"X-API-Key": ADMIN_KEY}) as admin:
        admin.post("/api/v1/admin/kb/articles", json=ARTICLES[0])
    codes = [vote(server, "configuring-webhooks", True).status_code for _ in range(11)]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429
    limited = vote(server, "configuring-webhooks", True)
    assert limited.json()["error"] == "RATE_LIMITED" and "Retry-After" in limited.headers


def test_module_off_hides_every_route(server_factory: Any) -> None:
    server = server_factory(modules={"support": False})
    headers = {"X-API-Key": ADMIN_KEY}
    for method, path in (
        ("GET", "/api/v1/support/kb/search?q=webhooks"),
        ("GET", "/api/v1/support/kb/configuring-webhooks"),
        ("POST", "/api/v1/support/kb/configuring-webhooks/helpful"),
        ("GET", "/api/v1/admin/kb/articles"),
        ("POST", "/api/v1/admin/kb/articles"),
        ("GET", "/api/v1/support/preferences"),
        ("PATCH", "/api/v1/support/preferences"),
    ):
        reply = httpx.request(method, f"{server.url}{path}", headers=headers, json={})
        assert reply.status_code == 404, path
        assert reply.json()["error"] == "NOT_FOUND"
    assert (
        httpx.get(f"{server.url}/api/v1/notifications/active", headers=headers).status_code == 200
    )
