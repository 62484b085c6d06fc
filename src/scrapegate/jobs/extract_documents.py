"""The body of a ``POST /api/v1/extract`` answer, and the page facts of text and markdown input."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Literal, NotRequired, TypedDict

from scrapegate.convert.page_facts import text_page_facts
from scrapegate.domain.extraction import (
    EvidenceDocument,
    ExtractionMethod,
    ExtractionOutcome,
    extraction_fields,
)
from scrapegate.domain.extraction_records import ExtractionMode
from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.page_facts import Heading, PageFacts

ATX_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
MAX_HEADINGS = 100


class ExtractMetadata(TypedDict):
    mode: ExtractionMode
    provider: str | None
    model: str | None
    input_tokens: int | None
    output_tokens: int | None
    cost_microcents: int
    cached: bool
    latency_ms: int


class ExtractDocument(TypedDict):
    """``formats.json`` is the extraction result when one was asked, else the page JSON."""

    extract_id: str
    formats: dict[str, Any]  # by format name: strings, the page JSON, section trees...
    extraction_result: JsonObject | None
    extraction_method: ExtractionMethod | None
    extraction_profile: str | None  # the profile applied (``auto`` resolved)
    credits_used: int
    cache_hit: bool
    content_size_chars: int
    model_used: str | None
    extraction_metadata: ExtractMetadata | None  # None when nothing was extracted
    warning: str | None  # required fields the content did not fill, values the schema refused
    evidence: NotRequired[dict[str, EvidenceDocument]]  # only with ``evidence: true``


def extract_document(
    extract_id: str,
    formats: dict[str, Any],
    outcome: ExtractionOutcome | None,
    charge: tuple[int, int],
    content_size_chars: int,
) -> ExtractDocument:
    """``charge``: (credits used, latency in ms)."""
    credits, latency_ms = charge
    if outcome is not None and "json" in formats:
        formats["json"] = outcome.result
    document: ExtractDocument = {
        "extract_id": extract_id,
        "formats": formats,
        "extraction_result": None if outcome is None else outcome.result,
        "extraction_method": None if outcome is None else outcome.method,
        "extraction_profile": None if outcome is None else outcome.profile,
        "credits_used": credits,
        "cache_hit": False,
        "content_size_chars": content_size_chars,
        "model_used": None if outcome is None or outcome.llm is None else outcome.llm.model,
        "extraction_metadata": None if outcome is None else metadata(outcome, credits, latency_ms),
        "warning": None if outcome is None else outcome.warning,
    }
    evidence = extraction_fields(outcome).get("evidence")
    if evidence is not None:
        document["evidence"] = evidence
    return document


def metadata(outcome: ExtractionOutcome, credits: int, latency_ms: int) -> ExtractMetadata:
    llm = outcome.llm
    if llm is None:
        return algorithmic(credits, latency_ms)
    return {
        "mode": llm.mode,
        "provider": llm.provider,
        "model": llm.model,
        "input_tokens": llm.input_tokens,
        "output_tokens": llm.output_tokens,
        "cost_microcents": credits,
        "cached": False,
        "latency_ms": latency_ms,
    }


def algorithmic(credits: int, latency_ms: int, cached: bool = False) -> ExtractMetadata:
    return {
        "mode": "algorithmic",
        "provider": None,
        "model": None,
        "input_tokens": None,
        "output_tokens": None,
        "cost_microcents": credits,
        "cached": cached,
        "latency_ms": latency_ms,
    }


def as_cache_hit(stored: ExtractDocument, extract_id: str, latency_ms: int) -> ExtractDocument:
    """A stored answer served again: a new id, nothing charged."""
    metadata = stored["extraction_metadata"]
    if metadata is not None:
        metadata = {**metadata, "cost_microcents": 0, "cached": True, "latency_ms": latency_ms}
    return {
        **stored,
        "extract_id": extract_id,
        "credits_used": 0,
        "cache_hit": True,
        "extraction_metadata": metadata,
    }


def written_facts(
    url: str, kind: Literal["text", "markdown"], markdown: str, word_count: int
) -> PageFacts:
    """Facts of text input; markdown also gives its outline (the first H1 is the title)."""
    if kind == "text":
        return text_page_facts(url, {}, markdown, word_count)
    headings = tuple(
        Heading(len(marks), text.strip(), f"h{len(marks)}")
        for marks, text in ATX_HEADING.findall(markdown)[:MAX_HEADINGS]
    )
    title = next((h.text for h in headings if h.level == 1), None)
    facts = text_page_facts(url, {"title": title}, markdown, word_count)
    return replace(facts, headings=headings)
