"""The ``rag`` format: heading-aware chunks cut from the markdown output."""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import TypedDict

from scrapegate.convert.words import count_words, markdown_text

HEADING_LINE = re.compile(r"(#{1,6}) (.*)")  # used with match() at a block start
FENCE_OPEN = re.compile(r"(`{3,}|~{3,})")
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
CHARS_PER_TOKEN = 4


class RagChunking(TypedDict):
    strategy: str
    max_tokens: int
    overlap_tokens: int
    token_estimator: str


class RagChunk(TypedDict):
    id: str
    index: int
    heading_path: list[str]
    text: str
    token_estimate: int
    word_count: int
    char_start: int
    char_end: int


class RagDocument(TypedDict):
    chunking: RagChunking
    chunks: list[RagChunk]
    total_chunks: int
    total_tokens_estimate: int


@dataclass
class Segment:
    """An uncuttable stretch of the markdown: a block, a table row group, or a sentence."""

    start: int
    end: int
    kind: str  # heading, code, table, text
    heading_path: tuple[str, ...]


def _blocks(markdown: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each block; fenced code stays whole even across blank lines."""
    blocks: list[tuple[int, int, str]] = []
    pos, n = 0, len(markdown)
    while pos < n:
        while pos < n and markdown[pos] == "\n":
            pos += 1
        if pos >= n:
            break
        fence = FENCE_OPEN.match(markdown, pos)
        if fence:
            closing = re.compile(
                rf"^{re.escape(fence.group(1)[0])}{{{len(fence.group(1))},}}\s*$", re.MULTILINE
            )
            line_end = markdown.find("\n", pos)
            found = closing.search(markdown, line_end + 1) if line_end != -1 else None
            end = found.end() if found else n
            blocks.append((pos, end, "code"))
        else:
            end = markdown.find("\n\n", pos)
            end = n if end == -1 else end
            text = markdown[pos:end]
            kind = (
                "heading"
                if HEADING_LINE.match(text)
                else "table"
                if text.startswith("|")
                else "text"
            )
            blocks.append((pos, end, kind))
        pos = end
    return blocks


def _split_long(
    markdown: str, start: int, end: int, kind: str, limit: int
) -> list[tuple[int, int]]:
    """Pieces of an over-long block: tables by rows, text by sentences, code never."""
    if end - start <= limit or kind in ("code", "heading"):
        return [(start, end)]
    if kind == "table":
        cuts = [m.end() for m in re.finditer(r"\n", markdown[start:end])]
        bounds = [start] + [start + c for c in cuts] + [end]
    else:
        bounds = [start] + [start + m.end() for m in SENTENCE_END.finditer(markdown[start:end])]
        bounds.append(end)
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for prev, cut in pairwise(bounds):
        if cut - piece_start > limit and prev > piece_start:
            pieces.append((piece_start, prev))
            piece_start = prev
    pieces.append((piece_start, end))
    # A sentence longer than the limit is cut at word boundaries.
    final: list[tuple[int, int]] = []
    for a, b in pieces:
        while kind == "text" and b - a > limit:
            cut = markdown.rfind(" ", a, a + limit)
            cut = a + limit if cut <= a else cut + 1
            final.append((a, cut))
            a = cut
        final.append((a, b))
    return final


def segments(markdown: str, limit: int) -> list[Segment]:
    path: list[tuple[int, str]] = []
    out: list[Segment] = []
    for start, end, kind in _blocks(markdown):
        if kind == "heading":
            m = HEADING_LINE.match(markdown, start, end)
            if m:
                level = len(m.group(1))
                path = [p for p in path if p[0] < level] + [(level, m.group(2).strip())]
        names = tuple(name for _, name in path)
        for a, b in _split_long(markdown, start, end, kind, limit):
            out.append(Segment(a, b, kind, names))
    return out


def _overlap_start(markdown: str, segs: list[Segment], first: int, overlap: int) -> int:
    """Start of the repeated context before segment ``first``: whole words, never inside code."""
    natural = segs[first].start
    if overlap <= 0 or first == 0:
        return natural
    target = max(segs[first - 1].start, natural - overlap)
    prev = segs[first - 1]
    if prev.kind in ("code", "table") and target < prev.end:
        return natural
    space = markdown.find(" ", target, natural)
    newline = markdown.find("\n", target, natural)
    cuts = [c + 1 for c in (space, newline) if c != -1]
    return min(cuts) if cuts else natural


def _group(segs: list[Segment], limit: int) -> list[tuple[int, int]]:
    """(first, last) segment of each chunk: full chunks, cut early at a heading past half size."""
    groups: list[tuple[int, int]] = []
    first = 0
    for i, seg in enumerate(segs):
        if i == first:
            continue
        size = seg.end - segs[first].start
        heading_break = seg.kind == "heading" and segs[i - 1].end - segs[first].start >= limit // 2
        if size > limit or heading_break:
            groups.append((first, i - 1))
            first = i
    if segs:
        groups.append((first, len(segs) - 1))
    return groups


def chunk_markdown(
    markdown: str, *, final_url: str, max_tokens: int, overlap_tokens: int
) -> RagDocument:
    limit = max(1, max_tokens) * CHARS_PER_TOKEN
    overlap = max(0, overlap_tokens) * CHARS_PER_TOKEN
    segs = segments(markdown, limit)
    groups = _group(segs, limit)
    prefix = hashlib.sha256(final_url.encode("utf-8")).hexdigest()[:12]
    chunks: list[RagChunk] = []
    for index, (a, b) in enumerate(groups):
        start = _overlap_start(markdown, segs, a, overlap)
        end = segs[b].end
        text = markdown[start:end]
        chunks.append(
            {
                "id": f"{prefix}-{index:04d}",
                "index": index,
                "heading_path": list(segs[a].heading_path),
                "text": text,
                "token_estimate": math.ceil(len(text) / CHARS_PER_TOKEN),
                "word_count": count_words(markdown_text(text)),
                "char_start": start,
                "char_end": end,
            }
        )
    return {
        "chunking": {
            "strategy": "heading_aware",
            "max_tokens": max_tokens,
            "overlap_tokens": overlap_tokens,
            "token_estimator": "chars_div_4",
        },
        "chunks": chunks,
        "total_chunks": len(chunks),
        "total_tokens_estimate": sum(c["token_estimate"] for c in chunks),
    }
