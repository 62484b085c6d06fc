"""Layout rules on synthetic glyphs (no PDFium): cells, grouping, tables, headings, dates."""

from __future__ import annotations

import pytest

from scrapegate.convert.pdf_layout import (
    Block,
    Glyph,
    TextLine,
    assign_headings,
    body_size,
    make_line,
    page_blocks,
    strip_running_lines,
)
from scrapegate.convert.pdf_metadata import parse_pdf_date
from scrapegate.convert.pdf_render import (
    block_markdown,
    code_lines,
    escape_markdown,
    join_blocks,
    join_lines,
)

CHAR_WIDTH = 0.5  # ems per character in these synthetic lines


def glyphs(
    text: str,
    *,
    x: float = 72,
    y: float = 700,
    size: float = 10,
    bold: bool = False,
    mono: bool = False,
) -> list[Glyph]:
    """Glyphs laid out left to right; runs of 3+ spaces become a wide (column) gap."""
    result: list[Glyph] = []
    cursor = x
    for chunk_index, chunk in enumerate(text.split("   ")):
        if chunk_index:
            cursor += 4 * size
        for char in chunk:
            width = CHAR_WIDTH * size
            result.append(Glyph(char, cursor, cursor + width, y, size, bold, mono))
            cursor += width
    return result


def line(text: str, **kwargs: float | bool) -> TextLine:
    made = make_line(glyphs(text, **kwargs))  # type: ignore[arg-type]
    assert made is not None
    return made


def test_wide_gaps_split_cells_and_spaces_join_words() -> None:
    made = line("Name   Qty   Unit price")
    assert [cell.text for cell in made.cells] == ["Name", "Qty", "Unit price"]
    assert made.text == "Name Qty Unit price"


def test_gap_without_space_glyph_still_breaks_words() -> None:
    first = glyphs("Hello")
    # Half an em of empty space, as between two separately positioned text objects.
    second = glyphs("you", x=first[-1].x1 + 5)
    made = make_line(first + second)
    assert made is not None and made.text == "Hello you"
    assert len(made.cells) == 1


def test_blank_line_is_none_and_bold_is_majority() -> None:
    assert make_line([Glyph(" ", 0, 0, 0, 0, False)]) is None
    assert line("Bold", bold=True).bold
    assert not line("Plain").bold


def test_paragraph_gap_and_size_change_start_new_blocks() -> None:
    lines = [
        line("Title", size=20, y=740),
        line("first line of text", y=700),
        line("second line of text", y=688),
        line("after a gap", y=650),
    ]
    blocks = page_blocks(lines)
    assert [len(block.lines) for block in blocks] == [1, 2, 1]


def test_misaligned_rows_are_not_a_table() -> None:
    aligned = [line("A   B", y=700), line("C   D", y=688)]
    assert page_blocks(aligned)[0].kind == "table"
    misaligned = [line("A   B", y=700), line("Long left cell text   D", y=688)]
    assert page_blocks(misaligned)[0].kind != "table"


def test_heading_levels_follow_document_wide_sizes() -> None:
    body = [line("body text " * 8, y=600 - i * 12) for i in range(5)]
    page_one = page_blocks([line("Big", size=24, y=760), line("Medium", size=16, y=730), *body])
    page_two = page_blocks([line("Medium again", size=16, y=760), line("Bold label", bold=True)])
    result = assign_headings([page_one, page_two])
    headings = [(b.level, b.lines[0].text) for page in result for b in page if b.kind == "heading"]
    assert headings == [(1, "Big"), (2, "Medium"), (2, "Medium again"), (3, "Bold label")]


def test_bold_sentence_is_not_a_heading() -> None:
    body = [line("body text " * 8, y=600)]
    blocks = assign_headings([page_blocks([line("A full bold sentence.", bold=True), *body])])[0]
    assert blocks[0].kind == "paragraph"


def test_body_size_is_the_size_with_most_characters() -> None:
    assert body_size([line("x" * 50, size=9), line("y" * 5, size=30)]) == 9


