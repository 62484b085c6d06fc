"""One extraction over one page's facts: a profile or a schema, with evidence when asked."""

from __future__ import annotations

import logging

from scrapegate.domain.extraction import ExtractionOutcome, ExtractionRequest
from scrapegate.domain.page_facts import PageFacts
from scrapegate.extract.evidence import EvidenceLog
from scrapegate.extract.lookup import Sources
from scrapegate.extract.profiles import run_profile
from scrapegate.extract.schema_fill import fill_schema

log = logging.getLogger(__name__)

FAILED_MESSAGE = "The page could not be read for extraction."


def extract_page(facts: PageFacts, request: ExtractionRequest) -> ExtractionOutcome:
    """The algorithmic extraction; an unexpected failure is reported, never raised (the scrape
    itself succeeded)."""
    try:
        return _extract(facts, request)
    except Exception:
        log.exception("algorithmic extraction failed on %s", facts.url)
        return ExtractionOutcome(result=None, error=FAILED_MESSAGE)


def _extract(facts: PageFacts, request: ExtractionRequest) -> ExtractionOutcome:
    src = Sources(facts)
    evidence = EvidenceLog()
    if request.schema is not None:
        filled = fill_schema(src, evidence, request.schema, promote=request.promote_schema_org)
        return ExtractionOutcome(
            result=filled.value,
            evidence=evidence.entries if request.evidence else None,
            missing=tuple(filled.missing),
            warnings=tuple(filled.warnings),
        )
    profile, result = run_profile(request.profile or "auto", src, evidence)
    return ExtractionOutcome(
        result=result,
        evidence=evidence.entries if request.evidence else None,
        profile=profile,
    )
