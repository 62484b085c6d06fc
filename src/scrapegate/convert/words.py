"""Word counting and markdown-to-text stripping shared by the formats."""

from __future__ import annotations

import hashlib
import re

# CJK ideographs and kana count one word each; other scripts count runs of word characters.
WORD = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_\u3040-\u30ff\u3400-\u4dbf"
    r"\u4e00-\u9fff\uf900-\ufaff]+(?:['’][^\W_]+)*"
)
MD_IMAGE = re.compile(r"!\[([^\]]*)\]\((?:<[^>]*>|[^)]*)\)")
MD_LINK = re.compile(r"\[([^\]]*)\]\((?:<[^>]*>|[^)]*)\)")
MD_SYNTAX = re.compile(
    r"^(?:#{1,6}\s+|>\s?|\s*(?:[-*+]|\d+\.)\s+)|\*\*|~~|`+|^\|?\s*-{3,}.*$", re.MULTILINE
)
BLANK_RUN = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
MD_ESCAPE = re.compile(r"\\([\\`*_\[\]#+\-.!<>|])")


def count_words(text: str) -> int:
    return sum(1 for _ in WORD.finditer(text))


def markdown_text(markdown: str) -> str:
    """Readable text of markdown: link text kept, targets, images and markers dropped."""
    text = MD_IMAGE.sub(" ", markdown)
    text = MD_LINK.sub(r"\1", text)
    text = MD_SYNTAX.sub("", text)
    return BLANK_RUN.sub("\n\n", MD_ESCAPE.sub(r"\1", text)).strip()


def content_hash(markdown: str) -> str:
    """SHA-256 of the markdown with line endings normalised and trailing whitespace trimmed."""
    normalised = markdown.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