@pytest.mark.parametrize(
    ("texts", "joined"),
    [
        (["exam-", "ple"], "example"),
        (["Jean-", "Paul"], "Jean- Paul"),
        (["one", "", "two"], "one two"),
    ],
)
def test_join_lines(texts: list[str], joined: str) -> None:
    assert join_lines(texts) == joined


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("# not a heading", "\\# not a heading"), ("1. step", "\\1. step"), ("plain", "plain")],
)
def test_escape_markdown(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped


def test_table_cells_escape_pipes() -> None:
    table = Block("table", (line("a|b   c", y=700), line("d   e", y=688)))
    assert block_markdown(table).splitlines()[0] == "| a\\|b | c |"


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:20240102030405+02'00'", "2024-01-02T01:04:05.000Z"),
        ("D:20240102030405-05'30'", "2024-01-02T08:34:05.000Z"),
        ("D:20240102030405Z", "2024-01-02T03:04:05.000Z"),
        ("D:2024", "2024-01-01T00:00:00.000Z"),
        ("20231231235959", "2023-12-31T23:59:59.000Z"),
        ("D:20241340", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_pdf_date(raw: str | None, iso: str | None) -> None:
    assert parse_pdf_date(raw) == iso


def test_code_lines_rebuild_indentation_from_positions() -> None:
    width = CHAR_WIDTH * 10
    lines = (
        line("if ready:", mono=True, y=700),
        line("go()", mono=True, y=688, x=72 + 4 * width),
        line("done()", mono=True, y=664),
    )
    block = page_blocks(lines)[0]
    assert block.kind == "code"
    assert code_lines(block) == ["if ready:", "    go()", "", "done()"]


def test_monospaced_bullets_stay_a_list() -> None:
    lines = [line("\u2022 INTEGER;", mono=True, y=700), line("\u2022 BOOLEAN;", mono=True, y=688)]
    assert page_blocks(lines)[0].kind == "list"


def test_prose_with_some_inline_code_is_not_code() -> None:
    mixed = glyphs("see ") + [
        Glyph(g.char, g.x0 + 20, g.x1 + 20, g.baseline, g.size, False, mono=True)
        for g in glyphs("parse()")
    ]
    made = make_line(mixed)
    assert made is not None and not made.mono


def test_adjacent_lists_are_joined_tightly() -> None:
    first = Block("list", (line("\u2022 one", y=700),))
    second = Block("list", (line("\u2022 two", y=660),))
    paragraph = Block("paragraph", (line("after", y=620),))
    assert join_blocks([first, second, paragraph], block_markdown) == "- one\n- two\n\nafter"


BODY_SENTENCES = ["Alpha beta gamma", "Delta epsilon", "Zeta eta theta", "Iota kappa"]


def _page(number: int, heading: str | None = None) -> list[TextLine]:
    top = [line(heading, size=14, y=740)] if heading else []
    return [
        line("Running header", size=8, y=780),
        *top,
        line(f"{BODY_SENTENCES[number - 1]} opens page", y=700),
        line(f"second line of {BODY_SENTENCES[number - 1]}", y=688),
        line(f"{BODY_SENTENCES[number - 1]} closes page", y=676),
        line(f"{number}", size=8, y=40),
    ]


def _texts(page: list[TextLine]) -> list[str]:
    return [ln.text for ln in page]


def test_strip_running_lines_needs_three_pages() -> None:
    kept = strip_running_lines([_page(n) for n in range(1, 5)])
    assert _texts(kept[0]) == [
        "Alpha beta gamma opens page",
        "second line of Alpha beta gamma",
        "Alpha beta gamma closes page",
    ]
    two_pages = strip_running_lines([_page(1), _page(2)])
    assert _texts(two_pages[0])[0] == "Running header"


def test_repeated_headings_at_the_top_survive() -> None:
    kept = strip_running_lines([_page(n, heading=f"Question {n}") for n in range(1, 5)])
    assert [page[0].text for page in kept] == [f"Question {n}" for n in range(1, 5)]
    assert all(page[-1].text.endswith("closes page") for page in kept)


def test_title_matching_the_running_header_survives() -> None:
    pages = [_page(n) for n in range(1, 5)]
    pages[0] = [line("Running header", size=24, y=760), *pages[0]]
    kept = strip_running_lines(pages)
    assert kept[0][0].text == "Running header" and kept[0][0].size == 24
