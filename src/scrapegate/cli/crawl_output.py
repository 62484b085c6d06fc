"""What ``scrapegate crawl --out DIR`` writes: a file per page, ``index.json``, ``contents.md``."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NotRequired, TypedDict
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from scrapegate.domain.json_types import JsonValue

INDEX_JSON = "index.json"
CONTENTS_MD = "contents.md"  # the table of contents; index.md is the start page's own file
TEXT_EXTENSIONS = {"markdown": ".md", "text": ".txt", "html": ".html", "raw": ".txt"}
WEB_SUFFIXES = (".html", ".htm", ".shtml", ".php", ".asp", ".aspx", ".jsp")
UNSAFE = re.compile(r"[^\w.-]+")
MAX_SEGMENT_CHARS = 60  # 60 characters of up to 4 UTF-8 bytes stay under the 255-byte name limit


class PageResultBody(TypedDict, total=False):
    """The keys of a page's scrape result that its file is written from."""

    title: str | None
    content: JsonValue  # the converted page: a string, or one value per requested format


class CrawlPageBody(TypedDict):
    """One page of a crawl, as ``GET /api/v1/crawl/{id}?include_results=true`` sends it."""

    url: str
    depth: int
    job_id: str
    status: str
    status_code: int | None
    tier_used: str | None
    credits_used: int
    error: str | None
    error_code: str | None
    result: NotRequired[PageResultBody | None]  # completed pages only


class CrawlStatusBody(TypedDict):
    """A crawl, as ``GET /api/v1/crawl/{id}`` sends it (the files written use its keys)."""

    crawl_id: str
    url: str
    status: str
    cancelled: bool
    total: int
    completed: int
    failed: int
    pending: int
    running: int
    pages_scraped: int
    pages_total: int
    discovered: int
    robots_blocked: list[str]
    credits_used: int
    estimated_credits: int | None
    created_at: str
    started_at: str | None
    completed_at: str | None
    expires_at: str | None
    stop_reason: str | None
    error: str | None
    # With include_results=true only:
    pages: NotRequired[list[CrawlPageBody]]
    has_more: NotRequired[bool]
    next_offset: NotRequired[int | None]


def extension_for(fmt: str) -> str:
    """Text formats keep their natural extension; object formats are written as JSON."""
    return TEXT_EXTENSIONS.get(fmt, ".json")


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def safe_segment(segment: str) -> str:
    """A path segment usable as a file or folder name: no separators, no leading dots."""
    cleaned = UNSAFE.sub("-", segment).strip("-").lstrip(".")
    return cleaned[:MAX_SEGMENT_CHARS] or "_"


def _stem(segment: str) -> str:
    lowered = segment.lower()
    for suffix in WEB_SUFFIXES:
        if lowered.endswith(suffix):
            return segment[: -len(suffix)] or "index"
    return segment


class PageFiles:
    """Chooses a unique relative file name for each page URL, mirroring the URL path.

    Names are compared case-insensitively so that they stay unique on macOS and Windows too.
    """

    def __init__(self, start_url: str, extension: str) -> None:
        self._start_host = (urlsplit(start_url).hostname or "").lower()
        self._extension = extension
        self._taken: set[str] = {INDEX_JSON, CONTENTS_MD}

    def name_for(self, url: str) -> str:
        parts = urlsplit(url)
        path = unquote(parts.path)
        segments = [safe_segment(s) for s in path.split("/") if s]
        if not segments or path.endswith("/"):
            segments.append("index")
        else:
            segments[-1] = safe_segment(_stem(segments[-1]))
        host = (parts.hostname or "").lower()
        if host and host != self._start_host:  # subdomain pages live in a folder of their host
            segments.insert(0, safe_segment(host))
        folders = [self._folder(s) for s in segments[:-1]]
        stem = segments[-1]
        if parts.query:  # pages differing only in their query keep separate files
            stem = f"{stem}-{short_hash(url)}"
        name = "/".join([*folders, stem + self._extension])
        if name.lower() in self._taken:
            name = "/".join([*folders, f"{segments[-1]}-{short_hash(url)}{self._extension}"])
        counter = 2
        base = name.removesuffix(self._extension)
        while name.lower() in self._taken:
            name, counter = f"{base}-{counter}{self._extension}", counter + 1
        self._taken.add(name.lower())
        return name

    def _folder(self, segment: str) -> str:
        # A folder never takes a name a file may have, so files and folders cannot collide.
        lowered = segment.lower()
        if lowered.endswith(self._extension) or lowered in (INDEX_JSON, CONTENTS_MD):
            return segment + "_"
        return segment


@dataclass(frozen=True)
class IndexEntry:
    url: str
    file: str | None
    status: str
    status_code: int | None
    title: str | None
    depth: int
    error: str | None


def page_body(result: PageResultBody, fmt: str) -> str:
    """The requested format of one scrape response, as the text to store."""
    content = result.get("content")
    value = content.get(fmt) if isinstance(content, dict) else content
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False)


class CrawlWriter:
    """Writes pages as they are handed over, then the two index files."""

    def __init__(self, out_dir: Path, start_url: str, fmt: str) -> None:
        self._out = out_dir
        self._fmt = fmt
        self._names = PageFiles(start_url, extension_for(fmt))
        self.entries: list[IndexEntry] = []

    def add_page(self, page: CrawlPageBody) -> IndexEntry | None:
        """Record one page of a crawl view (``include_results``); unfinished pages are skipped."""
        status = page["status"]
        if status not in ("completed", "failed"):
            return None
        result = page.get("result") or PageResultBody()
        file_name = None
        if status == "completed" and result:
            file_name = self._names.name_for(page["url"])
            target = self._out / file_name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page_body(result, self._fmt), encoding="utf-8")
        entry = IndexEntry(
            url=page["url"],
            file=file_name,
            status=status,
            status_code=page["status_code"],
            title=result.get("title"),
            depth=page["depth"],
            error=page["error"],
        )
        self.entries.append(entry)
        return entry

    def write_indexes(self, view: CrawlStatusBody) -> None:
        self._out.mkdir(parents=True, exist_ok=True)
        rows = [asdict(entry) for entry in self.entries]
        (self._out / INDEX_JSON).write_text(
            json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (self._out / CONTENTS_MD).write_text(contents_markdown(view, self.entries), "utf-8")


def _link_text(text: str) -> str:
    return re.sub(r"([\[\]\\])", r"\\\1", text.replace("\n", " "))


def contents_markdown(view: CrawlStatusBody, entries: list[IndexEntry]) -> str:
    """A table of contents for people: the pages written, then the pages that failed."""
    written = [e for e in entries if e.file]
    failed = [e for e in entries if e.status == "failed"]
    lines = [
        f"# Crawl of {view['url']}",
        "",
        f"Status: {view['status']} ({view['stop_reason'] or 'running'}); "
        f"{len(written)} pages written, {len(failed)} failed.",
        "",
    ]
    lines += [f"- [{_link_text(e.title or e.url)}]({e.file}) — {e.url}" for e in written]
    if failed:
        lines += ["", "## Failed pages", ""]
        lines += [f"- {e.url} — {e.error or 'failed'}" for e in failed]
    return "\n".join(lines) + "\n"
