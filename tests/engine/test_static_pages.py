"""Static pages are accepted at the HTTP tier; real JavaScript shells still are not."""

from __future__ import annotations

import pytest

from scrapegate.engine.classify import MAX_PARSED_CHARS, classify_response, looks_like_js_shell
from tests.engine import shell_pages as pages

HTML = {"content-type": "text/html; charset=utf-8"}


@pytest.mark.parametrize(
    "html", [pages.INDEX_NO_SCRIPTS, pages.INDEX_DATA_ISLANDS], ids=["no-scripts", "data-islands"]
)
def test_thin_page_without_code_is_not_worth_rendering(html: str) -> None:
    verdict = classify_response(200, HTML, html)
    assert verdict.kind == "ok"
    assert not verdict.render_may_help


@pytest.mark.parametrize(
    "html", [pages.INDEX_WITH_BUNDLE, pages.INDEX_WITH_MODULE], ids=["bundle", "module"]
)
def test_thin_page_with_code_may_be_rendered(html: str) -> None:
    verdict = classify_response(200, HTML, html)
    assert verdict.kind == "ok"
    assert verdict.render_may_help


def test_server_rendered_listing_is_not_worth_rendering() -> None:
    verdict = classify_response(200, HTML, pages.LISTING_WITH_SCRIPTS)
    assert verdict.kind == "ok"
    assert not verdict.render_may_help


def test_placeholders_waiting_for_scripts_may_be_rendered() -> None:
    verdict = classify_response(200, HTML, pages.PLACEHOLDERS_WITH_SCRIPTS)
    assert verdict.kind == "ok"
    assert verdict.render_may_help


def test_huge_head_script_does_not_hide_the_body() -> None:
    assert len(pages.HUGE_HEAD_ARTICLE) > MAX_PARSED_CHARS
    assert not looks_like_js_shell(pages.HUGE_HEAD_ARTICLE)
    assert classify_response(200, HTML, pages.HUGE_HEAD_ARTICLE).kind == "ok"


def test_huge_head_script_before_an_empty_body_is_still_a_shell() -> None:
    # The parse cap falls inside the script: its code past the cap must not count as text.
    assert len(pages.HUGE_HEAD_SHELL) > MAX_PARSED_CHARS
    assert classify_response(200, HTML, pages.HUGE_HEAD_SHELL).kind == "js_shell"


def test_text_past_the_parse_cap_after_unclosed_markup_is_seen() -> None:
    tail = "<style>p { color: red }</style><p>" + "Words the parser never saw. " * 20 + "</p>"
    html = pages.page("<div id='root'></div>" + tail, head=pages.head_script(2_100_000))
    assert classify_response(200, HTML, html).kind == "ok"
    body = "<div id='root'></div><script>var words = '" + "no words here " * 50
    unclosed = pages.page(body, head=pages.head_script(2_100_000))  # the script never closes
    assert classify_response(200, HTML, unclosed).kind == "js_shell"


def test_script_heavy_shell_under_the_parse_cap_is_a_shell() -> None:
    assert len(pages.SCRIPT_HEAVY_SHELL) < MAX_PARSED_CHARS
    assert classify_response(200, HTML, pages.SCRIPT_HEAVY_SHELL).kind == "js_shell"


def test_mount_holding_only_comment_markers_is_empty() -> None:
    verdict = classify_response(200, HTML, pages.NEXT_SHELL)
    assert verdict.kind == "js_shell"
    assert verdict.reason == "JavaScript shell: empty #__next mount point"


def test_mount_with_text_after_a_comment_is_not_empty() -> None:
    assert classify_response(200, HTML, pages.NEXT_WITH_TEXT).kind == "ok"


def test_long_sampled_page_is_not_worth_rendering() -> None:
    html = pages.page(pages.article(20_000) + "<script src='/app.js'></script>")
    verdict = classify_response(200, HTML, html)
    assert verdict.kind == "ok"
    assert not verdict.render_may_help


def test_non_html_keeps_the_default() -> None:
    verdict = classify_response(200, {"content-type": "application/json"}, '{"a": 1}')
    assert verdict.kind == "ok"
    assert verdict.render_may_help
