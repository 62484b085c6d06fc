"""What a PDF or an OCR'd image adds to a scrape result: ``pdf_metadata`` and ``ocr_results``.

Both are sent and stored as they are built, so they are JSON documents (TypedDicts).
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class PdfMetadata(TypedDict):
    """The ``pdf_metadata`` object: the PDF's Info dictionary and how much of it was read."""

    num_pages: int
    title: str | None
    author: str | None
    created_at: str | None
    producer: str | None
    encrypted: bool
    truncated: NotRequired[bool]
    pages_read: NotRequired[int]
    unreadable_pages: NotRequired[list[int]]
    ocr_failed_pages: NotRequired[list[int]]


class BoundingBox(TypedDict):
    """In the source image's pixels."""

    x: int
    y: int
    width: int
    height: int


class OcrBlockItem(TypedDict):
    text: str
    confidence: float
    bbox: BoundingBox


class OcrResultItem(TypedDict):
    """One item of a response's ``ocr_results``."""

    image_url: str | None
    text: str
    confidence: float
    language: str
    blocks: list[OcrBlockItem]
