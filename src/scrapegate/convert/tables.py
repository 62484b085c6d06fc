"""Tables: pipe tables for data tables, plain blocks for layout tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from lxml import etree

if TYPE_CHECKING:
    from scrapegate.convert.markdown import MarkdownRenderer

Element = etree._Element

ROW_XPATH = "./tr|./thead/tr|./tbody/tr|./tfoot/tr"
MAX_COLSPAN = 100


def table_rows(table: Element) -> list[Element]:
    return cast("list[Element]", table.xpath(ROW_XPATH))


def is_layout_table(table: Element, rows: list[Element]) -> bool:
    """One-column tables and tables holding tables lay out a page rather than hold data."""
    if table.find(".//table") is not None:
        return True
    widest = max((sum(1 for c in row if c.tag in ("td", "th")) for row in rows), default=0)
    return widest <= 1


def _cell_markdown(renderer: MarkdownRenderer, cell: Element) -> str:
    blocks: list[str] = []
    renderer.container(cell, blocks)
    text = "<br>".join(b.replace("  \n", "<br>").replace("\n", "<br>") for b in blocks)
    return text.replace("|", "\\|")


def _cell_plain(renderer: MarkdownRenderer, cell: Element) -> str:
    blocks: list[str] = []
    renderer.container(cell, blocks)
    return " ".join(" ".join(blocks).split())


def table_grid(renderer: MarkdownRenderer, rows: list[Element]) -> tuple[list[list[str]], bool]:
    """Cells as text (``colspan`` repeats the cell) and whether the first row is a header."""
    grid: list[list[str]] = []
    first_is_header = False
    cell_text = _cell_plain if renderer.plain else _cell_markdown
    for index, row in enumerate(rows):
        cells: list[str] = []
        all_th = True
        for cell in row:
            if cell.tag not in ("td", "th"):
                continue
            all_th = all_th and cell.tag == "th"
            text = cell_text(renderer, cell)
            try:
                span = min(max(int(cell.get("colspan") or 1), 1), MAX_COLSPAN)
            except ValueError:
                span = 1
            cells.extend([text] * span)
        if cells:
            if index == 0:
                parent = row.getparent()
                first_is_header = all_th or (parent is not None and parent.tag == "thead")
            grid.append(cells)
    return grid, first_is_header


def render_table(renderer: MarkdownRenderer, table: Element, out: list[str]) -> None:
    rows = table_rows(table)
    if is_layout_table(table, rows):
        renderer.container(table, out)
        return
    grid, _ = table_grid(renderer, rows)
    if not any(any(c.strip() for c in row) for row in grid):
        return
    if renderer.plain:
        out.append("\n".join("\t".join(row) for row in grid))
        return
    width = max(len(row) for row in grid)
    lines = []
    for index, row in enumerate(grid):
        padded = row + [""] * (width - len(row))
        lines.append("| " + " | ".join(padded) + " |")
        if index == 0:
            lines.append("|" + " --- |" * width)
    out.append("\n".join(lines))
