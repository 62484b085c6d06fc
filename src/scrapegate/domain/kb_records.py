"""Knowledge-base articles and visitor votes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from scrapegate.domain.records import utcnow

# Search terms are runs of letters and digits, like the tokenizers of SQLite FTS5 (unicode61)
# and PostgreSQL ('simple'): everything else separates words and is never query syntax.
_TERM = re.compile(r"[^\W_]+", re.UNICODE)


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


@dataclass(frozen=True)
class KbSearchHit:
    """A published article matching a search; a higher ``score`` is a better match."""

    article: KbArticle
    score: float


def words(text: str) -> list[str]:
    """Every lower-cased word of ``text``, in order."""
    return [match.group().lower() for match in _TERM.finditer(text)]


def search_terms(text: str) -> list[str]:
    """The distinct lower-cased words of ``text``, in order of first appearance."""
    return list(dict.fromkeys(words(text)))
