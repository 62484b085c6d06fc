"""read_pdf on PDFs generated at test time: layout, metadata, errors, OCR fallback."""

from __future__ import annotations

import random
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from scrapegate.convert.pdf import PAGE_MARKER, TEXT_PAGE_SEPARATOR, looks_like_pdf, read_pdf
from scrapegate.errors import UnsupportedContentType
from tests.documents.pdf_factory import TextRun, build_image_pdf, build_text_pdf
from tests.documents.text_match import token_recall

requires_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="tesseract binary not installed"
)

INFO = {
    "Title": "Quarterly Report",
    "Author": "Ana Ruiz",
    "CreationDate": "D:20240102030405+02'00'",
    "ModDate": "D:20240305120000Z",
    "Producer": "scrapegate test factory",
}


def _report_pages() -> list[list[TextRun]]:
    first = [
        TextRun(72, 720, 24, "Quarterly Report", bold=True),
        TextRun(72, 690, 16, "Overview"),
        TextRun(72, 660, 11, "Revenue grew strongly this quarter because the new product line"),
        TextRun(72, 646, 11, "sold well in every region and returns stayed low."),
        TextRun(72, 620, 11, "A second paragraph follows after a wider gap."),
        TextRun(72, 590, 11, "Name", bold=True),
        TextRun(220, 590, 11, "Units", bold=True),
        TextRun(340, 590, 11, "Price", bold=True),
        TextRun(72, 576, 11, "Apple"),
        TextRun(220, 576, 11, "3"),
        TextRun(340, 576, 11, "1.20"),
        TextRun(72, 562, 11, "Banana"),
        TextRun(220, 562, 11, "12"),
        TextRun(340, 562, 11, "0.50"),
    ]
    second = [
        TextRun(72, 720, 16, "Outlook"),
        TextRun(72, 690, 11, "\u2022 Hire two engineers"),
        TextRun(72, 676, 11, "\u2022 Open the Berlin office"),
        TextRun(72, 640, 11, "The hyphenated word exam-"),
        TextRun(72, 626, 11, "ple is joined again."),
    ]
    return [first, second]


@pytest.fixture(scope="module")
def report() -> bytes:
    return build_text_pdf(_report_pages(), info=INFO)


def test_headings_follow_font_size(report: bytes) -> None:
    document = read_pdf(report)
    lines = document.markdown.splitlines()
    assert lines[0] == "# Quarterly Report"
    assert "## Overview" in lines
    assert "## Outlook" in lines


def test_paragraph_lines_are_joined_in_reading_order(report: bytes) -> None:
    document = read_pdf(report)
    paragraph = (
        "Revenue grew strongly this quarter because the new product line sold well in every "
        "region and returns stayed low."
    )
    assert paragraph in document.markdown.split("\n\n")
    assert document.markdown.index("Revenue") < document.markdown.index("A second paragraph")
    assert "A second paragraph follows after a wider gap." in document.markdown.split("\n\n")


def test_aligned_rows_become_a_pipe_table(report: bytes) -> None:
    document = read_pdf(report)
    table = "\n".join(
        [
            "| Name | Units | Price |",
            "| --- | --- | --- |",
            "| Apple | 3 | 1.20 |",
            "| Banana | 12 | 0.50 |",
        ]
    )
    assert table in document.markdown
    assert "Apple\t3\t1.20" in document.text


def test_bullets_become_a_list_and_hyphenation_is_undone(report: bytes) -> None:
    document = read_pdf(report)
    assert "- Hire two engineers\n- Open the Berlin office" in document.markdown
    assert "The hyphenated word example is joined again." in document.markdown


def test_pages_keep_order_and_markers(report: bytes) -> None:
    document = read_pdf(report)
    assert [page.number for page in document.pages] == [1, 2]
    assert all(page.has_text_layer for page in document.pages)
    marker = PAGE_MARKER.format(number=2)
    assert document.markdown.count(marker) == 1
    assert PAGE_MARKER.format(number=1) not in document.markdown
    before, after = document.markdown.split(marker)
    assert "Overview" in before and "Outlook" in after
    assert document.text.split(TEXT_PAGE_SEPARATOR) == [page.text for page in document.pages]
    assert "#" not in document.text and "|" not in document.text


