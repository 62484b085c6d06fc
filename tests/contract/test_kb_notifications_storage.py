"""Knowledge base, notifications and support preferences agree on every backend."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from scrapegate.domain.kb_records import KbArticle, KbVote, VoteCounts
from scrapegate.domain.notification_records import (
    Audience,
    Notification,
    NotificationQuery,
    SupportPreferences,
)
from scrapegate.domain.records import new_id
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at

pytestmark = pytest.mark.asyncio(loop_scope="session")

ALICE = Audience(user_id="user-alice", org_id="org-a")
BOB = Audience(user_id="user-bob", org_id="org-a")  # same organization as Alice
CAROL = Audience(user_id="user-carol", org_id="org-b")


def article(slug: str, title: str, body: str, seconds: float = 0, **fields: Any) -> KbArticle:
    values: dict[str, Any] = {"published": True, "created_at": at(seconds), "updated_at": at(0)}
    values.update(fields)
    return KbArticle(id=new_id(), title=title, slug=slug, body=body, **values)


def note(seconds: float, **fields: Any) -> Notification:
    values: dict[str, Any] = {"type": "admin_broadcast", "severity": "info", "title": "T"}
    values.update(fields)
    return Notification(id=new_id(), message="M", created_at=at(seconds), **values)


async def test_article_round_trip_and_unique_slug(storage: Storage) -> None:
    stored = await storage.kb.create(
        article("rate-limits", "Rate limits", "# Limits\n\nBody", category="api", tags=["a"])
    )
    assert await storage.kb.get(stored.id) == stored
    assert await storage.kb.get_by_slug("rate-limits") == stored
    assert await storage.kb.get_by_slug("missing") is None
    with pytest.raises(Conflict):
        await storage.kb.create(article("rate-limits", "Other", "x"))
    other = await storage.kb.create(article("other", "Other", "x", 10))
    other.slug = "rate-limits"
    with pytest.raises(Conflict):
        await storage.kb.save(other)
    other.slug, other.tags, other.published = "renamed", ["x", "y"], False
    await storage.kb.save(other)
    assert await storage.kb.get_by_slug("renamed") == other
    with pytest.raises(NotFound):
        await storage.kb.save(article("ghost", "Ghost", "x"))


async def test_page_is_newest_first_and_published_by_slug(storage: Storage) -> None:
    for slug, seconds, published in (("b", 10, True), ("a", 20, True), ("c", 30, False)):
        await storage.kb.create(article(slug, slug.upper(), "text", seconds, published=published))
    first, total = await storage.kb.page(2, 0)
    rest, _ = await storage.kb.page(2, 2)
    assert total == 3
    assert [a.slug for a in first + rest] == ["c", "a", "b"]
    assert [a.slug for a in await storage.kb.published()] == ["a", "b"]


async def test_a_new_vote_replaces_the_old_and_delete_drops_votes(storage: Storage) -> None:
    stored = await storage.kb.create(article("votes", "Votes", "x"))
    assert await storage.kb.vote(KbVote(stored.id, "v1", True, at(1))) == VoteCounts(1, 0)
    assert await storage.kb.vote(KbVote(stored.id, "v2", True, at(2))) == VoteCounts(2, 0)
    assert await storage.kb.vote(KbVote(stored.id, "v1", False, at(3))) == VoteCounts(1, 1)
    assert await storage.kb.counts([stored.id, "none"]) == {stored.id: VoteCounts(1, 1)}
    assert await storage.kb.delete(stored.id) is True
    assert await storage.kb.delete(stored.id) is False
    assert await storage.kb.counts([stored.id]) == {}


async def search_slugs(storage: Storage, query: str, limit: int = 10) -> tuple[list[str], int]:
    hits, total = await storage.kb.search(query, limit)
    assert all(hit.score > 0 for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    return [hit.article.slug for hit in hits], total


# Each backend ranks with its own engine (BM25 in memory, FTS5 bm25 on SQLite, ts_rank on
# PostgreSQL), so these tests check properties every ranking has, not one shared order.
async def test_a_title_match_outranks_a_body_only_match(storage: Storage) -> None:
    await storage.kb.create(article("retries", "Retries", "Webhooks retry; webhooks are signed."))
    await storage.kb.create(article("webhooks", "Webhooks", "Point them at your server."))
    await storage.kb.create(article("proxies", "Proxies", "Nothing relevant here."))
    await storage.kb.create(article("draft", "Webhooks draft", "webhooks", published=False))
    assert await search_slugs(storage, "webhooks") == (["webhooks", "retries"], 2)
    assert await search_slugs(storage, "drafts") == ([], 0)


async def test_limit_cuts_the_hits_but_total_counts_every_match(storage: Storage) -> None:
    for number in range(5):
        await storage.kb.create(article(f"a{number}", f"Article {number}", "About proxies."))
    await storage.kb.create(article("hidden", "Proxies", "proxies", published=False))
    await storage.kb.create(article("other", "Other", "Unrelated."))
    slugs, total = await search_slugs(storage, "proxies", 2)
    assert len(slugs) == 2 and total == 5
    assert set((await search_slugs(storage, "proxies"))[0]) == {f"a{n}" for n in range(5)}


async def test_words_match_in_any_order_and_any_case(storage: Storage) -> None:
    await storage.kb.create(article("signing", "Signing secrets", "Rotate them and retry."))
    await storage.kb.create(article("retry", "Retry policy", "Backoff doubles."))
    forward = await search_slugs(storage, "signing RETRY")
    backward = await search_slugs(storage, "Retry sIgNiNg")
    assert forward[1] == backward[1] == 2
    assert set(forward[0]) == set(backward[0]) == {"signing", "retry"}
    assert await search_slugs(storage, "BACKOFF") == (["retry"], 1)


async def test_search_follows_edits_unpublishing_and_deletes(storage: Storage) -> None:
    stored = await storage.kb.create(article("guide", "Alpha guide", "First body."))
    assert await search_slugs(storage, "alpha") == (["guide"], 1)
    stored.title, stored.body = "Bravo guide", "Second body."
    await storage.kb.save(stored)
    assert await search_slugs(storage, "alpha first") == ([], 0)
    assert await search_slugs(storage, "bravo") == (["guide"], 1)
    assert await search_slugs(storage, "second") == (["guide"], 1)
    stored.published = False
    await storage.kb.save(stored)
    assert await search_slugs(storage, "bravo") == ([], 0)
    stored.published = True
    await storage.kb.save(stored)
    assert await storage.kb.delete(stored.id) is True
    assert await search_slugs(storage, "bravo second") == ([], 0)


HOSTILE = (
    '"',
    "*",
    "NEAR(",
    "-",
    "AND",
    "a AND b OR NOT c",
    '"unterminated',
    "title:x",
    "'",
    "\\",
    "x:*",
    "!&|<->",
    "((( ^x",
    "{title body}: y",
    "½ ⅓ 🙂",
    "\x00",
)


async def test_hostile_queries_are_words_never_syntax(storage: Storage) -> None:
    await storage.kb.create(article("webhooks", "Webhooks", "Retries and signing."))
    for query in HOSTILE:
        slugs, total = await search_slugs(storage, query)
        assert total == len(slugs) and set(slugs) <= {"webhooks"}, query
    for query in ('webhooks" OR *', "NEAR(webhooks", "-webhooks", "webhooks AND", "'webhooks:*"):
        assert await search_slugs(storage, query) == (["webhooks"], 1), query
    # Operators are ordinary words: "and" is in the body.
    assert await search_slugs(storage, "AND") == (["webhooks"], 1)
    assert await search_slugs(storage, "NOT") == ([], 0)


async def test_notifications_are_seen_by_their_audience_only(storage: Storage) -> None:
    for item in (
        note(1, user_id=ALICE.user_id, org_id="org-a"),
        note(2, org_id="org-a"),
        note(3),
        note(4, org_id="org-b"),
        note(5, user_id=BOB.user_id, org_id="org-a"),
    ):
        assert await storage.notifications.add(item) is True
    views, total = await storage.notifications.query(NotificationQuery(ALICE, at(10), True))
    assert total == 3
    assert [v.notification.created_at for v in views] == [at(3), at(2), at(1)]
    carol, _ = await storage.notifications.query(NotificationQuery(CAROL, at(10), True))
    assert [v.notification.created_at for v in carol] == [at(4), at(3)]
    org_b = carol[0].notification.id
    assert await storage.notifications.view(ALICE, org_b) is None
    assert await storage.notifications.view(CAROL, org_b) is not None


async def test_dismissal_and_reading_are_per_user(storage: Storage) -> None:
    shared = note(1, org_id="org-a")
    await storage.notifications.add(shared)
    first = await storage.notifications.dismiss(ALICE.user_id, shared.id, at(5))
    assert first == at(5)
    assert await storage.notifications.dismiss(ALICE.user_id, shared.id, at(9)) == at(5)
    alice, _ = await storage.notifications.query(NotificationQuery(ALICE, at(10), True))
    bob, _ = await storage.notifications.query(NotificationQuery(BOB, at(10), True))
    assert alice == [] and [v.notification.id for v in bob] == [shared.id]
    history, total = await storage.notifications.query(NotificationQuery(ALICE, at(10), False))
    assert total == 1 and history[0].dismissed_at == at(5)
    await storage.notifications.mark_read(BOB.user_id, [shared.id], at(6))
    await storage.notifications.mark_read(BOB.user_id, [shared.id], at(8))
    seen = await storage.notifications.view(BOB, shared.id)
    assert seen is not None and (seen.read_at, seen.dismissed_at) == (at(6), None)
    await storage.notifications.mark_read(BOB.user_id, [], at(8))


async def test_expired_and_old_notifications_are_filtered(storage: Storage) -> None:
    await storage.notifications.add(note(1, expires_at=at(5)))
    await storage.notifications.add(note(2, expires_at=at(50)))
    await storage.notifications.add(note(-100))
    active, _ = await storage.notifications.query(NotificationQuery(ALICE, at(10), True))
    assert [v.notification.created_at for v in active] == [at(2), at(-100)]
    recent = NotificationQuery(ALICE, at(10), False, since=at(0), limit=1, offset=1)
    page, total = await storage.notifications.query(recent)
    assert total == 2 and [v.notification.created_at for v in page] == [at(1)]


async def test_dedupe_key_stores_one_notification_under_concurrency(storage: Storage) -> None:
    items = [
        note(i, type="low_balance", org_id="org-a", dedupe_key="org-a:low:1") for i in range(6)
    ]
    stored = await asyncio.gather(*(storage.notifications.add(i) for i in items))
    assert sum(stored) == 1
    found = await storage.notifications.find("org-a:low:1")
    assert found is not None and found.type == "low_balance"
    latest = await storage.notifications.latest_of_type("low_balance", "org-a", None, at(0))
    assert latest == found
    assert await storage.notifications.latest_of_type("low_balance", "org-b", None, at(0)) is None


async def test_support_preferences_round_trip(storage: Storage) -> None:
    assert await storage.support_preferences.get("u1") is None
    saved = SupportPreferences("u1", email_resolved=False, updated_at=at(3))
    await storage.support_preferences.save(saved)
    assert await storage.support_preferences.get("u1") == saved
    saved.email_resolved, saved.email_admin_reply = True, False
    await storage.support_preferences.save(saved)
    assert await storage.support_preferences.get("u1") == saved
