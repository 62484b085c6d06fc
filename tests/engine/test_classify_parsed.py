"""classify_parsed reads the converter's tree: same verdicts as classify_response, tree unchanged,
and analyse_page parses an HTML page once."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from scrapegate.convert import ConvertOptions, convert_document
from scrapegate.convert.dom import parse_html
from scrapegate.convert.pipeline import convert_parsed
from scrapegate.engine.classify import MAX_PARSED_CHARS, classify_parsed, classify_response
from scrapegate.engine.conversion_task import (
    PageAnalysis,
    PageToAnalyse,
    PageToConvert,
    analyse_page,
)
from tests.engine import shell_pages
from tests.site import pages
from tests.site.antibot import BLOCKS, CHALLENGES

URL = "https://example.com/dir/page.html"
HTML = {"content-type": "text/html; charset=utf-8"}
HEADER_SETS = (HTML, {}, {"content-type": "text/plain"}, {**HTML, "x-datadome": "protected"})
STATUSES = (200, 403, 429, 503)
FIXTURE_PAGES = {
    "article": pages.ARTICLE_HTML,
    "index": pages.INDEX_HTML,
    "thin": pages.THIN_HTML,
    "js_shell": pages.JS_SHELL_HTML,
    "xml_declaration": '<?xml version="1.0" encoding="utf-8"?>' + pages.simple_page("X", ""),
    # A lone surrogate (from a bad decode) must not hide what follows it from either path.
    "lone_surrogate": pages.simple_page("Odd", "<p>before \ud800 after</p><p>Access denied</p>"),
    "invisible_blocks": pages.simple_page(
        "Invisible",
        "<p>Access<script>var x = 1;</script> denied</p><style>p {}</style>shown"
        "<noscript><p>Please enable JavaScript</p><script>1</script>inside</noscript>tail"
        "<template><p>template text</p></template><!-- a comment -->end",
    ),
    "shop_head_script": shell_pages.page(
        shell_pages.article(150), head=shell_pages.head_script(60_000)
    ),
    "blank": "   ",
    "comment_only": "<!-- nothing -->",
    **{f"challenge_{name}": canned.html for name, canned in CHALLENGES.items()},
    **{f"block_{name}": canned.html for name, canned in BLOCKS.items()},
}


@pytest.mark.parametrize("name", sorted(FIXTURE_PAGES))
def test_the_converters_tree_classifies_like_a_parse_of_the_text(name: str) -> None:
    text = FIXTURE_PAGES[name]
    parsed = parse_html(text, URL)
    tree = None if parsed.stand_in else parsed.root
    before = etree.tostring(parsed.root)
    for status in STATUSES:
        for headers in HEADER_SETS:
            expected = classify_response(status, headers, text)
            assert classify_parsed(status, headers, text, tree) == expected
    assert etree.tostring(parsed.root) == before  # classification only reads the tree


def test_a_page_longer_than_the_parsed_prefix_is_classified_from_that_prefix() -> None:
    script = "<script>" + "var a = 1;" * (MAX_PARSED_CHARS // 10) + "</script>"
    text = pages.simple_page("Long", f"<div id='root'></div>{script}<p>tail words</p>")
    assert len(text) > MAX_PARSED_CHARS
    tree = parse_html(text, URL, whole=True).root
    verdict = classify_parsed(200, HTML, text, tree)
    assert verdict == classify_response(200, HTML, text)
    assert verdict.kind == "js_shell"


def test_an_input_without_elements_is_a_stand_in_tree() -> None:
    assert parse_html("  ", URL).stand_in
    assert parse_html("<!-- x -->", URL).stand_in
    assert not parse_html("<p>x</p>", URL).stand_in


@pytest.mark.parametrize("name", ["article", "index", "js_shell", "invisible_blocks"])
def test_convert_parsed_converts_like_convert_document(name: str) -> None:
    text = FIXTURE_PAGES[name]
    formats = ("markdown", "json", "content")
    options = ConvertOptions(discover_links=True)
    expected = convert_document(
        text, media_type="text/html", url=URL, formats=formats, options=options
    )
    converted = convert_parsed(
        parse_html(text, URL), text, url=URL, formats=formats, options=options
    )
    assert converted == expected


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every HTML parse, whether by the converter or by classify, goes through etree.fromstring."""
    calls: list[int] = []
    parse = etree.fromstring

    def counted(text: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(len(text))
        return parse(text, *args, **kwargs)

    monkeypatch.setattr(etree, "fromstring", counted)
    return calls


@pytest.mark.parametrize(
    ("status", "text", "kind", "parses"),
    [
        (200, pages.ARTICLE_HTML, "ok", 1),
        # A shell's main content comes out empty: the converter re-reads its whole body.
        (200, pages.JS_SHELL_HTML, "js_shell", 2),
        (403, BLOCKS["access-denied"].html, "block", 1),
    ],
)
def test_analyse_page_parses_an_html_page_once(
    monkeypatch: pytest.MonkeyPatch, status: int, text: str, kind: str, parses: int
) -> None:
    calls = count_parses(monkeypatch)
    converted = convert_document(text, media_type="text/html", url=URL, formats=("markdown",))
    expected = PageAnalysis(
        classify_response(status, HTML, text), converted if kind != "block" else None
    )
    calls.clear()
    page = PageToConvert(text, "text/html", URL, ("markdown",), ConvertOptions())
    analysis = analyse_page(PageToAnalyse(status, HTML, page))
    assert analysis == expected
    assert analysis.classification.kind == kind
    assert len(calls) == parses  # the conversion's own parses: classification adds none


def test_text_after_a_lone_surrogate_is_read() -> None:
    verdict = classify_response(403, HTML, FIXTURE_PAGES["lone_surrogate"])
    assert (verdict.kind, verdict.reason) == ("block", 'Block page: "access denied" (HTTP 403)')
