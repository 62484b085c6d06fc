"""Streaming sitemap parser: urlset, sitemap index, plain text, RSS and Atom (sitemaps.org).

Bodies are read through a bounded stream (gzip detected by magic bytes, decompressed size
capped) and parsed with ``iterparse``; each entry is cleared once read so memory stays flat.
Any DOCTYPE is refused: no entity is ever expanded and nothing is fetched for it.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal, cast

from lxml import etree

SitemapKind = Literal["urlset", "index", "text", "rss", "atom"]
EntrySource = Literal["sitemap", "feed"]

MAX_SITEMAP_BYTES = 52_428_800  # sitemaps.org: 50 MB uncompressed
MAX_URL_LENGTH = 2048
MAX_INDEX_CHILDREN = 50_000
SNIFF_BYTES = 4096
_GZIP_MAGIC = b"\x1f\x8b"
_DTD_MARKERS = (b"<!doctype", b"<!entity")
_ROOT_KINDS: dict[str, SitemapKind] = {
    "urlset": "urlset",
    "sitemapindex": "index",
    "rss": "rss",
    "RDF": "rss",
    "feed": "atom",
}
_ENTRY_TAGS = {"urlset": "url", "index": "sitemap", "rss": "item", "atom": "entry"}
_ENTRY_FILTER = tuple(f"{{*}}{tag}" for tag in _ENTRY_TAGS.values())
_HTTP_URL = re.compile(r"https?://[^\s/?#]+", re.IGNORECASE)


class SitemapError(Exception):
    """A sitemap that yields nothing usable."""


class SitemapRefused(SitemapError):
    """Refused for safety: DTD or entity declarations."""


class SitemapInvalid(SitemapError):
    """Not a sitemap, feed or URL list."""


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str | None = None
    priority: float | None = None
    source: EntrySource = "sitemap"  # map's "source": feeds report "feed"


@dataclass
class SitemapDocument:
    kind: SitemapKind
    entries: list[SitemapEntry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # children of a sitemap index
    truncated: bool = False  # cut by the size cap, the limit or a premature end


class _BoundedReader(io.RawIOBase):
    """Reads ``source`` and reports EOF after ``limit`` bytes or a broken gzip stream
    (``exceeded`` says the body was cut)."""

    def __init__(self, source: IO[bytes], limit: int) -> None:
        self._source = source
        self._remaining = limit
        self.exceeded = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._remaining <= 0:
            self.exceeded = self.exceeded or bool(self._source.read(1))
            return 0
        try:
            chunk = self._source.read(min(len(view), self._remaining))
        except (OSError, EOFError, zlib.error):
            # A cut or corrupt gzip stream ends here; entries read so far stay usable.
            self.exceeded = True
            self._remaining = 0
            return 0
        view[: len(chunk)] = chunk
        self._remaining -= len(chunk)
        return len(chunk)


def _open_stream(data: bytes, max_bytes: int = MAX_SITEMAP_BYTES) -> _BoundedReader:
    """A byte stream over ``data``, gunzipped when it starts with the gzip magic bytes."""
    source: IO[bytes] = io.BytesIO(data)
    if data[:2] == _GZIP_MAGIC:
        source = cast(IO[bytes], gzip.GzipFile(fileobj=source, mode="rb"))
    return _BoundedReader(source, max_bytes)


def parse_sitemap_bytes(
    data: bytes, *, limit: int | None = None, max_bytes: int = MAX_SITEMAP_BYTES
) -> SitemapDocument:
    """Parse one sitemap body; raises SitemapRefused (DTD/entities) or SitemapInvalid."""
    raw = _open_stream(data, max_bytes)
    stream = io.BufferedReader(raw, buffer_size=SNIFF_BYTES * 4)
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # a broken gzip body reads as empty
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start[:14].lower() == b"<!doctype html" or start[:5].lower() == b"<html":
        raise SitemapInvalid("an HTML page, not a sitemap")
    if any(marker in head.lower() for marker in _DTD_MARKERS):
        raise SitemapRefused("sitemap declares a DTD or entities")
    parse = _parse_xml if start.startswith(b"<") else _parse_text
    document = parse(stream, limit)
    document.truncated = document.truncated or raw.exceeded
    return document


def _http_url(value: str | None) -> str | None:
    url = (value or "").strip()
    if len(url) > MAX_URL_LENGTH or _HTTP_URL.match(url) is None:
        return None
    return url


def _parse_text(stream: IO[bytes], limit: int | None) -> SitemapDocument:
    document = SitemapDocument(kind="text")
    seen: set[str] = set()
    while line := stream.readline(MAX_URL_LENGTH + 2):
        if not line.endswith(b"\n") and len(line) > MAX_URL_LENGTH:
            while (rest := stream.readline(MAX_URL_LENGTH)) and not rest.endswith(b"\n"):
                pass  # an over-long line is skipped whole, without buffering it
            continue
        url = _http_url(line.decode("utf-8", errors="replace").lstrip("\ufeff"))
        if url is None or url in seen:
            continue
        seen.add(url)
        document.entries.append(SitemapEntry(url))
        if limit is not None and len(document.entries) >= limit:
            document.truncated = True
            break
    if not document.entries:
        raise SitemapInvalid("no URL lines in a text sitemap")
    return document


def _iterparse(stream: IO[bytes]) -> Iterator[tuple[str, etree._Element]]:
    events: Iterator[tuple[str, etree._Element]] = etree.iterparse(
        stream,
        events=("end",),
        tag=_ENTRY_FILTER,  # only entry elements reach Python: the rest stays in libxml2
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    return events


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # comments, entities
    return tag.rsplit("}", 1)[-1]


def _check_root(element: etree._Element) -> SitemapKind:
    tree = element.getroottree()
    info = tree.docinfo
    if getattr(info, "doctype", "") or info.internalDTD is not None or info.externalDTD is not None:
        raise SitemapRefused("sitemap declares a DTD or entities")
    name = _local(tree.getroot())
    kind = _ROOT_KINDS.get(name)
    if kind is None:
        raise SitemapInvalid(f"not a sitemap or feed: root element <{name}>")
    return kind


def _parse_xml(stream: IO[bytes], limit: int | None) -> SitemapDocument:
    document: SitemapDocument | None = None
    context = _iterparse(stream)
    try:
        for _event, element in context:
            if document is None:
                document = SitemapDocument(kind=_check_root(element))
            if _local(element) != _ENTRY_TAGS[document.kind]:
                continue
            _collect(document, element)
            _release(element)
            if _is_full(document, limit):
                document.truncated = True
                break
    except etree.XMLSyntaxError as exc:
        if document is None:
            raise SitemapInvalid(f"malformed sitemap XML: {exc}") from exc
        document.truncated = True
    if document is None:
        root: etree._Element | None = getattr(context, "root", None)  # no entry at all
        if root is None:
            raise SitemapInvalid("empty sitemap")
        document = SitemapDocument(kind=_check_root(root))
    return document


def _is_full(document: SitemapDocument, limit: int | None) -> bool:
    if document.kind == "index":
        return len(document.sitemaps) >= MAX_INDEX_CHILDREN
    return limit is not None and len(document.entries) >= limit


def _release(element: etree._Element) -> None:
    """Drop the finished entry and its already-read siblings so the tree stays small."""
    element.clear()
    parent = element.getparent()
    if parent is None:
        return
    while element.getprevious() is not None:
        del parent[0]


def _children(element: etree._Element) -> dict[str, etree._Element]:
    found: dict[str, etree._Element] = {}
    for child in element:
        found.setdefault(_local(child), child)
    return found


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _collect(document: SitemapDocument, element: etree._Element) -> None:
    if document.kind == "index":
        child = _http_url(_text(_children(element).get("loc")))
        if child is not None:
            document.sitemaps.append(child)
        return
    entry = {"urlset": _url_entry, "rss": _rss_entry, "atom": _atom_entry}[document.kind](element)
    if entry is not None:
        document.entries.append(entry)


def _url_entry(element: etree._Element) -> SitemapEntry | None:
    children = _children(element)
    url = _http_url(_text(children.get("loc")))
    if url is None:
        return None
    return SitemapEntry(url, _text(children.get("lastmod")), _priority(children.get("priority")))


def _priority(element: etree._Element | None) -> float | None:
    try:
        value = float(_text(element) or "")
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None


def _rss_entry(element: etree._Element) -> SitemapEntry | None:
    children = _children(element)
    url = _http_url(_text(children.get("link")))
    guid = children.get("guid")
    if url is None and guid is not None and guid.get("isPermaLink", "true") != "false":
        url = _http_url(_text(guid))
    if url is None:
        return None
    lastmod = _text(children.get("pubDate")) or _text(children.get("date"))
    return SitemapEntry(url, lastmod, None, "feed")


def _atom_entry(element: etree._Element) -> SitemapEntry | None:
    children = _children(element)
    url = None
    for child in element:
        if _local(child) == "link" and child.get("rel", "alternate") == "alternate":
            url = _http_url(child.get("href"))
            break
    if url is None:
        return None
    lastmod = _text(children.get("updated")) or _text(children.get("published"))
    return SitemapEntry(url, lastmod, None, "feed")
