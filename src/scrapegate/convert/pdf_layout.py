"""Layout analysis for PDF text: glyphs → lines → blocks → markdown/text (no PDFium here).

PDF coordinates are used throughout: points, y grows upwards, so a line further down the page has a
smaller baseline.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# A gap between two glyphs wider than this many ems separates table cells / columns.
CELL_GAP_EM = 1.8
# A gap wider than this many ems without a space glyph still means a word break.
WORD_GAP_EM = 0.25
# Baseline distance above this many line heights starts a new paragraph.
PARAGRAPH_GAP_EM = 1.6
MONO_LINE_SHARE = 0.9
# Monospaced lines this far apart (a blank line or two) still belong to one code block.
CODE_GAP_EM = 3.2
# A block at least this much larger than the body size is a heading candidate.
HEADING_SIZE_RATIO = 1.15
MAX_HEADING_LINES = 3
MAX_HEADING_CHARS = 200
MAX_BOLD_HEADING_CHARS = 80

BULLET = re.compile(r"^(?:[•◦▪▫‣●○■□∙·\-–—*])\s+")
# In monospaced text "-" and "*" are code more often than bullets.
_TYPOGRAPHICBULLET = re.compile(r"^[•◦▪▫‣●○■□∙·]\s")
NUMBERED = re.compile(r"^(\d{1,3}|[a-zA-Z])[.)]\s+")
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")
# Lines checked at each end of a page for page numbers and running headers/footers.
EDGE_LINES = 2
# A running header/footer repeats on at least this many pages.
MIN_RUNNING_PAGES = 3


@dataclass(frozen=True)
class Glyph:
    """One character as PDFium reports it; ``size`` is the effective (matrix-scaled) font size."""

    char: str
    x0: float
    x1: float
    baseline: float
    size: float
    bold: bool
    mono: bool = False


@dataclass(frozen=True)
class Cell:
    text: str
    x0: float
    x1: float


@dataclass(frozen=True)
class TextLine:
    cells: tuple[Cell, ...]
    baseline: float
    size: float
    bold: bool
    mono: bool = False

    @property
    def text(self) -> str:
        return " ".join(cell.text for cell in self.cells)


@dataclass(frozen=True)
class Block:
    """``kind`` is heading, paragraph, list, table or code; ``level`` is set for headings only."""

    kind: str
    lines: tuple[TextLine, ...]
    level: int = 0


def _cells_from_glyphs(glyphs: Sequence[Glyph], size: float) -> tuple[Cell, ...]:
    cells: list[Cell] = []
    parts: list[str] = []
    start = end = 0.0
    previous: Glyph | None = None
    for glyph in glyphs:
        if glyph.char.isspace():
            if parts and parts[-1] != " ":
                parts.append(" ")
            continue
        gap = glyph.x0 - previous.x1 if previous is not None else 0.0
        if previous is not None and gap > CELL_GAP_EM * size:
            cells.append(Cell("".join(parts).strip(), start, end))
            parts = []
        elif previous is not None and gap > WORD_GAP_EM * size and parts and parts[-1] != " ":
            parts.append(" ")
        if not parts:
            start, end = glyph.x0, glyph.x1
        parts.append(glyph.char)
        end = max(end, glyph.x1)
        previous = glyph
    if parts:
        cells.append(Cell("".join(parts).strip(), start, end))
    return tuple(cell for cell in cells if cell.text)


def make_line(glyphs: Sequence[Glyph]) -> TextLine | None:
    """A line from the glyphs PDFium put between two line breaks; None when nothing is visible."""
    visible = [glyph for glyph in glyphs if not glyph.char.isspace()]
    if not visible:
        return None
    size = round(statistics.median(glyph.size for glyph in visible), 1)
    cells = _cells_from_glyphs(glyphs, max(size, 1.0))
    if not cells:
        return None
    bold = sum(glyph.bold for glyph in visible) * 2 > len(visible)
    # Prose full of inline identifiers is not code: nearly every glyph must be monospaced.
    mono = sum(glyph.mono for glyph in visible) >= MONO_LINE_SHARE * len(visible)
    baseline = statistics.median(glyph.baseline for glyph in visible)
    return TextLine(cells=cells, baseline=baseline, size=size, bold=bold, mono=mono)


def is_list_item(line: TextLine) -> bool:
    text = line.text
    return bool(BULLET.match(text) or NUMBERED.match(text))


def _starts_new_group(previous: TextLine, line: TextLine, group_is_list: bool) -> bool:
    gap = previous.baseline - line.baseline
    height = max(previous.size, line.size)
    multi_cell = len(line.cells) > 1
    if previous.mono != line.mono:
        return True
    if line.mono:
        # Code keeps its blank lines and column gaps inside one block.
        return gap > CODE_GAP_EM * height or gap < 0.3 * height
    if multi_cell != (len(previous.cells) > 1):
        return True
    if gap > PARAGRAPH_GAP_EM * height or gap < 0.3 * height:
        return True
    if abs(previous.size - line.size) > 0.6:
        return True
    if not multi_cell and previous.bold != line.bold:
        return True
    return is_list_item(line) and not group_is_list


def group_lines(lines: Sequence[TextLine]) -> list[tuple[list[TextLine], bool]]:
    """Consecutive lines split into (lines, is_list) groups by spacing, size, weight and bullets."""
    groups: list[tuple[list[TextLine], bool]] = []
    for line in lines:
        if groups and not _starts_new_group(groups[-1][0][-1], line, groups[-1][1]):
            groups[-1][0].append(line)
        else:
            groups.append(([line], is_list_item(line)))
    return groups


def _columns_align(rows: Sequence[TextLine]) -> bool:
    header = rows[0].cells
    tolerance = rows[0].size
    for row in rows[1:]:
        if len(row.cells) != len(header):
            return False
        for index, cell in enumerate(row.cells):
            left_limit = header[index - 1].x1 - tolerance if index else float("-inf")
            right_limit = (
                header[index + 1].x0 + tolerance if index + 1 < len(header) else float("inf")
            )
            if cell.x0 < left_limit or cell.x1 > right_limit:
                return False
    return True


def classify(group: list[TextLine], is_list: bool) -> Block:
    """Table, list or paragraph; headings are decided later with document-wide font sizes."""
    lines = tuple(group)
    if all(line.mono for line in lines) and not (
        is_list and _TYPOGRAPHICBULLET.match(lines[0].text)
    ):
        return Block("code", lines)
    if len(lines) >= 2 and len(lines[0].cells) > 1 and _columns_align(lines):
        return Block("table", lines)
    return Block("list" if is_list else "paragraph", lines)


def body_size(lines: Iterable[TextLine]) -> float:
    """The font size carrying the most characters."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size * 2) / 2] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _heading_candidate(block: Block) -> bool:
    text = " ".join(line.text for line in block.lines)
    numbered_title = block.kind == "list" and len(block.lines) == 1 and NUMBERED.match(text)
    return (
        (block.kind == "paragraph" or bool(numbered_title))
        and len(block.lines) <= MAX_HEADING_LINES
        and len(text) <= MAX_HEADING_CHARS
        and any(char.isalpha() for char in text)
        and len(text.strip()) >= 2  # a lone drop cap is not a heading
    )


