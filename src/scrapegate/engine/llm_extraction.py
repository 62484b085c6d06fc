"""The LLM step of a scrape, after conversion: ``extraction_prompt`` (method ``llm``), or a
schema whose required fields the markup left empty (method ``hybrid``). Its fee is an add-on of
the scrape's charge, refunded when the extraction fails; the scrape itself still succeeds."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from scrapegate.domain.extraction import ExtractionOutcome, LlmExtractionRequest
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.engine.assemble import Charge
from scrapegate.engine.charging import ChargeGuard
from scrapegate.errors import ScrapegateError
from scrapegate.extract.llm import LlmService

log = logging.getLogger(__name__)

FEE = "llm_extraction"
NO_LLM = "No LLM is available for this extraction."
NO_BALANCE = "The balance does not cover the LLM extraction fee."


@dataclass(frozen=True)
class LlmStep:
    service: LlmService
    price: int  # pricing.llm_extraction, per scrape that invokes an LLM


@dataclass(frozen=True)
class LlmStepResult:
    outcome: ExtractionOutcome | None
    charge: Charge


async def run_llm_step(
    step: LlmStep | None,
    req: ScrapeRequest,
    org_id: str,
    guard: ChargeGuard,
    found: tuple[ExtractionOutcome | None, str, Charge],
) -> LlmStepResult:
    """``found``: (the algorithmic extraction, the page markdown, the charge so far)."""
    algorithmic, markdown, charge = found
    prompt = req.extraction_prompt
    hybrid = prompt is None and _needs_llm(req, algorithmic)
    if step is None or not (prompt is not None or hybrid):
        if prompt is not None:
            return LlmStepResult(ExtractionOutcome(None, method="llm", error=NO_LLM), charge)
        return LlmStepResult(algorithmic, charge)
    request = LlmExtractionRequest(
        prompt, req.extraction_schema, req.extraction_provider, req.extraction_model
    )
    setup = await step.service.resolver.resolve(
        org_id, None, req.extraction_provider, req.extraction_model
    )
    if setup is None:
        failed = ExtractionOutcome(None, method="llm", error=NO_LLM)
        return LlmStepResult(algorithmic if hybrid else failed, charge)
    if not await guard.cover(charge.total + step.price):
        return LlmStepResult(_failed(algorithmic, hybrid, NO_BALANCE), charge)
    charged = replace(charge, addons={**charge.addons, FEE: step.price})
    partial = algorithmic.result if hybrid and algorithmic is not None else None
    try:
        outcome = await step.service.extractor.extract(setup, markdown, request, partial)
    except ScrapegateError as error:
        return LlmStepResult(_failed(algorithmic, hybrid, error.detail), charged.refund(FEE))
    if hybrid and algorithmic is not None:
        outcome = replace(outcome, evidence=algorithmic.evidence, warnings=algorithmic.warnings)
    return LlmStepResult(outcome, charged)


def _needs_llm(req: ScrapeRequest, algorithmic: ExtractionOutcome | None) -> bool:
    return (
        req.extraction_schema is not None
        and algorithmic is not None
        and algorithmic.result is not None
        and bool(algorithmic.missing)
    )


def _failed(algorithmic: ExtractionOutcome | None, hybrid: bool, why: str) -> ExtractionOutcome:
    if hybrid and algorithmic is not None:
        note = f"The LLM could not fill the missing fields: {why}"
        return replace(algorithmic, warnings=(*algorithmic.warnings, note))
    return ExtractionOutcome(None, method="llm", error=why)