def test_metadata_comes_from_the_info_dictionary(report: bytes) -> None:
    document = read_pdf(report)
    assert document.metadata == {
        "num_pages": 2,
        "title": "Quarterly Report",
        "author": "Ana Ruiz",
        "created_at": "2024-01-02T01:04:05.000Z",
        "producer": "scrapegate test factory",
        "encrypted": False,
    }


def test_metadata_without_info_dictionary_is_null() -> None:
    document = read_pdf(build_text_pdf([[TextRun(72, 700, 11, "Just text")]]))
    assert document.metadata["title"] is None
    assert document.metadata["author"] is None
    assert document.metadata["created_at"] is None
    assert document.metadata["num_pages"] == 1


def test_page_json_shape(report: bytes) -> None:
    page_json = read_pdf(report).page_json("https://example.com/report.pdf")
    assert page_json["@type"] == "DigitalDocument"
    assert page_json["page"]["url"] == "https://example.com/report.pdf"
    assert page_json["page"]["title"] == "Quarterly Report"
    assert page_json["page"]["author"] == "Ana Ruiz"
    assert page_json["page"]["published_at"] == "2024-01-02T01:04:05.000Z"
    assert page_json["page"]["modified_at"] == "2024-03-05T12:00:00.000Z"
    assert page_json["pdf"]["num_pages"] == 2
    assert [page["number"] for page in page_json["pages"]] == [1, 2]
    assert "Outlook" in page_json["pages"][1]["text"]
    assert page_json["main_text"].startswith("Quarterly Report")


def test_matrix_scaled_text_counts_as_large() -> None:
    # Text drawn at 1 pt and scaled by the text matrix must still be seen as a 24 pt heading.
    runs = [TextRun(72, 700, 11, "Body text line one that is long enough to dominate.")]
    pdf = build_text_pdf([runs], raw_prefix=b"BT /F1 1 Tf 24 0 0 24 72 740 Tm (Scaled Title) Tj ET")
    assert read_pdf(pdf).markdown.startswith("# Scaled Title")


def test_encrypted_pdf_is_unsupported() -> None:
    pdf = build_text_pdf([[TextRun(72, 700, 11, "secret")]], encrypted=True)
    with pytest.raises(UnsupportedContentType) as caught:
        read_pdf(pdf)
    assert caught.value.details == {"reason": "encrypted_pdf", "content_type": "application/pdf"}
    assert "encrypted" in caught.value.detail
    assert caught.value.to_dict()["error"] == "UNSUPPORTED_CONTENT_TYPE"


def test_owner_password_only_pdf_opens_and_is_flagged_encrypted() -> None:
    pdf = build_text_pdf([[TextRun(72, 700, 11, "x")], []], owner_password_only=True)
    document = read_pdf(pdf)
    assert document.metadata["encrypted"] is True
    assert document.metadata["num_pages"] == 2


@pytest.mark.parametrize(
    "data",
    [b"", b"not a pdf at all", b"%PDF-1.7\n%%EOF\n", b"<html><body>hi</body></html>"],
    ids=["empty", "garbage", "header-only", "html"],
)
def test_corrupt_pdf_is_unsupported(data: bytes) -> None:
    with pytest.raises(UnsupportedContentType) as caught:
        read_pdf(data)
    assert caught.value.details is not None
    assert caught.value.details["reason"] == "corrupt_pdf"
    assert caught.value.details["content_type"] == "application/pdf"


