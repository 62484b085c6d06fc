"""The ``content`` format: main-content markdown with its hash, word count, images and links."""

from __future__ import annotations

from typing import TypedDict

from scrapegate.convert.inventory import ContentLink, ImageEntry
from scrapegate.convert.words import content_hash


class ContentDocument(TypedDict):
    body_markdown: str
    content_hash: str
    word_count: int
    images: list[ImageEntry]
    links: list[ContentLink]


def content_document(
    body_markdown: str, word_count: int, images: list[ImageEntry], links: list[ContentLink]
) -> ContentDocument:
    return {
        "body_markdown": body_markdown,
        "content_hash": content_hash(body_markdown),
        "word_count": word_count,
        "images": images,
        "links": links,
    }
