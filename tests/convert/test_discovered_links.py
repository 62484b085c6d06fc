"""A crawl's links come from the converter's own parse, and equal a separate parse's."""

from __future__ import annotations

from scrapegate.convert import ConvertOptions, convert_document
from scrapegate.convert.dom import READABILITY_INPUT_CAP
from scrapegate.jobs.discovery.links import extract_links

PAGE = """<html><head><base href="https://example.org/docs/"></head><body>
<nav><a href="/">Home</a><a href="guide.html#top">Guide</a></nav>
<article><h1>Title</h1><p>Text with <a href="https://other.example/x">a link</a> and
<a href="mailto:a@example.org">mail</a> and <a href="guide.html">the guide again</a>.</p></article>
<footer><a href="/about">About</a></footer></body></html>"""


def _links(html: str, **options: bool) -> tuple[str, ...] | None:
    converted = convert_document(
        html,
        media_type="text/html",
        url="https://example.org/start",
        formats=("markdown",),
        options=ConvertOptions(**options),
    )
    return converted.links


def test_links_include_boilerplate_the_extraction_prunes() -> None:
    links = _links(PAGE, discover_links=True)
    assert links == (
        "https://example.org/",
        "https://example.org/docs/guide.html",
        "https://other.example/x",
        "https://example.org/about",
    )
    assert list(links) == extract_links(PAGE, "https://example.org/start")


def test_no_links_unless_asked() -> None:
    assert _links(PAGE) is None


def test_a_page_beyond_the_analysis_cap_gives_all_its_links() -> None:
    filler = "<p>" + "word " * 1000 + "</p>"
    repeats = READABILITY_INPUT_CAP // len(filler) + 2
    html = "<html><body>" + filler * repeats + '<a href="/late">late</a></body></html>'
    links = _links(html, discover_links=True)
    assert links == ("https://example.org/late",)
