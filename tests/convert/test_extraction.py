"""Main-content extraction (design-notes §11), selectors, metadata, quality and caps."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapegate.convert import Converted, ConvertOptions, convert_document
from scrapegate.convert.pipeline import MARKDOWN_OUTPUT_CAP, cap_markdown
from scrapegate.errors import InvalidRequest

GOLDEN = Path(__file__).parent / "golden"
URL = "https://example.com/blog/post"


def convert(html: str, formats: list[str] | None = None, **options: object) -> Converted:
    opts = ConvertOptions(**options)  # type: ignore[arg-type]
    return convert_document(
        html, media_type="text/html", url=URL, formats=formats or [], options=opts
    )


def words(n: int, word: str = "lorem") -> str:
    return " ".join(f"{word}{i}" for i in range(n))


def test_boilerplate_is_removed_from_the_article_page() -> None:
    out = convert((GOLDEN / "article.html").read_text("utf-8")).markdown
    for junk in (
        "We use cookies",
        "Popular posts",
        "Subscribe to our",
        "All rights reserved",
        "Share on Twitter",
        "About us",
    ):
        assert junk not in out
    assert "Irregular watering" in out


def test_article_is_preferred_over_a_longer_comment_free_wrapper() -> None:
    html = (
        "<html><body><div class='page'><div class='promo-box'><p>"
        + words(30, "promo")
        + "</p></div><article><p>"
        + words(120, "story")
        + "</p></article></div></body></html>"
    )
    out = convert(html).markdown
    assert "story0" in out and "promo0" not in out


def test_fallback_to_cleaned_body_when_main_content_is_tiny() -> None:
    html = (
        "<html><body><article><p>Tiny teaser, only a few words.</p></article>"
        f"<div><span>{words(300, 'body')}</span></div></body></html>"
    )
    result = convert(html)
    assert "body299" in result.markdown and "Tiny teaser" in result.markdown
    assert result.content_quality["main_content_found"] is False


def test_page_with_visible_words_never_yields_empty_markdown() -> None:
    asides = "".join(f"<aside><p>{words(25, f'side{n}x')}</p></aside>" for n in range(3))
    html = f"<html><head><title>Only asides</title></head><body>{asides}</body></html>"
    out = convert(html).markdown
    assert "side0x0" in out and "side2x24" in out


def test_only_main_content_false_keeps_navigation_and_footer() -> None:
    html = (GOLDEN / "article.html").read_text("utf-8")
    out = convert(html, only_main_content=False).markdown
    assert "All rights reserved" in out and "Irregular watering" in out
    assert "We use cookies" not in out  # banners go regardless


def test_cookie_banners_stay_when_removal_is_off() -> None:
    html = (GOLDEN / "article.html").read_text("utf-8")
    out = convert(html, only_main_content=False, remove_cookie_banners=False).markdown
    assert "We use cookies" in out


def test_include_and_exclude_selectors() -> None:
    html = (GOLDEN / "article.html").read_text("utf-8")
    only_sidebar = convert(html, include_selectors=("aside.sidebar",), only_main_content=False)
    assert "Popular posts" in only_sidebar.markdown
    assert "Irregular watering" not in only_sidebar.markdown
    without_byline = convert(html, exclude_selectors=(".byline", "h2"))
    assert "By Mara Lind" not in without_byline.markdown
    assert "## Watering" not in without_byline.markdown


def test_invalid_selector_is_the_callers_error() -> None:
    with pytest.raises(InvalidRequest):
        convert("<html><body><p>x</p></body></html>", include_selectors=("div[",))


def test_hidden_elements_and_scripts_are_removed() -> None:
    html = (
        f"<html><body><article><p>{words(60)}</p><div hidden>secret one</div>"
        "<p style='display: none'>secret two</p><p aria-hidden='true'>secret three</p>"
        "<script>var secret = 4;</script><style>.secret{}</style></article></body></html>"
    )
    assert "secret" not in convert(html).markdown


def test_metadata_fields() -> None:
    result = convert((GOLDEN / "article.html").read_text("utf-8"))
    assert result.title == "Growing Tomatoes on a Balcony | Green Corner"
    assert result.description == "A practical guide to balcony tomatoes."
    assert result.language == "en"
    assert result.author == "Mara Lind"
    assert result.published_at == "2026-03-02T09:00:00.000Z"
    meta = result.metadata
    assert meta["site_name"] == "Green Corner"
    assert meta["favicon"] == "https://example.com/favicon.ico"
    assert meta["meta"]["author"] == "Mara Lind"
    assert meta["keywords"] == []


def test_unparseable_dates_are_returned_raw() -> None:
    html = "<html><head><meta name='date' content='last spring'></head><body></body></html>"
    assert convert(html).published_at == "last spring"


def test_json_ld_author_and_date_when_meta_tags_are_missing() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"author": [{"@type": "Person", "name": "Ana Ruiz"}], "datePublished": "2026-01-05"}'
        "</script></head><body><p>x</p></body></html>"
    )
    result = convert(html)
    assert result.author == "Ana Ruiz"
    assert result.published_at == "2026-01-05T00:00:00.000Z"


def test_content_quality_fields() -> None:
    result = convert((GOLDEN / "article.html").read_text("utf-8"))
    quality = result.content_quality
    assert quality["word_count"] == result.word_count
    assert quality["main_content_found"] is True
    assert quality["image_count"] == 2 and quality["link_count"] == 1
    assert quality["js_shell_suspected"] is False and quality["block_page_suspected"] is False
    assert 0 < quality["text_to_html_ratio"] < 1
    assert 0 <= quality["quality_score"] <= 100


def test_login_wall_and_paywall_detection() -> None:
    login = convert(
        "<html><body><form><input type='password'></form><p>Please sign in to continue.</p>"
        "</body></html>"
    )
    assert login.content_quality["login_wall_detected"] is True
    paywall = convert(
        f"<html><body><article><p>{words(80)}</p><div class='paywall'>Subscribe to continue "
        "reading</div></article></body></html>"
    )
    assert paywall.content_quality["paywall_detected"] is True
    free = convert((GOLDEN / "article.html").read_text("utf-8"))
    assert not free.content_quality["paywall_detected"]
    assert not free.content_quality["login_wall_detected"]


def test_input_above_two_mib_is_analysed_in_part() -> None:
    big = "<html><body><article>" + f"<p>{words(50)}</p>" * 9000 + "</article></body></html>"
    result = convert(big)
    assert result.truncation_reason == "readability_input_cap"
    assert result.content_quality["html_bytes"] == len(big.encode())
    assert "lorem49" in result.markdown


def test_markdown_above_five_mib_is_cut_at_a_block_boundary() -> None:
    block = "x" * 1000
    markdown = "\n\n".join([block] * 6000)
    capped, cut = cap_markdown(markdown)
    assert cut and len(capped.encode()) <= MARKDOWN_OUTPUT_CAP
    assert capped.endswith(block)
    assert cap_markdown("short") == ("short", False)


def test_recursion_failure_falls_back_to_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def too_deep(*args: object) -> Converted:
        raise RecursionError

    monkeypatch.setattr("scrapegate.convert.pipeline._convert_html", too_deep)
    result = convert("<html><body><p>Alpha   beta</p><p>gamma</p></body></html>", ["text"])
    assert result.markdown == "Alpha beta\n\ngamma"
    assert result.formats["text"] == result.markdown
