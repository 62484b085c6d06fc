"""Knowledge-base ranking (spec platform-api A.12 #47), computed in Python so every backend
orders results identically.

Scoring is BM25 (k1 = 1.2, b = 0.75) per field, with the title's score weighted x3:
``score(doc) = sum over distinct query terms t of idf(t) * (3 * bm25(t, title) + bm25(t, body))``
where ``idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))``, N = published articles and df = articles
whose title or body holds t. Terms are lower-cased runs of letters and digits; the body is
tokenised from its plain text (markdown syntax removed). Articles scoring 0 are not results;
ties are broken by slug. Scores are rounded to 4 decimals.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from markdown_it import MarkdownIt

from scrapegate.domain.kb_records import KbArticle

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3.0
EXCERPT_BEFORE = 60
EXCERPT_AFTER = 140
_TERM = re.compile(r"[^\W_]+", re.UNICODE)
_MARKDOWN = MarkdownIt("commonmark")


def terms(text: str) -> list[str]:
    return [match.group().casefold() for match in _TERM.finditer(text)]


def plain_text(markdown: str) -> str:
    """The readable text of a markdown body: inline text and code, blocks joined by spaces."""
    parts: list[str] = []
    for token in _MARKDOWN.parse(markdown):
        if token.type in ("fence", "code_block"):
            parts.append(token.content.strip())
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


@dataclass(frozen=True)
class IndexedArticle:
    article: KbArticle
    text: str  # plain body text, for excerpts
    title_terms: Counter[str]
    body_terms: Counter[str]
    title_length: int
    body_length: int


@dataclass(frozen=True)
class SearchHit:
    article: KbArticle
    score: float
    excerpt: str


def index_article(article: KbArticle) -> IndexedArticle:
    text = plain_text(article.body)
    title, body = terms(article.title), terms(text)
    return IndexedArticle(article, text, Counter(title), Counter(body), len(title), len(body))


def bm25(frequency: int, length: int, average: float) -> float:
    if frequency == 0:
        return 0.0
    norm = 1 - B + B * (length / average if average else 0.0)
    return frequency * (K1 + 1) / (frequency + K1 * norm)


def idf(documents: int, frequency: int) -> float:
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


def score_all(index: list[IndexedArticle], query_terms: list[str]) -> list[tuple[float, str]]:
    """(score, slug) for every article with a positive score."""
    count = len(index)
    if not count:
        return []
    title_avg = sum(doc.title_length for doc in index) / count
    body_avg = sum(doc.body_length for doc in index) / count
    weights = {
        t: idf(count, sum(1 for d in index if t in d.title_terms or t in d.body_terms))
        for t in query_terms
    }
    scored: list[tuple[float, str]] = []
    for doc in index:
        score = sum(
            weight
            * (
                TITLE_WEIGHT * bm25(doc.title_terms[t], doc.title_length, title_avg)
                + bm25(doc.body_terms[t], doc.body_length, body_avg)
            )
            for t, weight in weights.items()
        )
        if score > 0:
            scored.append((round(score, 4), doc.article.slug))
    return scored


def excerpt(text: str, query_terms: list[str]) -> str:
    """A snippet of plain text around the first query term in the body (its start if none)."""
    wanted = set(query_terms)
    first = next((m for m in _TERM.finditer(text) if m.group().casefold() in wanted), None)
    if first is None:
        start, end = 0, EXCERPT_BEFORE + EXCERPT_AFTER
    else:
        start, end = max(first.start() - EXCERPT_BEFORE, 0), first.end() + EXCERPT_AFTER
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < (first.start() if first else end) else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (first.end() if first else start) else end
    snippet = text[start:end].strip()
    return ("… " if start > 0 else "") + snippet + (" …" if end < len(text) else "")


def search(articles: list[KbArticle], query: str, limit: int) -> tuple[list[SearchHit], int]:
    """The best ``limit`` articles for ``query`` and how many matched in all."""
    query_terms = list(dict.fromkeys(terms(query)))
    index = {doc.article.slug: doc for doc in map(index_article, articles)}
    ranked = sorted(score_all(list(index.values()), query_terms), key=lambda s: (-s[0], s[1]))
    hits = [
        SearchHit(index[slug].article, score, excerpt(index[slug].text, query_terms))
        for score, slug in ranked[:limit]
    ]
    return hits, len(ranked)
