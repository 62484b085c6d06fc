"""The ``json_v2`` section tree and its ``section_filter``."""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from typing import Literal

from lxml import etree

from scrapegate.convert.dom import drop
from scrapegate.convert.inventory import LinkEntry
from scrapegate.convert.json_v2 import (
    Block,
    Definition,
    JsonV2Document,
    Section,
    json_v2_document,
)
from scrapegate.convert.markdown import (
    BLOCK_TAGS,
    HARD_BREAK,
    HEADINGS,
    MarkdownRenderer,
    code_language,
    image_source,
    pre_text,
)
from scrapegate.convert.options import SectionFilter
from scrapegate.convert.tables import is_layout_table, table_grid, table_rows

Element = etree._Element


class SectionTreeBuilder:
    """Walks main-content elements once, opening a section at each heading."""

    def __init__(self, renderer: MarkdownRenderer) -> None:
        self.text = renderer  # a plain-text renderer
        self.sections: list[Section] = []
        self._open: list[tuple[int, Section]] = []  # the open headings' levels and sections
        self._lead: Section | None = None

    def build(self, roots: Iterable[Element]) -> list[Section]:
        for root in roots:
            self._element(root)
        return self.sections

    def _current(self) -> Section:
        if self._open:
            return self._open[-1][1]
        if self._lead is None:
            self._lead = {"id": "", "heading": None, "path": [], "blocks": [], "children": []}
            self.sections.append(self._lead)
        return self._lead

    def _add(self, block: Block) -> None:
        self._current()["blocks"].append(block)

    def _heading(self, level: int, text: str) -> None:
        while self._open and self._open[-1][0] >= level:
            self._open.pop()
        parent = self._open[-1][1] if self._open else None
        path = [*(parent["path"] if parent else []), text]
        section: Section = {
            "id": "",
            "heading": {"level": level, "text": text},
            "path": path,
            "blocks": [],
            "children": [],
        }
        (parent["children"] if parent else self.sections).append(section)
        self._open.append((level, section))

    def _element(self, el: Element) -> None:
        tag = el.tag
        if not isinstance(tag, str):
            return
        level = HEADINGS.get(tag)
        if level is not None:
            text = " ".join(self.text.inline_children(el).replace(HARD_BREAK, " ").split())
            if text:
                self._heading(level, text)
        elif tag in ("ul", "ol"):
            self._list(el, ordered=tag == "ol")
        elif tag == "pre":
            code = pre_text(el)
            if code.strip():
                self._add({"type": "code", "language": code_language(el) or None, "text": code})
        elif tag == "table":
            self._table(el)
        elif tag == "blockquote":
            self._text_block("blockquote", el)
        elif tag == "dl":
            self._definitions(el)
        elif tag == "details":
            self._details(el)
        elif tag == "figure":
            self._figure(el)
        elif tag == "img":
            self._image(el, None)
        elif tag == "p":
            self._paragraph(el)
        else:
            self._container(el)

    def _container(self, el: Element) -> None:
        """Inline runs between block children become paragraphs."""
        pieces: list[str] = []
        if el.text:
            pieces.append(self.text.text_node(el.text))
        for child in el:
            if isinstance(child.tag, str):
                if child.tag in BLOCK_TAGS or child.tag == "img":
                    self._flush(pieces)
                    self._element(child)
                else:
                    pieces.append(self.text.inline(child))
            if child.tail:
                pieces.append(self.text.text_node(child.tail))
        self._flush(pieces)

    def _flush(self, pieces: list[str]) -> None:
        if not pieces:
            return
        text = " ".join("".join(pieces).replace(HARD_BREAK, " ").split())
        pieces.clear()
        if text:
            self._add({"type": "paragraph", "text": text})

    def _paragraph(self, el: Element) -> None:
        for img in el.iter("img"):
            self._image(img, None)
        text = self._plain(el)
        if text:
            self._add({"type": "paragraph", "text": text})

    def _plain(self, el: Element) -> str:
        blocks: list[str] = []
        self.text.container(el, blocks)
        return " ".join(" ".join(blocks).split())

    def _text_block(self, kind: Literal["paragraph", "blockquote"], el: Element) -> None:
        text = self._plain(el)
        if text:
            self._add({"type": kind, "text": text})

    def _list(self, el: Element, *, ordered: bool) -> None:
        items = [self._plain(li) for li in el if li.tag == "li"]
        items = [item for item in items if item]
        if items:
            self._add({"type": "list", "ordered": ordered, "items": items})

    def _table(self, el: Element) -> None:
        rows = table_rows(el)
        if is_layout_table(el, rows):
            self._container(el)
            return
        grid, header = table_grid(self.text, rows)
        if not grid:
            return
        caption_el = el.find("caption")
        caption = self._plain(caption_el) if caption_el is not None else None
        headers = grid[0] if header else []
        body = grid[1:] if header else grid
        self._add({"type": "table", "caption": caption or None, "headers": headers, "rows": body})

    def _definitions(self, el: Element) -> None:
        items: list[Definition] = []
        for child in el:
            if child.tag == "dt":
                items.append({"term": self._plain(child), "definition": ""})
            elif child.tag == "dd" and items:
                joined = f"{items[-1]['definition']} {self._plain(child)}"
                items[-1]["definition"] = joined.strip()
        if items:
            self._add({"type": "dl", "items": items})

    def _details(self, el: Element) -> None:
        summary_el = el.find("summary")
        summary = self._plain(summary_el) if summary_el is not None else ""
        body = deepcopy(el)  # the other formats still need the summary in the tree
        body_summary = body.find("summary")
        if body_summary is not None:
            drop(body_summary)
        self._add({"type": "details", "summary": summary, "text": self._plain(body)})

    def _figure(self, el: Element) -> None:
        caption_el = el.find(".//figcaption")
        caption = self._plain(caption_el) if caption_el is not None else None
        images = list(el.iter("img"))
        for img in images:
            self._image(img, caption or None)
        if not images and caption:
            self._add({"type": "paragraph", "text": caption})

    def _image(self, el: Element, caption: str | None) -> None:
        src = image_source(el)
        if not src or (src.startswith("data:") and self.text.drop_data_images):
            return
        url = src if src.startswith("data:") else self.text.absolute(src)
        alt = " ".join((el.get("alt") or "").split())
        self._add({"type": "image", "src": url, "alt": alt, "caption": caption})


