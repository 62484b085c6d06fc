"""Blog comments and reactions on every backend."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from scrapegate.domain.blog_records import BlogComment, BlogReaction, ReactionType
from scrapegate.domain.records import new_id
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at

pytestmark = pytest.mark.asyncio(loop_scope="session")

DAY = 86_400


def comment(slug: str, seconds: float, **fields: Any) -> BlogComment:
    return BlogComment(
        id=new_id(), post_slug=slug, content=f"c{seconds}", created_at=at(seconds), **fields
    )


def reaction(seconds: float, kind: ReactionType = "like", visitor: str = "v1") -> BlogReaction:
    return BlogReaction(
        id=new_id(), post_slug="hello", reaction=kind, visitor_hash=visitor, created_at=at(seconds)
    )


async def test_comment_round_trip_keeps_every_field(storage: Storage) -> None:
    full = comment(
        "hello",
        5,
        parent_id=new_id(),
        author_name="Ada",
        author_email="ada@example.org",
        author_website="https://ada.example.org",
        ip_hash="f" * 64,
    )
    await storage.blog.add_comment(full)
    assert await storage.blog.get_comment(full.id) == full
    assert await storage.blog.get_comment(new_id()) is None


async def test_list_filters_by_status_pages_newest_first(storage: Storage) -> None:
    made = [comment("a", s) for s in (10, 30, 20)] + [comment("b", 40, status="approved")]
    for item in made:
        await storage.blog.add_comment(item)
    pending = await storage.blog.list_comments("pending", limit=2, offset=0)
    assert pending.total == 3
    assert [c.created_at for c in pending.comments] == [at(30), at(20)]
    rest = await storage.blog.list_comments("pending", limit=2, offset=2)
    assert [c.created_at for c in rest.comments] == [at(10)]
    everything = await storage.blog.list_comments(None, limit=10, offset=0)
    assert (everything.total, everything.comments[0].post_slug) == (4, "b")


async def test_moderation_changes_what_is_approved(storage: Storage) -> None:
    first, second, other = comment("p", 1), comment("p", 2), comment("q", 3)
    for item in (second, first, other):
        await storage.blog.add_comment(item)
    assert await storage.blog.approved_comments("p") == []
    for item in (second, first, other):
        await storage.blog.set_comment_status(item.id, "approved", at(100))
    updated = await storage.blog.set_comment_status(first.id, "spam", at(200))
    assert updated is not None and (updated.status, updated.moderated_at) == ("spam", at(200))
    await storage.blog.set_comment_status(first.id, "approved", at(300))
    approved = await storage.blog.approved_comments("p")
    assert [c.id for c in approved] == [first.id, second.id]
    assert await storage.blog.set_comment_status(new_id(), "approved", at(1)) is None


async def test_delete_moves_replies_up_to_the_grandparent(storage: Storage) -> None:
    root = comment("p", 1)
    middle = comment("p", 2, parent_id=root.id)
    leaf = comment("p", 3, parent_id=middle.id)
    for item in (root, middle, leaf):
        await storage.blog.add_comment(item)
    assert await storage.blog.delete_comment(middle.id) is True
    assert await storage.blog.get_comment(middle.id) is None
    moved = await storage.blog.get_comment(leaf.id)
    assert moved is not None and moved.parent_id == root.id
    assert await storage.blog.delete_comment(middle.id) is False


async def test_one_reaction_per_visitor_type_and_window(storage: Storage) -> None:
    repo = storage.blog
    assert await repo.add_reaction(reaction(0), window_start=at(-DAY)) is True
    assert await repo.add_reaction(reaction(60), window_start=at(60 - DAY)) is False
    assert await repo.add_reaction(reaction(60, "love"), window_start=at(60 - DAY)) is True
    assert await repo.add_reaction(reaction(60, visitor="v2"), window_start=at(60 - DAY)) is True
    # A day later the same visitor may react with the same type again.
    assert await repo.add_reaction(reaction(DAY + 1), window_start=at(1)) is True
    assert await repo.reaction_counts("hello") == {"like": 3, "love": 1}
    assert await repo.reaction_counts("other") == {}
    assert await repo.visitor_reactions("hello", "v1", at(60 - DAY)) == {"like", "love"}
    assert await repo.visitor_reactions("hello", "v1", at(100)) == {"like"}
    assert await repo.visitor_reactions("hello", "v3", at(0)) == set()


async def test_concurrent_identical_reactions_store_one_row(storage: Storage) -> None:
    results = await asyncio.gather(
        *(storage.blog.add_reaction(reaction(5), window_start=at(5 - DAY)) for _ in range(6))
    )
    assert sorted(results) == [False] * 5 + [True]
    assert await storage.blog.reaction_counts("hello") == {"like": 1}
