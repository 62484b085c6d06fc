"""Blog building blocks without a server: post files, comment rendering and validation, feed."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from lxml import html as lxml_html

from scrapegate.errors import InvalidRequest
from scrapegate.platform.blog.comments import list_filter, parse_submission, thread_order
from scrapegate.platform.blog.feed import build_feed, http_date, not_modified
from scrapegate.platform.blog.posts import (
    PostFormatError,
    PostIndex,
    derived_excerpt,
    parse_post,
)
from scrapegate.platform.blog.reactions import reaction_field
from scrapegate.platform.blog.render import render_comment
from tests.contract.test_blog_storage import comment

NOW = datetime(2026, 6, 1, tzinfo=UTC)
BASE = "https://blog.example.org"


def post_text(title: str = "Hello", date: str = "2026-01-02", **extra: str) -> str:
    lines = ["---", f"title: {title}", f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join([*lines, "---", "", "First *paragraph* of [the](https://x.example) post.", ""])


def test_front_matter_fields_and_defaults() -> None:
    post = parse_post(
        "hello",
        post_text(
            title='"Quoted: title"', date="2026-01-02T10:30:00+02:00", id="p-1", author="Ada"
        ),
    )
    assert (post.title, post.post_id, post.author) == ("Quoted: title", "p-1", "Ada")
    assert post.date == datetime(2026, 1, 2, 8, 30, tzinfo=UTC)
    assert post.excerpt == "First paragraph of the post."
    assert post.published(NOW) and not post.draft
    nested = post_text(tags="\n  - one\n  - two", description="Given excerpt")
    plain = parse_post("plain", nested)
    assert (plain.post_id, plain.excerpt, plain.author) == ("plain", "Given excerpt", None)


@pytest.mark.parametrize(
    ("extra", "date", "shown"),
    [
        ({"draft": "true"}, "2026-01-02", False),
        ({"published": "false"}, "2026-01-02", False),
        ({"draft": "no", "published": "yes"}, "2026-01-02", True),
        ({}, "2026-06-01T00:00:01Z", False),  # one second in the future
        ({}, "2026-06-01", True),  # midnight UTC: exactly now
    ],
)
def test_drafts_and_future_posts_are_not_published(
    extra: dict[str, str], date: str, shown: bool
) -> None:
    assert parse_post("p", post_text(date=date, **extra)).published(NOW) is shown


@pytest.mark.parametrize(
    "text",
    [
        "no front matter",
        "---\ntitle: x\n",  # never closed
        "---\ndate: 2026-01-01\n---\n",  # no title
        "---\ntitle: x\n---\n",  # no date
        "---\ntitle: x\ndate: yesterday\n---\n",
        "---\ntitle: x\ndate: 2026-01-01\ndraft: maybe\n---\n",
        "---\njust words\n---\n",
    ],
)
def test_unreadable_posts_are_refused(text: str) -> None:
    with pytest.raises(PostFormatError):
        parse_post("p", text)


def test_derived_excerpt_skips_headings_and_cuts_long_text() -> None:
    assert derived_excerpt("# Title\n\n> Quoted `code` here") == "Quoted code here"
    long = derived_excerpt("word " * 200)
    assert long.endswith("…") and len(long) <= 281


async def test_index_reloads_when_a_file_changes(tmp_path: Path) -> None:
    index = PostIndex(tmp_path / "missing")
    assert (await index.current()).by_slug == {}
    index = PostIndex(tmp_path)
    (tmp_path / "one.md").write_text(post_text(title="One"))
    (tmp_path / "bad name!.md").write_text(post_text())
    (tmp_path / "broken.md").write_text("not a post")
    (tmp_path / "notes.txt").write_text(post_text())
    first = await index.current()
    assert list(first.by_slug) == ["one"]
    assert await index.current() is first  # unchanged directory: the cached snapshot
    target = tmp_path / "one.md"
    target.write_text(post_text(title="One, edited"))
    os.utime(target, ns=(0, target.stat().st_mtime_ns + 1_000_000))
    (tmp_path / "two.md").write_text(post_text(title="Two", date="2026-03-01", id="t2"))
    second = await index.current()
    assert second.by_slug["one"].title == "One, edited"
    assert [p.slug for p in second.published(NOW)] == ["two", "one"]
    found = second.find("t2", NOW)
    assert found is not None and found.slug == "two"
    assert second.find("nope", NOW) is None


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        '<img src="x" onerror="alert(1)">',
        '<a href="https://x.example" onclick="alert(1)">x</a>',
        "![pic](https://x.example/p.png)",
    ],
)
def test_rendering_never_keeps_scripts_handlers_or_images(markdown: str) -> None:
    rendered = render_comment(markdown)
    tree = lxml_html.fragment_fromstring(rendered, create_parent="div")
    tags = {element.tag for element in tree.iter()} - {"div"}
    assert tags <= {"p", "a"}
    for element in tree.iter():
        assert not [name for name in element.attrib if name.startswith("on")]
        assert "javascript:" not in element.get("href", "")
        assert element.tag != "a" or element.get("rel") == "nofollow noopener"


def test_rendering_keeps_the_markdown_subset() -> None:
    rendered = render_comment("**b** _e_ `c`\n\n> quote\n\n- one\n\n[l](https://x.example)")
    for tag in ("<strong>b</strong>", "<em>e</em>", "<code>c</code>", "<blockquote>", "<li>one"):
        assert tag in rendered
    assert '<a href="https://x.example" rel="nofollow noopener">l</a>' in rendered


VALID: dict[str, Any] = {"post_id": "hello", "content": "Nice post"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"post_id": None}, "post_id"),
        ({"post_id": 42}, "post_id"),
        ({"content": ""}, "content"),
        ({"content": "   "}, "content"),
        ({"content": "x" * 5_001}, "content"),
        ({"content": ["list"]}, "content"),
        ({"author_name": "n" * 101}, "author_name"),
        ({"author_email": "not-an-address"}, "author_email"),
        ({"author_email": "a@b"}, "author_email"),
        ({"author_website": "ftp://files.example.org"}, "author_website"),
        ({"author_website": "javascript:alert(1)"}, "author_website"),
        ({"author_website": "https://"}, "author_website"),
        ({"parent_id": "not-a-uuid"}, "parent_id"),
    ],
)
def test_each_comment_field_is_validated(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_submission(VALID | changes)
    assert caught.value.details == {"field": field}


def test_a_valid_submission_is_normalised() -> None:
    parsed = parse_submission(
        VALID
        | {
            "content": "x" * 5_000,
            "author_name": " Ada ",
            "author_email": "Ada@Example.ORG",
            "author_website": "https://ada.example.org",
            "parent_id": "3F2C5A4E-8B1D-4C7E-9A0F-2B6D8E1C4A57",
            "website_url": "",
        }
    )
    assert (parsed.author_name, parsed.author_email) == ("Ada", "Ada@example.org")
    assert parsed.parent_id == "3f2c5a4e-8b1d-4c7e-9a0f-2b6d8e1c4a57"
    assert parsed.honeypot is False
    assert parse_submission(VALID | {"website_url": "http://spam.example"}).honeypot is True
    with pytest.raises(InvalidRequest):
        parse_submission(["not", "an", "object"])


def test_reaction_body_defaults_to_like_and_refuses_unknown_types() -> None:
    assert [reaction_field(b) for b in (None, {}, {"reaction": None})] == ["like"] * 3
    assert reaction_field({"reaction": "celebrate"}) == "celebrate"
    for body in ({"reaction": "angry"}, {"reaction": 1}, [1]):
        with pytest.raises(InvalidRequest):
            reaction_field(body)


def test_moderation_list_filter() -> None:
    assert (list_filter(None), list_filter("all"), list_filter("spam")) == ("pending", None, "spam")
    with pytest.raises(InvalidRequest):
        list_filter("deleted")


def test_thread_order_is_depth_first_and_hides_replies_to_hidden_comments() -> None:
    root = comment("p", 1)
    other_root = comment("p", 2)
    reply = comment("p", 3, parent_id=root.id)
    nested = comment("p", 4, parent_id=reply.id)
    orphan = comment("p", 5, parent_id="00000000-0000-4000-8000-000000000000")
    orphan_reply = comment("p", 6, parent_id=orphan.id)
    ordered = thread_order([root, other_root, reply, nested, orphan_reply])
    assert [(c.id, c.depth) for c in ordered] == [
        (root.id, 0),
        (reply.id, 1),
        (nested.id, 2),
        (other_root.id, 0),
    ]
    assert not hasattr(ordered[0], "author_email")


def feed_posts() -> list[Any]:
    newer = parse_post("b", post_text(title="Tom <&> Jerry", date="2026-03-01", id="guid-b"))
    older = parse_post("a", post_text(title="A", date="2026-02-01", description="x < y & z"))
    return [newer, older]


def test_feed_is_valid_rss_with_escaped_text() -> None:
    document = build_feed(feed_posts(), BASE + "/")
    root = ElementTree.fromstring(document.body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("./channel/item")
    assert [item.findtext("title") for item in items] == ["Tom <&> Jerry", "A"]
    guid = items[0].find("guid")
    assert guid is not None and (guid.text, guid.get("isPermaLink")) == ("guid-b", "false")
    assert items[1].findtext("guid") == f"{BASE}/blog/a"
    assert items[1].findtext("link") == f"{BASE}/blog/a"
    assert items[1].findtext("description") == "x < y & z"
    assert items[0].findtext("pubDate") == "Sun, 01 Mar 2026 00:00:00 GMT"
    assert document.last_modified == datetime(2026, 3, 1, tzinfo=UTC)
    assert b"Tom &lt;&amp;&gt; Jerry" in document.body


def test_feed_keeps_fifty_items() -> None:
    posts = [
        parse_post(f"p{i}", post_text(date=f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}"))
        for i in range(60)
    ]
    root = ElementTree.fromstring(build_feed(posts, BASE).body)
    assert len(root.findall("./channel/item")) == 50


def test_conditional_requests() -> None:
    document = build_feed(feed_posts(), BASE)
    assert not_modified(document, document.etag, None)
    assert not_modified(document, f'"other", W/{document.etag}', None)
    assert not_modified(document, "*", None)
    assert not not_modified(document, '"other"', http_date(NOW))  # If-None-Match decides
    assert document.last_modified is not None
    assert not_modified(document, None, http_date(document.last_modified))
    assert not not_modified(document, None, "Sat, 28 Feb 2026 23:59:59 GMT")
    assert not not_modified(document, None, "garbage")
    assert not not_modified(document, None, None)
    empty = build_feed([], BASE)
    assert empty.last_modified is None and not not_modified(empty, None, http_date(NOW))