def _number(sections: list[Section], prefix: str) -> None:
    for index, section in enumerate(sections, start=1):
        section["id"] = f"{prefix}{index}"
        _number(section["children"], f"{section['id']}.")


def apply_section_filter(sections: list[Section], rules: SectionFilter) -> list[Section]:
    """The section filter's first two rules: drop excluded block types, then thin leaf
    sections bottom-up."""
    excluded = set(rules.exclude_content_types)
    kept: list[Section] = []
    for section in sections:
        section["children"] = apply_section_filter(section["children"], rules)
        if excluded:
            section["blocks"] = [b for b in section["blocks"] if b["type"] not in excluded]
        if len(section["blocks"]) < rules.min_content_blocks and not section["children"]:
            continue
        kept.append(section)
    return kept


def build_json_v2(
    roots: Iterable[Element],
    renderer: MarkdownRenderer,
    *,
    url: str,
    title: str | None,
    language: str | None,
    links: list[LinkEntry],
    rules: SectionFilter | None,
) -> JsonV2Document:
    sections = SectionTreeBuilder(renderer).build(roots)
    if rules is not None:
        sections = apply_section_filter(sections, rules)
    _number(sections, "s")
    return json_v2_document(
        url=url,
        title=title,
        language=language,
        sections=sections,
        links=links,
        content_only=rules is not None and rules.content_only,
    )
