"""Structured extraction on a scrape: what the request asks for, what came out, and the keys
it adds to a scrape document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NotRequired, TypedDict

from scrapegate.domain.json_types import JsonObject

EvidenceSource = Literal["schema_org", "open_graph", "meta", "dom", "llm"]
ExtractionMethod = Literal["algorithmic", "llm", "hybrid"]


@dataclass(frozen=True)
class ExtractionRequest:
    """The extraction a scrape asks for: a schema, or a profile (validated before)."""

    schema: Mapping[str, Any] | None = None  # JSON Schema or the shorthand form
    profile: str | None = None
    evidence: bool = False
    promote_schema_org: bool = True


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    """Where one extracted value came from."""

    source: EvidenceSource
    path: str | None  # the key path inside the source ("offers.price", "og:title")
    snippet: str
    confidence: float
    selector: str | None = None  # DOM sources only


@dataclass(frozen=True)
class LlmExtractionRequest:
    """What an LLM is asked: a prompt and/or a schema, on whose key (None: resolved)."""

    prompt: str | None
    schema: Mapping[str, Any] | None = None  # JSON Schema or the shorthand form
    provider: str | None = None
    model: str | None = None


@dataclass(frozen=True, slots=True)
class LlmUsage:
    """The LLM call behind an extraction: whose LLM, which model, what it cost in tokens."""

    mode: Literal["server", "byok"]
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    latency_ms: int


@dataclass(frozen=True)
class ExtractionOutcome:
    """An extraction's result; ``result`` is None only when the extraction failed."""

    result: JsonObject | None
    method: ExtractionMethod = "algorithmic"
    evidence: Mapping[str, FieldEvidence] | None = None  # by JSON Pointer, when asked
    missing: tuple[str, ...] = ()  # required fields nothing on the page could fill
    error: str | None = None  # why the extraction failed (the scrape still succeeds)
    profile: str | None = None  # the profile applied (``auto`` resolved), None for a schema
    warnings: tuple[str, ...] = field(default=())
    llm: LlmUsage | None = None  # set when an LLM ran (methods ``llm`` and ``hybrid``)

    @property
    def warning(self) -> str | None:
        notes = list(self.warnings)
        if self.missing:
            notes.append(f"Required fields not found on the page: {', '.join(self.missing)}.")
        return " ".join(notes) or None


class ExtractionErrorDocument(TypedDict):
    error: Literal["EXTRACTION_FAILED"]
    message: str


class EvidenceDocument(TypedDict):
    source: str
    path: str | None
    snippet: str
    confidence: float
    selector: NotRequired[str]  # DOM sources only


class ExtractionFields(TypedDict, total=False):
    """Present with an extraction request; ``filtered_content`` only when purely algorithmic,
    ``evidence`` only when asked."""

    extraction_result: JsonObject | None
    filtered_content: JsonObject | None
    extraction_method: ExtractionMethod
    extraction_error: ExtractionErrorDocument | None
    evidence: dict[str, EvidenceDocument]


def extraction_fields(outcome: ExtractionOutcome | None) -> ExtractionFields:
    if outcome is None:
        return {}
    fields: ExtractionFields = {"extraction_result": outcome.result}
    if outcome.method == "algorithmic":
        fields["filtered_content"] = outcome.result
    fields["extraction_method"] = outcome.method
    fields["extraction_error"] = (
        None if outcome.error is None else {"error": "EXTRACTION_FAILED", "message": outcome.error}
    )
    if outcome.evidence is not None:
        fields["evidence"] = {k: _evidence_document(v) for k, v in outcome.evidence.items()}
    return fields


def _evidence_document(e: FieldEvidence) -> EvidenceDocument:
    document: EvidenceDocument = {
        "source": e.source,
        "path": e.path,
        "snippet": e.snippet,
        "confidence": e.confidence,
    }
    if e.selector is not None:
        document["selector"] = e.selector
    return document
