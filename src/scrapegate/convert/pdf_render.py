"""Markdown and plain text for layout blocks (headings, paragraphs, lists, tables, code)."""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence

from scrapegate.convert.pdf_layout import (
    BULLET,
    NUMBERED,
    PARAGRAPH_GAP_EM,
    Block,
    TextLine,
    is_list_item,
)

_MARKDOWN_LEADER = re.compile(r"^(#{1,6}\s|>|[-+*]\s|\d+[.)]\s)")


def join_lines(texts: Sequence[str]) -> str:
    """Joins wrapped lines with spaces, undoing end-of-line hyphenation before a lower-case word."""
    joined = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        if len(joined) > 1 and joined.endswith("-") and joined[-2].isalpha() and text[0].islower():
            joined = joined[:-1] + text
        else:
            joined = f"{joined} {text}" if joined else text
    return joined


def _list_items(block: Block) -> list[str]:
    items: list[list[str]] = []
    for line in block.lines:
        if is_list_item(line) or not items:
            items.append([line.text])
        else:
            items[-1].append(line.text)
    return [join_lines(item) for item in items]


def _bulleted(item: str) -> str:
    if NUMBERED.match(item):
        return item
    return "- " + BULLET.sub("", item, count=1)


def escape_markdown(text: str) -> str:
    """Keeps plain text from turning into markdown structure (headings, quotes, lists)."""
    return "\\" + text if _MARKDOWN_LEADER.match(text) else text


def _table_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _char_width(block: Block) -> float:
    widths = [(c.x1 - c.x0) / len(c.text) for line in block.lines for c in line.cells if c.text]
    return max(statistics.median(widths), 0.1) if widths else 1.0


def code_lines(block: Block) -> list[str]:
    """Monospaced lines with indentation and column gaps rebuilt from glyph positions."""
    left = min(line.cells[0].x0 for line in block.lines)
    width = _char_width(block)
    result: list[str] = []
    previous: TextLine | None = None
    for line in block.lines:
        if (
            previous is not None
            and previous.baseline - line.baseline > PARAGRAPH_GAP_EM * line.size
        ):
            result.append("")
        text = ""
        for cell in line.cells:
            column = round((cell.x0 - left) / width)
            text += " " * max(column - len(text), 1 if text else 0) + cell.text
        result.append(text.rstrip())
        previous = line
    return result


def _fenced(lines: list[str]) -> str:
    body = "\n".join(lines)
    fence = "```"
    while fence in body:
        fence += "`"
    return f"{fence}\n{body}\n{fence}"


def block_markdown(block: Block) -> str:
    if block.kind == "code":
        return _fenced(code_lines(block))
    if block.kind == "heading":
        return "#" * block.level + " " + join_lines([line.text for line in block.lines])
    if block.kind == "list":
        return "\n".join(_bulleted(item) for item in _list_items(block))
    if block.kind == "table":
        rows = [[_table_cell(cell.text) for cell in line.cells] for line in block.lines]
        header, body = rows[0], rows[1:]
        lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        lines.extend("| " + " | ".join(row) + " |" for row in body)
        return "\n".join(lines)
    return escape_markdown(join_lines([line.text for line in block.lines]))


def block_text(block: Block) -> str:
    if block.kind == "code":
        return "\n".join(code_lines(block))
    if block.kind == "list":
        return "\n".join(_bulleted(item) for item in _list_items(block))
    if block.kind == "table":
        return "\n".join("\t".join(cell.text for cell in line.cells) for line in block.lines)
    return join_lines([line.text for line in block.lines])


def join_blocks(blocks: Sequence[Block], render: Callable[[Block], str]) -> str:
    """Blocks separated by a blank line, except adjacent lists, which stay one tight list."""
    parts: list[str] = []
    previous: Block | None = None
    for block in blocks:
        rendered = render(block)
        if not rendered:
            continue
        if previous is not None:
            tight = previous.kind == "list" and block.kind == "list"
            parts.append("\n" if tight else "\n\n")
        parts.append(rendered)
        previous = block
    return "".join(parts)
