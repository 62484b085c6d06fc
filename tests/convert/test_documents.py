"""Media types: which bodies take the HTML pipeline and how text documents come back."""

from __future__ import annotations

import pytest

from scrapegate.convert import ConvertOptions, SectionFilter, convert_document
from scrapegate.convert.textdocs import document_kind

URL = "https://api.example.com/data"
ALL = ["markdown", "text", "html", "json", "json_v2", "rag", "content"]


@pytest.mark.parametrize(
    ("media_type", "body", "kind"),
    [
        ("text/html; charset=utf-8", "x", "html"),
        ("application/xhtml+xml", "x", "html"),
        ("application/json", "{}", "json"),
        ("application/ld+json", "{}", "json"),
        ("application/rss+xml", "<rss/>", "xml"),
        ("application/atom+xml", "<feed/>", "xml"),
        ("text/xml", "<a/>", "xml"),
        ("text/csv", "a,b", "csv"),
        ("text/plain", "<p>not html</p>", "text"),
        (None, "<!DOCTYPE html><html><body>x</body></html>", "html"),
        (None, "  <div>fragment</div>", "html"),
        (None, '{"a": 1}', "json"),
        (None, "<?xml version='1.0'?><r/>", "xml"),
        (None, "just words", "text"),
    ],
)
def test_document_kind(media_type: str | None, body: str, kind: str) -> None:
    assert document_kind(media_type, body) == kind


def test_json_is_fenced_in_markdown_and_raw_in_text() -> None:
    body = '{"name": "x", "note": "```"}'
    result = convert_document(body, media_type="application/json", url=URL, formats=ALL)
    assert result.markdown == f"````json\n{body}\n````"
    assert result.formats["text"] == body
    assert result.formats["html"].startswith("<pre>{&quot;name&quot;")
    assert result.formats["json"]["main_text"] == body
    assert result.formats["json_v2"]["sections"][0]["blocks"][0]["type"] == "code"
    assert result.formats["content"]["body_markdown"] == result.markdown
    assert result.title is None and result.metadata["open_graph"] == {}


def test_csv_and_xml_are_fenced() -> None:
    csv = convert_document("a,b\n1,2\n", media_type="text/csv", url=URL, formats=[])
    assert csv.markdown == "```csv\na,b\n1,2\n```"
    xml = convert_document(
        "<rss><item/></rss>", media_type="application/rss+xml", url=URL, formats=[]
    )
    assert xml.markdown == "```xml\n<rss><item/></rss>\n```"


def test_plain_text_is_returned_as_is() -> None:
    body = "Line one\n\nLine *two* with <b>tags</b>"
    result = convert_document(body, media_type="text/plain", url=URL, formats=ALL)
    assert result.markdown == body and result.formats["text"] == body
    assert result.word_count == 8  # "b" of both tags counts: the body is not HTML
    blocks = result.formats["json_v2"]["sections"][0]["blocks"]
    assert [b["text"] for b in blocks] == ["Line one", "Line *two* with <b>tags</b>"]


def test_section_filter_applies_to_text_documents() -> None:
    options = ConvertOptions(section_filter=SectionFilter(content_only=True))
    result = convert_document(
        "a\n\nb", media_type="text/plain", url=URL, formats=["json_v2"], options=options
    )
    tree = result.formats["json_v2"]
    assert "sections" not in tree and len(tree["blocks"]) == 2


def test_html_without_media_type_takes_the_html_pipeline() -> None:
    html = "<html><head><title>T</title></head><body><p>Hello <b>world</b></p></body></html>"
    result = convert_document(html, media_type=None, url=URL, formats=[])
    assert result.markdown == "# T\n\nHello **world**"


def test_empty_html_body_gives_empty_markdown_without_error() -> None:
    result = convert_document("", media_type="text/html", url=URL, formats=ALL)
    assert result.markdown == ""
    assert result.word_count == 0
    assert result.formats["rag"]["chunks"] == []
