"""Tesseract TSV parsing and grouping (no Tesseract needed)."""

from __future__ import annotations

from scrapegate.convert.ocr_tsv import group_lines, lines_text, mean_confidence, parse_words

HEADER = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
)


def row(
    level: int, block: int, par: int, line: int, word: int, box: str, conf: float, text: str
) -> str:
    return f"{level}\t1\t{block}\t{par}\t{line}\t{word}\t{box}\t{conf}\t{text}"


TSV = "\n".join(
    [
        HEADER,
        row(1, 0, 0, 0, 0, "0\t0\t800\t600", -1, ""),
        row(2, 1, 0, 0, 0, "10\t10\t300\t60", -1, ""),
        row(5, 1, 1, 1, 1, "10\t10\t80\t20", 96.5, "Hello"),
        row(5, 1, 1, 1, 2, "100\t12\t90\t20", 91.0, "world"),
        row(5, 1, 1, 2, 1, "10\t40\t60\t20", 88.0, "again"),
        row(5, 1, 1, 2, 2, "80\t40\t10\t20", 10.0, " "),
        row(5, 2, 1, 1, 1, "10\t300\t120\t25", 70.0, "Second"),
        "5\t1\tbroken row",
        row(5, 2, 1, 1, 2, "x\t300\t120\t25", 70.0, "bad-number"),
    ]
)


def test_words_skip_structure_rows_blanks_and_malformed_rows() -> None:
    words = parse_words(TSV)
    assert [word.text for word in words] == ["Hello", "world", "again", "Second"]
    assert (words[1].left, words[1].top, words[1].width, words[1].height) == (100, 12, 90, 20)


def test_lines_and_paragraph_text() -> None:
    lines = group_lines(parse_words(TSV))
    assert [line.text for line in lines] == ["Hello world", "again", "Second"]
    assert lines_text(lines) == "Hello world\nagain\n\nSecond"


def test_confidence_is_a_zero_to_one_mean() -> None:
    words = parse_words(TSV)
    assert mean_confidence(words[:2]) == round((96.5 + 91.0) / 200, 4)
    assert mean_confidence([]) == 0.0


def test_text_with_tabs_inside_is_kept_whole() -> None:
    tsv = HEADER + "\n" + row(5, 1, 1, 1, 1, "1\t1\t5\t5", 50.0, "a\tb")
    assert [word.text for word in parse_words(tsv)] == ["a\tb"]
