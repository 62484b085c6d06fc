"""Blog posts: markdown files with front-matter in ``blog.content_dir``.

A post is ``<slug>.md`` starting with a front-matter block of ``key: value`` lines between two
``---`` lines. Keys: ``title`` and ``date`` (ISO-8601) are required; ``id`` (a stable id the post
can also be addressed by), ``description`` or ``excerpt``, ``author``, ``draft`` and
``published`` (booleans) are optional. Only flat ``key: value`` pairs are read (no YAML
dependency); unknown keys, indented lines and list items are ignored.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

SLUG_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
FRONT_MATTER_FENCE = "---"
EXCERPT_CHARS = 280
TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})
# Markup characters dropped from a derived excerpt so the feed shows plain text.
_MARKUP = re.compile(r"[*_`>#]+|!?\[([^\]]*)\]\([^)]*\)")

FileSignature = tuple[tuple[str, int, int], ...]


class PostFormatError(ValueError):
    """A post file that cannot be read as a post; the file is skipped with a warning."""


@dataclass(frozen=True)
class BlogPost:
    slug: str
    post_id: str  # the front-matter ``id``, or the slug when there is none
    title: str
    date: datetime
    excerpt: str
    author: str | None
    draft: bool
    body: str

    def published(self, now: datetime) -> bool:
        return not self.draft and self.date <= now


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """The front-matter pairs (lower-case keys) and the markdown body after them."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise PostFormatError("the file does not start with a '---' front-matter block")
    pairs: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=1):
        stripped = line.strip()
        if stripped == FRONT_MATTER_FENCE:
            return pairs, "\n".join(lines[number + 1 :]).strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[:1].isspace() or stripped.startswith("- "):
            continue  # part of a nested YAML value (a tags list...): not read, not an error
        key, colon, value = stripped.partition(":")
        if not colon or not key.strip():
            raise PostFormatError(f"front-matter line {number + 1} is not 'key: value'")
        pairs[key.strip().lower()] = unquoted(value.strip())
    raise PostFormatError("the front-matter block is not closed by '---'")


def unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in ("'", '"'):
        return value[1:-1]
    return value


def flag(pairs: dict[str, str], key: str) -> bool | None:
    value = pairs.get(key)
    if value is None or value == "":
        return None
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise PostFormatError(f"{key} must be true or false")


def post_date(value: str | None) -> datetime:
    if not value:
        raise PostFormatError("date is required")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PostFormatError(f"date {value!r} is not ISO-8601") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def derived_excerpt(body: str) -> str:
    """The first text paragraph of the body, without markup, cut at a word near 280 chars."""
    for paragraph in re.split(r"\n\s*\n", body):
        lines = [line for line in paragraph.strip().splitlines() if not line.startswith("#")]
        text = " ".join(_MARKUP.sub(r"\1", " ".join(lines)).split())
        if text:
            if len(text) <= EXCERPT_CHARS:
                return text
            return text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"
    return ""


def parse_post(slug: str, text: str) -> BlogPost:
    pairs, body = split_front_matter(text)
    title = pairs.get("title", "")
    if not title:
        raise PostFormatError("title is required")
    published = flag(pairs, "published")
    excerpt = pairs.get("description") or pairs.get("excerpt") or derived_excerpt(body)
    return BlogPost(
        slug=slug,
        post_id=pairs.get("id") or slug,
        title=title,
        date=post_date(pairs.get("date")),
        excerpt=excerpt,
        author=pairs.get("author") or None,
        draft=bool(flag(pairs, "draft")) or published is False,
        body=body,
    )


@dataclass(frozen=True)
class PostSnapshot:
    """Every readable post of the directory at one moment, drafts and future posts included."""

    by_slug: dict[str, BlogPost] = field(default_factory=dict)

    def find(self, key: str, now: datetime) -> BlogPost | None:
        """The published post whose slug, or else whose front-matter id, is ``key``."""
        post = self.by_slug.get(key)
        if post is None:
            post = next((p for p in self.by_slug.values() if p.post_id == key), None)
        return post if post is not None and post.published(now) else None

    def published(self, now: datetime) -> list[BlogPost]:
        """Published posts, newest first (then by slug)."""
        shown = [p for p in self.by_slug.values() if p.published(now)]
        shown.sort(key=lambda p: p.slug)
        shown.sort(key=lambda p: p.date, reverse=True)
        return shown


class PostIndex:
    """The posts of one directory, re-read only when a file's name, mtime or size changed."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._signature: FileSignature | None = None
        self._snapshot = PostSnapshot()
        self._lock = threading.Lock()

    async def current(self) -> PostSnapshot:
        # Listing and reading files blocks; keep it off the event loop.
        return await asyncio.to_thread(self.snapshot)

    def snapshot(self) -> PostSnapshot:
        with self._lock:
            signature = self._scan()
            if signature != self._signature:
                self._snapshot = self._load(signature)
                self._signature = signature
            return self._snapshot

    def _scan(self) -> FileSignature:
        try:
            entries = list(self._directory.glob("*.md"))
        except OSError:
            return ()
        found: list[tuple[str, int, int]] = []
        for path in entries:
            try:
                stat = path.stat()
            except OSError:
                continue  # removed between listing and stat
            found.append((path.name, stat.st_mtime_ns, stat.st_size))
        return tuple(sorted(found))

    def _load(self, signature: FileSignature) -> PostSnapshot:
        posts: dict[str, BlogPost] = {}
        for name, _, _ in signature:
            slug = name.removesuffix(".md")
            if not SLUG_PATTERN.match(slug):
                log.warning("blog: skipping %s: the file name is not a usable slug", name)
                continue
            try:
                text = (self._directory / name).read_text(encoding="utf-8")
                posts[slug] = parse_post(slug, text)
            except (OSError, UnicodeDecodeError, PostFormatError) as exc:
                log.warning("blog: skipping %s: %s", name, exc)
        log.info("blog: %d posts loaded from %s", len(posts), self._directory)
        return PostSnapshot(posts)
