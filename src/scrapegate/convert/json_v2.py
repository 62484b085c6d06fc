"""The ``json_v2`` document: its blocks, sections and stats, as they go out in responses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, NotRequired, TypedDict

from scrapegate.convert.inventory import LinkEntry
from scrapegate.convert.words import count_words


class TextBlock(TypedDict):
    type: Literal["paragraph", "blockquote"]
    text: str


class CodeBlock(TypedDict):
    type: Literal["code"]
    language: str | None
    text: str


class ListBlock(TypedDict):
    type: Literal["list"]
    ordered: bool
    items: list[str]


class TableBlock(TypedDict):
    type: Literal["table"]
    caption: str | None
    headers: list[str]
    rows: list[list[str]]


class Definition(TypedDict):
    term: str
    definition: str


class DefinitionListBlock(TypedDict):
    type: Literal["dl"]
    items: list[Definition]


class DetailsBlock(TypedDict):
    type: Literal["details"]
    summary: str
    text: str


class ImageBlock(TypedDict):
    type: Literal["image"]
    src: str
    alt: str
    caption: str | None


Block = (
    TextBlock | CodeBlock | ListBlock | TableBlock | DefinitionListBlock | DetailsBlock | ImageBlock
)


class Heading(TypedDict):
    level: int
    text: str


class Section(TypedDict):
    id: str
    heading: Heading | None
    path: list[str]
    blocks: list[Block]
    children: list[Section]


class JsonV2Stats(TypedDict):
    sections: int
    blocks: int
    words: int


class JsonV2Document(TypedDict):
    """``blocks`` (flat) with a ``content_only`` section filter, else ``sections`` (a tree)."""

    version: int
    url: str
    title: str | None
    language: str | None
    blocks: NotRequired[list[Block]]
    sections: NotRequired[list[Section]]
    links: list[LinkEntry]
    stats: JsonV2Stats


def walk_sections(sections: list[Section]) -> Iterable[Section]:
    """Every section of the tree, parents before their children."""
    for section in sections:
        yield section
        yield from walk_sections(section["children"])


def _block_texts(block: Block) -> list[str]:
    """The words-bearing strings of a block, in the order they are counted."""
    if block["type"] == "list":
        return block["items"]
    if block["type"] == "dl":
        return [text for item in block["items"] for text in (item["term"], item["definition"])]
    if block["type"] == "table":
        caption = [block["caption"]] if block["caption"] is not None else []
        return caption + block["headers"] + [cell for row in block["rows"] for cell in row]
    if block["type"] == "image":
        caption = [block["caption"]] if block["caption"] is not None else []
        return [*caption, block["alt"]]
    if block["type"] == "details":
        return [block["text"], block["summary"]]
    return [block["text"]]


def block_words(block: Block) -> int:
    return count_words(" ".join(_block_texts(block)))


def json_v2_document(
    *,
    url: str,
    title: str | None,
    language: str | None,
    sections: list[Section],
    links: list[LinkEntry],
    content_only: bool,
    word_count: int | None = None,
) -> JsonV2Document:
    """The document for numbered ``sections``; ``word_count`` None counts the blocks' words."""
    all_sections = list(walk_sections(sections))
    blocks = [block for section in all_sections for block in section["blocks"]]
    words = sum(block_words(b) for b in blocks) if word_count is None else word_count
    stats: JsonV2Stats = {"sections": len(all_sections), "blocks": len(blocks), "words": words}
    if content_only:
        return {
            "version": 2,
            "url": url,
            "title": title,
            "language": language,
            "blocks": blocks,
            "links": links,
            "stats": stats,
        }
    return {
        "version": 2,
        "url": url,
        "title": title,
        "language": language,
        "sections": sections,
        "links": links,
        "stats": stats,
    }
