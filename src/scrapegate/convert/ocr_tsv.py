"""Parses Tesseract's TSV output into words and groups them into lines and paragraphs.

TSV columns: level, page_num, block_num, par_num, line_num, word_num, left, top, width, height,
conf, text. Level 5 rows are words; ``conf`` is 0-100, or -1 for structural rows.
"""

from __future__ import annotations

from dataclasses import dataclass

_WORD_LEVEL = "5"
_COLUMNS = 12


@dataclass(frozen=True)
class TsvWord:
    block: int
    paragraph: int
    line: int
    left: int
    top: int
    width: int
    height: int
    confidence: float
    text: str


@dataclass(frozen=True)
class TsvLine:
    """Words of one Tesseract line, with the paragraph they belong to."""

    paragraph_key: tuple[int, int]
    words: tuple[TsvWord, ...]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


def _word(columns: list[str]) -> TsvWord | None:
    text = columns[11].strip()
    if columns[0] != _WORD_LEVEL or not text:
        return None
    try:
        return TsvWord(
            block=int(columns[2]),
            paragraph=int(columns[3]),
            line=int(columns[4]),
            left=int(columns[6]),
            top=int(columns[7]),
            width=int(columns[8]),
            height=int(columns[9]),
            confidence=float(columns[10]),
            text=text,
        )
    except ValueError:
        return None


def parse_words(tsv: str) -> list[TsvWord]:
    """Non-empty words in Tesseract's reading order; the header and malformed rows are skipped."""
    words: list[TsvWord] = []
    for row in tsv.splitlines():
        columns = row.split("\t", _COLUMNS - 1)
        if len(columns) == _COLUMNS:
            word = _word(columns)
            if word is not None:
                words.append(word)
    return words


def group_lines(words: list[TsvWord]) -> list[TsvLine]:
    """Consecutive words sharing (block, paragraph, line) numbers form a line."""
    lines: list[TsvLine] = []
    current: list[TsvWord] = []
    for word in words:
        if current and (word.block, word.paragraph, word.line) != (
            current[0].block,
            current[0].paragraph,
            current[0].line,
        ):
            lines.append(TsvLine((current[0].block, current[0].paragraph), tuple(current)))
            current = []
        current.append(word)
    if current:
        lines.append(TsvLine((current[0].block, current[0].paragraph), tuple(current)))
    return lines


def mean_confidence(words: tuple[TsvWord, ...] | list[TsvWord]) -> float:
    """Mean word confidence on a 0-1 scale; 0.0 without scored words."""
    scores = [word.confidence for word in words if word.confidence >= 0]
    if not scores:
        return 0.0
    return round(min(max(sum(scores) / len(scores) / 100.0, 0.0), 1.0), 4)


def lines_text(lines: list[TsvLine]) -> str:
    """Lines joined by newlines, paragraphs separated by a blank line."""
    parts: list[str] = []
    previous_key: tuple[int, int] | None = None
    for line in lines:
        if previous_key is not None:
            parts.append("\n\n" if line.paragraph_key != previous_key else "\n")
        parts.append(line.text)
        previous_key = line.paragraph_key
    return "".join(parts)
