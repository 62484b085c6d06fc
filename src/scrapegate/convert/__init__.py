"""HTML and other text documents to the scrape output formats."""

from scrapegate.convert.options import Converted, ConvertOptions, SectionFilter
from scrapegate.convert.pipeline import convert_document, extract_main_markdown

__all__ = [
    "ConvertOptions",
    "Converted",
    "SectionFilter",
    "convert_document",
    "extract_main_markdown",
]