def test_truncated_pdf_never_raises_a_bare_exception(report: bytes) -> None:
    for cut in (len(report) // 4, len(report) // 2, len(report) - 40):
        try:
            document = read_pdf(report[:cut])
        except UnsupportedContentType as exc:
            assert exc.details is not None and exc.details["reason"] == "corrupt_pdf"
        else:
            assert document.metadata["num_pages"] >= 0


def test_more_pages_than_the_limit_are_truncated() -> None:
    pages = [[TextRun(72, 700, 11, f"Page number {n}")] for n in range(1, 6)]
    document = read_pdf(build_text_pdf(pages), max_pages=3)
    assert len(document.pages) == 3
    assert document.metadata["num_pages"] == 5
    assert document.metadata["truncated"] is True
    assert document.metadata["pages_read"] == 3
    assert "Page number 3" in document.text and "Page number 4" not in document.text


def test_metadata_and_page_json_keep_their_key_order() -> None:
    pages = [[TextRun(72, 700, 11, f"Page number {n}")] for n in range(1, 4)]
    document = read_pdf(build_text_pdf(pages), max_pages=2)
    assert list(document.metadata) == [
        "num_pages", "title", "author", "created_at", "producer", "encrypted", "truncated",
        "pages_read",
    ]  # fmt: skip
    page_json = document.page_json("https://example.com/report.pdf")
    assert list(page_json) == ["@type", "page", "pdf", "pages", "main_text"]
    assert list(page_json["page"]) == [
        "url", "title", "description", "language", "canonical_url", "author", "published_at",
        "modified_at", "site_name", "image", "favicon",
    ]  # fmt: skip
    assert page_json["pdf"] == document.metadata


def test_within_the_limit_there_is_no_truncated_flag(report: bytes) -> None:
    assert "truncated" not in read_pdf(report, max_pages=2).metadata


def test_image_only_pdf_without_ocr_has_empty_pages() -> None:
    document = read_pdf(build_image_pdf([["Scanned page text"]]))
    assert [page.has_text_layer for page in document.pages] == [False]
    assert document.text == ""
    assert document.markdown == ""


def test_ocr_callable_receives_a_png_of_each_textless_page() -> None:
    seen: list[bytes] = []

    def fake_ocr(png: bytes) -> str:
        seen.append(png)
        return f"recognised page {len(seen)}"

    document = read_pdf(build_image_pdf([["one"], ["two"]]), ocr=fake_ocr)
    assert len(seen) == 2 and all(png.startswith(b"\x89PNG") for png in seen)
    assert [page.text for page in document.pages] == ["recognised page 1", "recognised page 2"]
    assert [page.has_text_layer for page in document.pages] == [False, False]


def test_ocr_is_not_called_for_pages_with_text(report: bytes) -> None:
    def failing_ocr(png: bytes) -> str:
        raise AssertionError("OCR must not run on pages with a text layer")

    assert read_pdf(report, ocr=failing_ocr).pages[0].has_text_layer


def test_stamped_scan_is_ocrd_but_text_pages_over_images_are_not() -> None:
    def fake_ocr(png: bytes) -> str:
        return "full page text from ocr"

    stamped = build_text_pdf([[TextRun(500, 40, 9, "Page 1")]], with_image=True)
    page = read_pdf(stamped, ocr=fake_ocr).pages[0]
    assert (page.text, page.has_text_layer) == ("full page text from ocr", False)
    assert read_pdf(stamped).pages[0].text == "Page 1"

    runs = [TextRun(72, 700, 11, "A real text layer with plenty of characters on it.")]
    page = read_pdf(build_text_pdf([runs], with_image=True), ocr=fake_ocr).pages[0]
    assert page.has_text_layer and page.text.startswith("A real text layer")


def test_a_failing_ocr_page_is_reported_not_raised() -> None:
    def broken_ocr(png: bytes) -> str:
        raise RuntimeError("tesseract crashed")

    document = read_pdf(build_image_pdf([["one"]]), ocr=broken_ocr)
    assert document.metadata["ocr_failed_pages"] == [1]
    assert document.pages[0].text == ""


@requires_tesseract
def test_image_only_pdf_is_recovered_with_tesseract() -> None:
    from scrapegate.convert.ocr import page_ocr

    lines = [["Scanned invoice for March", "Total amount due today"], ["Second scanned page"]]
    document = read_pdf(build_image_pdf(lines), ocr=page_ocr("eng"))
    assert token_recall(" ".join(lines[0]), document.pages[0].text) >= 0.8
    assert token_recall(" ".join(lines[1]), document.pages[1].text) >= 0.8
    assert PAGE_MARKER.format(number=2) in document.markdown


def test_pdf_signature_sniffing(report: bytes) -> None:
    assert looks_like_pdf(report)
    assert looks_like_pdf(b"\n\n" + report)
    assert not looks_like_pdf(b"GIF89a")


def test_monospaced_lines_become_a_fenced_code_block() -> None:
    runs = [
        TextRun(72, 700, 11, "Run the following program:"),
        TextRun(72, 680, 10, "def greet(name):", mono=True),
        TextRun(96, 668, 10, "return name", mono=True),
        TextRun(72, 640, 11, "That is all."),
    ]
    document = read_pdf(build_text_pdf([runs]))
    assert "```\ndef greet(name):\n    return name\n```" in document.markdown
    assert "def greet(name):\n    return name" in document.text
    assert "That is all." in document.markdown.split("\n\n")


def test_running_headers_and_page_numbers_are_dropped() -> None:
    openings = ["Sales rose", "Costs fell", "Staff grew", "Plans changed"]
    pages = []
    for number in range(1, 5):
        pages.append(
            [
                TextRun(72, 760, 9, "ACME Corp annual report 2024"),
                TextRun(72, 700, 11, f"{openings[number - 1]} on page {number} with real content."),
                TextRun(72, 686, 11, f"More text that belongs to the body of page {number}."),
                TextRun(72, 672, 11, f"{openings[number - 1]}: the closing sentence."),
                TextRun(300, 40, 9, str(number)),
            ]
        )
    document = read_pdf(build_text_pdf(pages))
    assert "ACME Corp" not in document.text
    for page in document.pages:
        assert page.text.startswith(openings[page.number - 1])
        assert page.text.endswith(f"{openings[page.number - 1]}: the closing sentence.")


def test_large_numbered_line_is_a_heading_not_a_list() -> None:
    runs = [
        TextRun(72, 720, 16, "1. Introduction", bold=True),
        TextRun(72, 690, 11, "Body text " * 6),
        TextRun(72, 660, 16, "2. Method", bold=True),
        TextRun(72, 630, 11, "Body text " * 6),
    ]
    markdown = read_pdf(build_text_pdf([runs])).markdown
    assert markdown.startswith("# 1. Introduction")
    assert "\n# 2. Method\n" in markdown


def test_concurrent_reads_from_threads_agree(report: bytes) -> None:
    # PDFium is not thread-safe; read_pdf serialises its calls so worker threads can share it.
    expected = read_pdf(report).markdown
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: read_pdf(report).markdown, range(24)))
    assert results == [expected] * 24