def _bold_heading(block: Block, body: float) -> bool:
    line = block.lines[0]
    return (
        len(block.lines) == 1
        and line.bold
        and abs(line.size - body) <= 0.6
        and len(line.text) <= MAX_BOLD_HEADING_CHARS
        and not line.text.rstrip().endswith((".", ":", ",", ";"))
    )


def assign_headings(pages: Sequence[Sequence[Block]]) -> list[list[Block]]:
    """Larger-than-body blocks become headings (largest size = level 1); bold body-size lines
    become headings one level below the smallest size-based heading."""
    body = body_size(line for page in pages for block in page for line in block.lines)
    threshold = body * HEADING_SIZE_RATIO
    sizes = sorted(
        {
            round(block.lines[0].size * 2) / 2
            for page in pages
            for block in page
            if _heading_candidate(block) and block.lines[0].size >= threshold
        },
        reverse=True,
    )
    levels = {size: min(rank, 6) for rank, size in enumerate(sizes, start=1)}
    bold_level = min(len(sizes) + 1, 6)
    result: list[list[Block]] = []
    for page in pages:
        converted: list[Block] = []
        for block in page:
            size = round(block.lines[0].size * 2) / 2
            if _heading_candidate(block) and size in levels:
                block = Block("heading", block.lines, levels[size])
            elif _heading_candidate(block) and _bold_heading(block, body):
                block = Block("heading", block.lines, bold_level)
            converted.append(block)
        result.append(converted)
    return result


def page_blocks(lines: Sequence[TextLine]) -> list[Block]:
    return [classify(group, is_list) for group, is_list in group_lines(lines)]


def _running_key(line: TextLine) -> tuple[str, float]:
    # The size is part of the key so a title equal to the running header (but larger) survives.
    return _DIGITS.sub("#", line.text.strip().lower()), round(line.size)


def _edge_lines(lines: Sequence[TextLine]) -> list[TextLine]:
    if len(lines) <= 2 * EDGE_LINES:
        # Without body lines between the edges, headers cannot be told from content.
        return []
    return list(lines[:EDGE_LINES]) + list(lines[-EDGE_LINES:])


def _peel(lines: list[TextLine], removable: Callable[[TextLine], bool]) -> list[TextLine]:
    """Removes up to EDGE_LINES removable lines from each end, stopping at the first keeper."""
    start = 0
    while start < EDGE_LINES and start < len(lines) and removable(lines[start]):
        start += 1
    end = len(lines)
    while end > start and len(lines) - end < EDGE_LINES and removable(lines[end - 1]):
        end -= 1
    return lines[start:end]


def strip_running_lines(pages: Sequence[Sequence[TextLine]]) -> list[list[TextLine]]:
    """Drops bare page numbers and running headers/footers (same text, digits aside, and size at
    the edge of at least ``MIN_RUNNING_PAGES`` pages) peeled from each end of every page.
    Lines larger than the body text (headings) are never dropped."""
    counts: Counter[tuple[str, float]] = Counter()
    for lines in pages:
        counts.update({_running_key(line) for line in _edge_lines(lines)})
    running = {key for key, count in counts.items() if count >= MIN_RUNNING_PAGES}
    largest = body_size(line for lines in pages for line in lines) + 0.5

    def removable(line: TextLine) -> bool:
        if line.size > largest:
            return False
        return bool(_PAGE_NUMBER.match(line.text.strip())) or _running_key(line) in running

    return [_peel(list(lines), removable) if _edge_lines(lines) else list(lines) for lines in pages]
