"""The conversion of one fetched page as a picklable task, run in a thread or a pool process.

This module is what a conversion process imports: keep its imports to the convert layer so
the processes stay small (no web framework, database or fetcher code).
"""

from __future__ import annotations

import ctypes
import functools
import gc
import os
import select
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from scrapegate.convert import Converted, ConvertOptions, convert_document
from scrapegate.convert.dom import Element, ParsedPage, parse_html
from scrapegate.convert.page_facts import text_page_facts
from scrapegate.convert.pipeline import convert_parsed
from scrapegate.convert.textdocs import document_kind
from scrapegate.domain.extraction import ExtractionRequest
from scrapegate.engine.classify import Classification, classify_parsed, classify_response
from scrapegate.extract import extract_page

WARM_UP_HTML = "<html><head><title>w</title></head><body><main><p>warm up</p></main></body></html>"


@dataclass(frozen=True)
class PageToConvert:
    """Everything a conversion reads: small, immutable and picklable."""

    text: str
    media_type: str | None
    url: str
    formats: tuple[str, ...]
    options: ConvertOptions
    extraction: ExtractionRequest | None = None  # run over the page's facts after conversion

    def __reduce__(self) -> tuple[Callable[..., PageToConvert], tuple[object, ...]]:
        # Pickling the str itself would cache a UTF-8 copy on the fetched page for its lifetime.
        text = self.text.encode("utf-8", "surrogatepass")
        fields = (self.media_type, self.url, self.formats, self.options, self.extraction)
        return page_from_utf8, (text, *fields)


def page_from_utf8(
    text: bytes,
    media_type: str | None,
    url: str,
    formats: tuple[str, ...],
    options: ConvertOptions,
    extraction: ExtractionRequest | None = None,
) -> PageToConvert:
    decoded = text.decode("utf-8", "surrogatepass")
    return PageToConvert(decoded, media_type, url, formats, options, extraction)


@dataclass(frozen=True)
class PageToAnalyse:
    """A fetched textual page to classify, then to convert if the engine will use it."""

    status_code: int
    headers: dict[str, str]
    page: PageToConvert


@dataclass(frozen=True)
class PageAnalysis:
    classification: Classification
    converted: Converted | None  # None: the kind is one the engine does not convert


# The kinds whose page the engine converts (content, or a JS shell kept as the fallback).
CONVERTED_KINDS = frozenset({"ok", "js_shell"})


def analyse_page(task: PageToAnalyse) -> PageAnalysis:
    """Classification and conversion in one task: the page crosses to a process once, and an
    HTML page is parsed once, classified from the converter's tree before conversion prunes it."""
    page = task.page
    if document_kind(page.media_type, page.text) != "html":
        verdict = classify_response(task.status_code, task.headers, page.text)
        converted = convert_page(page) if verdict.kind in CONVERTED_KINDS else None
        return PageAnalysis(verdict, converted)
    parsed = parse_html(page.text, page.url)
    verdict = classify_parsed(task.status_code, task.headers, page.text, _whole_page_tree(parsed))
    if verdict.kind not in CONVERTED_KINDS:
        return PageAnalysis(verdict, None)
    converted = convert_parsed(
        parsed, page.text, url=page.url, formats=page.formats, options=page.options
    )
    return PageAnalysis(verdict, with_extraction(converted, page))


def _whole_page_tree(parsed: ParsedPage) -> Element | None:
    """The converter's tree if it holds the whole page; else None, and classify parses itself."""
    return None if parsed.truncated_input or parsed.stand_in else parsed.root


def convert_page(page: PageToConvert) -> Converted:
    converted = convert_document(
        page.text,
        media_type=page.media_type,
        url=page.url,
        formats=page.formats,
        options=page.options,
    )
    return with_extraction(converted, page)


def with_extraction(converted: Converted, page: PageToConvert) -> Converted:
    """The extraction the page asked for, run here; the facts stay behind (they would only
    make the result crossing back from the process bigger)."""
    if page.extraction is None:
        return converted
    facts = converted.facts or text_page_facts(
        page.url, converted.metadata, converted.markdown, converted.word_count
    )
    return replace(converted, facts=None, extraction=extract_page(facts, page.extraction))


def convert_in_pool(page: PageToConvert) -> Converted:
    """The pool's task: ``convert_page``, then the freed heap goes back to the OS (a big page's
    tree would otherwise stay resident in the process until it exits)."""
    try:
        return convert_page(page)
    finally:
        _trim_heap()


def analyse_in_pool(task: PageToAnalyse) -> PageAnalysis:
    """The pool's task for a freshly fetched page: ``analyse_page``, then the heap trimmed."""
    try:
        return analyse_page(task)
    finally:
        _trim_heap()


def _trim_heap() -> None:
    trim = heap_trimmer()
    if trim is not None:
        trim(0)


@functools.cache
def heap_trimmer() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim`` (about 0.3 ms), or None on another C library."""
    trim: Callable[[int], int] | None = getattr(ctypes.CDLL(None), "malloc_trim", None)
    return trim


def warm_up(server_pid: int) -> None:
    """Pool initializer: one tiny conversion loads lxml and the converter's lazy state."""
    # Objects inherited from the fork server are never collected here, so the collector does
    # not write to (and unshare) their pages.
    gc.freeze()
    exit_with(server_pid)
    convert_page(
        PageToConvert(
            WARM_UP_HTML, "text/html", "https://warm-up.invalid/", ("markdown",), ConvertOptions()
        )
    )


def exit_with(server_pid: int) -> None:
    """End this process when the server ends, even by SIGKILL: a pool process holds its own
    task queue open, so it would otherwise wait on it forever."""
    try:
        server = os.pidfd_open(server_pid)
    except ProcessLookupError:  # it ended while this process was starting
        os._exit(0)
    except OSError:  # a kernel before 5.3: no watch
        return
    watch = threading.Thread(
        target=_exit_on_ready, args=(server,), name="server-watch", daemon=True
    )
    watch.start()


def _exit_on_ready(pidfd: int) -> None:
    select.select([pidfd], [], [])  # a pidfd becomes readable when its process exits
    os._exit(0)


def worker_pid() -> int:
    """A no-op task; the pool starts a process for each one submitted while others are busy."""
    return os.getpid()
