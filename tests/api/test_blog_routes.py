"""Blog routes (#6-#9), the public comment thread and moderation, end to end.

Public comment submission is limited to 5 per minute per IP and every test comes from
127.0.0.1, so tests that submit comments spread over servers of their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from tests.api.conftest import ADMIN_KEY, new_key
from tests.live_server import LiveServer

COMMENTS = "/api/v1/blog/comments"
FEED = "/api/v1/blog/feed.xml"
ADMIN_COMMENTS = "/api/v1/admin/blog/comments"
NO_COUNTS = {"like": 0, "love": 0, "insightful": 0, "celebrate": 0}

POSTS = {
    "hello": {"title": "Hello <&> World", "date": "2026-01-02", "id": "post-1",
              "description": "Tags like <b> & more"},
    "second": {"title": "Second", "date": "2026-02-01T10:00:00Z"},
    "draft": {"title": "Draft", "date": "2026-01-01", "draft": "true"},
    "future": {"title": "Future", "date": "2999-01-01"},
}  # fmt: skip


def write_posts(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for slug, fields in POSTS.items():
        front = "\n".join(f"{key}: {value}" for key, value in fields.items())
        (folder / f"{slug}.md").write_text(f"---\n{front}\n---\n\nBody of {slug}.\n")
    return folder


@pytest.fixture(scope="module")
def start_blog(
    server_factory: Callable[..., LiveServer], tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., LiveServer]:
    folder = write_posts(tmp_path_factory.mktemp("posts"))

    def start(**overrides: Any) -> LiveServer:
        return server_factory(blog={"content_dir": folder}, **overrides)

    return start


@pytest.fixture(scope="module")
def blog(start_blog: Callable[..., LiveServer]) -> LiveServer:
    return start_blog()


@pytest.fixture(scope="module")
def web(blog: LiveServer) -> Iterator[httpx.Client]:
    """An anonymous visitor."""
    with httpx.Client(base_url=blog.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def admin(blog: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=blog.url, headers={"X-API-Key": ADMIN_KEY}, timeout=30) as client:
        yield client


def submitted(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    reply = client.post(COMMENTS, json={"post_id": "hello", "content": "Hi"} | fields)
    assert reply.status_code == 201, reply.text
    body: dict[str, Any] = reply.json()
    return body


def every_comment(admin: httpx.Client) -> dict[str, Any]:
    reply = admin.get(ADMIN_COMMENTS, params={"status": "all", "limit": 100})
    assert reply.status_code == 200
    body: dict[str, Any] = reply.json()
    return body


def thread(web: httpx.Client, slug: str = "hello") -> list[dict[str, Any]]:
    reply = web.get(f"/api/v1/blog/posts/{slug}/comments")
    assert reply.status_code == 200
    comments: list[dict[str, Any]] = reply.json()["comments"]
    return comments


def test_feed_lists_published_posts_with_escaped_text(web: httpx.Client, blog: LiveServer) -> None:
    reply = web.get(FEED)
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/rss+xml; charset=utf-8"
    items = ElementTree.fromstring(reply.content).findall("./channel/item")
    assert [item.findtext("title") for item in items] == ["Second", "Hello <&> World"]
    hello = items[1]
    assert hello.findtext("link") == f"{blog.settings.public_base_url}/blog/hello"
    assert hello.findtext("guid") == "post-1"
    assert hello.findtext("description") == "Tags like <b> & more"
    assert hello.findtext("pubDate") == "Fri, 02 Jan 2026 00:00:00 GMT"
    assert reply.headers["last-modified"] == "Sun, 01 Feb 2026 10:00:00 GMT"


def test_feed_answers_304_to_fresh_validators(web: httpx.Client) -> None:
    first = web.get(FEED)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    same = web.get(FEED, headers={"If-None-Match": etag})
    assert (same.status_code, same.content, same.headers["etag"]) == (304, b"", etag)
    assert web.get(FEED, headers={"If-Modified-Since": modified}).status_code == 304
    older = web.get(FEED, headers={"If-Modified-Since": "Sat, 31 Jan 2026 00:00:00 GMT"})
    assert older.status_code == 200
    assert web.get(FEED, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_reactions_are_idempotent_per_visitor_and_type(web: httpx.Client) -> None:
    url = "/api/v1/blog/posts/second/react"
    first = web.post(url, headers={"User-Agent": "reader-one"})
    assert first.status_code == 200
    assert first.json() == {
        "slug": "second",
        "reaction": "like",
        "counts": NO_COUNTS | {"like": 1},
        "total": 1,
    }
    again = web.post(url, json={"reaction": "like"}, headers={"User-Agent": "reader-one"})
    assert again.json()["counts"]["like"] == 1
    web.post(url, json={"reaction": "love"}, headers={"User-Agent": "reader-one"})
    other = web.post(url, json={}, headers={"User-Agent": "reader-two"})
    assert other.json()["counts"] == NO_COUNTS | {"like": 2, "love": 1}
    summary = web.get("/api/v1/blog/posts/second/reactions", headers={"User-Agent": "reader-one"})
    assert summary.status_code == 200
    assert summary.json() == {
        "slug": "second",
        "counts": NO_COUNTS | {"like": 2, "love": 1},
        "total": 3,
        "my_reactions": ["like", "love"],
    }
    stranger = web.get("/api/v1/blog/posts/second/reactions", headers={"User-Agent": "new"})
    assert stranger.json()["my_reactions"] == []


def test_a_signed_in_reader_is_one_visitor_on_every_device(
    web: httpx.Client, blog: LiveServer
) -> None:
    key = new_key(blog, "blog-reader")
    url = "/api/v1/blog/posts/hello"
    phone = {"X-API-Key": key, "User-Agent": "phone"}
    laptop = {"X-API-Key": key, "User-Agent": "laptop"}
    web.post(f"{url}/react", json={"reaction": "insightful"}, headers=phone)
    repeat = web.post(f"{url}/react", json={"reaction": "insightful"}, headers=laptop)
    assert repeat.json()["counts"]["insightful"] == 1
    assert web.get(f"{url}/reactions", headers=laptop).json()["my_reactions"] == ["insightful"]
    anonymous = web.get(f"{url}/reactions", headers={"User-Agent": "laptop"})
    assert anonymous.json()["my_reactions"] == []
    bad_key = web.post(f"{url}/react", headers={"X-API-Key": "sk_live_" + "x" * 32})
    assert bad_key.status_code == 401


def test_reaction_errors(web: httpx.Client) -> None:
    bad = web.post("/api/v1/blog/posts/hello/react", json={"reaction": "angry"})
    assert bad.status_code == 400
    assert (bad.json()["error"], bad.json()["details"]["field"]) == ("INVALID_REQUEST", "reaction")
    for slug in ("missing", "draft", "future"):
        assert web.post(f"/api/v1/blog/posts/{slug}/react").status_code == 404
        assert web.get(f"/api/v1/blog/posts/{slug}/reactions").status_code == 404
        assert web.get(f"/api/v1/blog/posts/{slug}/comments").status_code == 404


def test_comment_is_held_for_moderation_then_shown_sanitised(
    web: httpx.Client, admin: httpx.Client
) -> None:
    content = "**Great** <script>alert(1)</script> [x](javascript:alert(1)) <img onerror=x>"
    root = submitted(
        web,
        post_id="post-1",  # the front-matter id addresses the post too
        content=content,
        author_name="Ada",
        author_email="ada@example.org",
        author_website="https://ada.example.org",
    )
    assert set(root) == {"id", "post_id", "parent_id", "status", "created_at", "message"}
    assert (root["post_id"], root["status"], root["parent_id"]) == ("post-1", "pending", None)
    assert root["message"] == "Your comment is awaiting moderation."
    assert thread(web) == []
    queue = admin.get(ADMIN_COMMENTS).json()  # pending by default
    assert set(queue) == {"comments", "total", "limit", "offset", "has_more"}
    held = next(c for c in queue["comments"] if c["id"] == root["id"])
    assert (held["author_email"], held["post_slug"], held["content"]) == (
        "ada@example.org",
        "hello",
        content,
    )
    approved = admin.patch(f"{ADMIN_COMMENTS}/{root['id']}", json={"status": "approved"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    [shown] = thread(web)
    assert (shown["id"], shown["author_name"], shown["depth"]) == (root["id"], "Ada", 0)
    assert "author_email" not in shown and "ada@example.org" not in str(shown)
    assert shown["content_html"].startswith("<p><strong>Great</strong> &lt;script&gt;")
    assert "<script" not in shown["content_html"] and "<img" not in shown["content_html"]
    assert "href" not in shown["content_html"]  # the javascript: link stays text


def test_replies_are_threaded_and_survive_their_parent(
    web: httpx.Client, admin: httpx.Client
) -> None:
    root = submitted(web, post_id="second", content="Root")
    reply = submitted(web, post_id="second", content="Agreed", parent_id=root["id"])
    for comment in (root, reply):
        admin.patch(f"{ADMIN_COMMENTS}/{comment['id']}", json={"status": "approved"})
    assert [(c["id"], c["depth"]) for c in thread(web, "second")] == [
        (root["id"], 0),
        (reply["id"], 1),
    ]
    admin.patch(f"{ADMIN_COMMENTS}/{root['id']}", json={"status": "spam"})
    assert thread(web, "second") == []  # a reply is not shown without its parent
    spam = admin.get(ADMIN_COMMENTS, params={"status": "spam"}).json()
    assert [c["id"] for c in spam["comments"]] == [root["id"]]
    assert admin.delete(f"{ADMIN_COMMENTS}/{root['id']}").status_code == 204
    assert [(c["id"], c["parent_id"]) for c in thread(web, "second")] == [(reply["id"], None)]


def test_moderation_errors_and_access(
    admin: httpx.Client, web: httpx.Client, blog: LiveServer
) -> None:
    unknown = f"{ADMIN_COMMENTS}/{uuid.uuid4()}"
    assert admin.patch(unknown, json={"status": "approved"}).status_code == 404
    assert admin.delete(unknown).status_code == 404
    assert admin.patch(f"{ADMIN_COMMENTS}/not-a-uuid", json={}).status_code == 404
    assert admin.delete(f"{ADMIN_COMMENTS}/not-a-uuid").status_code == 404
    comment_id = every_comment(admin)["comments"][0]["id"]
    invalid = admin.patch(f"{ADMIN_COMMENTS}/{comment_id}", json={"status": "deleted"})
    assert (invalid.status_code, invalid.json()["details"]["field"]) == (400, "status")
    assert admin.get(ADMIN_COMMENTS, params={"status": "nope"}).status_code == 400
    assert admin.get(ADMIN_COMMENTS, params={"offset": -1}).status_code == 400
    paged = admin.get(ADMIN_COMMENTS, params={"status": "all", "limit": 500}).json()
    assert paged["limit"] == 100
    # Comments belong to no tenant: another organization's ordinary key is simply not a moderator.
    member = {"X-API-Key": new_key(blog, "blog-member")}
    assert web.get(ADMIN_COMMENTS, headers=member).status_code == 403
    assert web.patch(f"{ADMIN_COMMENTS}/{comment_id}", json={}, headers=member).status_code == 403
    assert web.delete(f"{ADMIN_COMMENTS}/{comment_id}", headers=member).status_code == 403
    assert web.get(ADMIN_COMMENTS).status_code == 401


def test_filled_honeypot_answers_201_and_stores_nothing(
    web: httpx.Client, admin: httpx.Client
) -> None:
    before = every_comment(admin)["total"]
    fake = submitted(web, content="Buy now", website_url="http://spam.example")
    assert set(fake) == {"id", "post_id", "parent_id", "status", "created_at", "message"}
    assert fake["status"] == "pending"
    after = every_comment(admin)
    assert after["total"] == before
    assert fake["id"] not in [c["id"] for c in after["comments"]]


def test_comment_errors_on_the_wire(start_blog: Callable[..., LiveServer]) -> None:
    with httpx.Client(base_url=start_blog().url, timeout=30) as web:
        unknown = web.post(COMMENTS, json={"post_id": "missing", "content": "x"})
        assert unknown.status_code == 404
        orphan = web.post(
            COMMENTS, json={"post_id": "hello", "content": "x", "parent_id": str(uuid.uuid4())}
        )
        assert (orphan.status_code, orphan.json()["details"]["field"]) == (400, "parent_id")
        email = web.post(COMMENTS, json={"post_id": "hello", "content": "x", "author_email": "a@"})
        assert (email.status_code, email.json()["error"]) == (400, "INVALID_REQUEST")
        assert email.json()["details"]["field"] == "author_email"
        root = submitted(web, post_id="second")
        # A parent must belong to the same post. (This is the fifth submission: the limit.)
        elsewhere = web.post(
            COMMENTS, json={"post_id": "hello", "content": "x", "parent_id": root["id"]}
        )
        assert (elsewhere.status_code, elsewhere.json()["details"]["field"]) == (400, "parent_id")


def test_sixth_comment_in_a_minute_is_rate_limited(start_blog: Callable[..., LiveServer]) -> None:
    with httpx.Client(base_url=start_blog().url, timeout=30) as web:
        for n in range(5):
            submitted(web, content=f"comment {n}")
        limited = web.post(COMMENTS, json={"post_id": "hello", "content": "one more"})
        assert limited.status_code == 429
        assert limited.json()["error"] == "RATE_LIMITED"
        assert int(limited.headers["retry-after"]) >= 1


def test_module_switched_off_answers_404_everywhere(start_blog: Callable[..., LiveServer]) -> None:
    server = start_blog(modules={"blog": False})
    admin_key = {"X-API-Key": ADMIN_KEY}
    calls = [
        ("POST", COMMENTS, {"post_id": "hello", "content": "x"}),
        ("GET", FEED, None),
        ("POST", "/api/v1/blog/posts/hello/react", None),
        ("GET", "/api/v1/blog/posts/hello/reactions", None),
        ("GET", "/api/v1/blog/posts/hello/comments", None),
        ("GET", ADMIN_COMMENTS, None),
        ("DELETE", f"{ADMIN_COMMENTS}/{uuid.uuid4()}", None),
    ]
    with httpx.Client(base_url=server.url, headers=admin_key, timeout=30) as client:
        for method, path, body in calls:
            reply = client.request(method, path, json=body)
            assert (path, reply.status_code) == (path, 404)
            assert reply.json()["error"] == "NOT_FOUND"