def _two_page_pdf() -> bytes:
    return build_text_pdf([[TextRun(72, 700, 11, "page one")], [TextRun(72, 700, 11, "page two")]])


def test_a_missing_page_object_is_reported_not_raised() -> None:
    broken = (
        _two_page_pdf()
        .replace(b"/Kids [7 0 R 9 0 R]", b"/Kids [7 0 R 9 0 R 99 0 R]")
        .replace(b"/Count 2", b"/Count 3")
    )
    document = read_pdf(broken)
    assert document.metadata["unreadable_pages"] == [3]
    assert [page.text for page in document.pages] == ["page one", "page two", ""]


def test_no_loadable_page_is_corrupt() -> None:
    broken = _two_page_pdf().replace(b"/Type /Page /Parent", b"/Type /Nothing /Parent")
    with pytest.raises(UnsupportedContentType) as caught:
        read_pdf(broken)
    assert caught.value.details == {"reason": "corrupt_pdf", "content_type": "application/pdf"}


def test_randomly_damaged_pdfs_only_raise_unsupported_content_type(report: bytes) -> None:
    rng = random.Random(1234)
    outcomes = set()
    for _ in range(80):
        damaged = bytearray(report)
        for _ in range(rng.randint(1, 20)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            read_pdf(bytes(damaged))
            outcomes.add("read")
        except UnsupportedContentType:
            outcomes.add("unsupported")
    # Reaching here means no other exception escaped; the seed exercises both outcomes.
    assert outcomes == {"read", "unsupported"}
