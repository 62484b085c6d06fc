"""Knowledge-base articles and visitor votes (spec platform-api A.12 #47-#49)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from scrapegate.domain.records import utcnow


@dataclass
class KbArticle:
    id: str
    title: str
    slug: str  # unique; the public address of the article
    body: str  # markdown
    category: str | None = None  # a free-text category slug
    tags: list[str] = field(default_factory=list)
    published: bool = False
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)


@dataclass
class KbVote:
    """One visitor's vote on one article; a later vote by the same visitor replaces it."""

    article_id: str
    voter: str  # sha256 hex of the visitor's identity, never the raw IP
    helpful: bool
    updated_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class VoteCounts:
    helpful: int
    not_helpful: int
