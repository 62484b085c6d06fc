"""The scrape engine, usable as a library: ``await engine.scrape(request, context)``."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from scrapegate.convert import Converted, ConvertOptions
from scrapegate.convert.page_facts import text_page_facts
from scrapegate.domain.extraction import ExtractionOutcome, ExtractionRequest
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.pricing import PriceTable, addon_credits
from scrapegate.domain.records import DomainAttempt, new_id
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.domain.scrape_result import Billing, ScrapeResult
from scrapegate.domain.tiers import Tier
from scrapegate.engine import assemble
from scrapegate.engine.artifacts import ArtifactSink, with_artifacts
from scrapegate.engine.attempts import FetchedPage
from scrapegate.engine.charging import ChargeGuard, UnlimitedGuard
from scrapegate.engine.content_types import DocumentDeps, process_document
from scrapegate.engine.conversion_runners import ConversionRunner, ThreadConversionRunner
from scrapegate.engine.conversion_task import PageAnalysis, PageToAnalyse, PageToConvert
from scrapegate.engine.documents import DocumentOutcome
from scrapegate.engine.escalation import Accepted, EscalationRun, Escalator
from scrapegate.engine.history import DomainHistory, HistoryReader
from scrapegate.engine.llm_extraction import LlmStep, run_llm_step
from scrapegate.engine.planning import TierPlan, plan_tiers, tier_cap_warning
from scrapegate.engine.render import render_options
from scrapegate.engine.robots import RobotsGate
from scrapegate.extract import extract_page
from scrapegate.fetchers.base import Fetcher, FetchResponse
from scrapegate.storage.protocols import PlaybookRepository

log = logging.getLogger(__name__)


@dataclass
class ScrapeContext:
    org_id: str
    job_id: str = field(default_factory=new_id)
    guard: ChargeGuard = field(default_factory=UnlimitedGuard)
    billing_enabled: bool = False
    started: float = field(default_factory=time.monotonic)
    discover_links: bool = False  # a crawl page: the converter collects the page's links


@dataclass(frozen=True)
class ScrapeOutcome:
    result: ScrapeResult
    credits: int
    tier: Tier
    size_bytes: int
    links: tuple[str, ...] | None = None  # the accepted page's links, when the context asked


@dataclass(frozen=True)
class EngineSettings:
    min_words: int = 50
    playbook_shared: bool = False
    playbook_overrides: Mapping[str, str] = field(default_factory=dict)
    allow_stealth_tiers: bool = True
    allow_evaluate: bool = True
    inline_artifacts: bool = False
    ocr_ready: bool = False  # Tesseract is installed: PDF pages without text get OCR'd


def page_to_convert(
    req: ScrapeRequest, response: FetchResponse, text: str, discover_links: bool
) -> PageToConvert:
    formats = tuple(f for f in (req.formats or ("markdown",)) if f != "raw")
    options = replace(convert_options(req), discover_links=discover_links)
    extraction = extraction_request(req)
    return PageToConvert(text, response.media_type, response.url, formats, options, extraction)


def extraction_request(req: ScrapeRequest) -> ExtractionRequest | None:
    """The algorithmic extraction a request asks for (a prompt asks for an LLM instead)."""
    if req.extraction_prompt is not None:
        return None
    if req.extraction_schema is None and req.extraction_profile is None:
        return None
    return ExtractionRequest(
        schema=req.extraction_schema,
        profile=req.extraction_profile,
        evidence=req.evidence,
        promote_schema_org=req.promote_schema_org,
    )


def convert_options(req: ScrapeRequest) -> ConvertOptions:
    adv = req.advanced
    return ConvertOptions(
        only_main_content=adv.only_main_content,
        include_selectors=tuple(adv.include_selectors),
        exclude_selectors=tuple(adv.exclude_selectors),
        remove_cookie_banners=adv.remove_cookie_banners,
        remove_base64_images=adv.remove_base64_images,
        section_filter=adv.section_filter,
        rag_chunk_tokens=adv.rag_chunk_tokens,
        rag_overlap_tokens=adv.rag_overlap_tokens,
        promote_schema_org=req.promote_schema_org,
        collect_facts=extraction_request(req) is not None,
    )


class ScrapeEngine:
    def __init__(
        self,
        fetchers: Mapping[Tier, Fetcher],
        prices: PriceTable,
        policy: NetPolicy,
        playbook: PlaybookRepository,
        settings: EngineSettings = EngineSettings(),
        artifacts: ArtifactSink | None = None,
        conversions: ConversionRunner | None = None,
        llm: LlmStep | None = None,
    ) -> None:
        self.fetchers = fetchers
        self._llm = llm  # the LLM step after conversion; None: prompts fail, no hybrid fill
        # The composition root starts and closes it (a process pool outlives one scrape).
        self.conversions = conversions or ThreadConversionRunner()
        self._artifacts = artifacts
        self.prices = prices
        self.policy = policy
        self._playbook = playbook
        self._settings = settings
        self._histories = HistoryReader(
            playbook, shared=settings.playbook_shared, overrides=settings.playbook_overrides
        )
        self._robots = RobotsGate(fetchers[Tier.CURL], policy) if Tier.CURL in fetchers else None
        self._documents = DocumentDeps(
            ocr_ready=settings.ocr_ready, image_fetcher=fetchers.get(Tier.CURL), policy=policy
        )

    async def scrape(self, req: ScrapeRequest, ctx: ScrapeContext) -> ScrapeOutcome:
        if req.respect_robots and self._robots is not None:
            await self._robots.check(req.url)
        history = await self._histories.load(req.url, ctx.org_id)
        domain = history.domain
        plan = plan_tiers(req, history.min_tier, allow_stealth=self._settings.allow_stealth_tiers)
        run = self._new_run(req, plan, ctx)
        escalator = Escalator(
            self.fetchers,
            self.prices,
            self.policy,
            self._settings.min_words,
            lambda page: self._convert(req, page, ctx.discover_links),
            lambda response, text: self._analyse(req, response, text, ctx.discover_links),
        )
        try:
            accepted = await escalator.run(run)
            document = await process_document(req, accepted, convert_options(req), self._documents)
        except Exception:
            await self._record(ctx.org_id, domain, run, success=False)
            raise
        await self._record(ctx.org_id, domain, run, success=True)
        accepted.converted = document.converted
        return await self._outcome(req, ctx, plan, run, accepted, document, history)

    async def _outcome(
        self,
        req: ScrapeRequest,
        ctx: ScrapeContext,
        plan: TierPlan,
        run: EscalationRun,
        accepted: Accepted,
        document: DocumentOutcome,
        history: DomainHistory,
    ) -> ScrapeOutcome:
        charge = assemble.compute_charge(req, accepted.page.tier, self.prices)
        if not document.ocr_used:  # an OCR add-on that found nothing to read is not charged
            charge = charge.refund("ocr")
        converted = accepted.converted
        found = (page_extraction(req, accepted), converted.markdown if converted else "", charge)
        step = await run_llm_step(self._llm, req, ctx.org_id, ctx.guard, found)
        charge = step.charge
        billing = assemble.billing(
            plan,
            run.attempts,
            charge,
            self.prices,
            billing_enabled=ctx.billing_enabled,
            suggestion=history.suggestion(charge.tier),
        )
        parts = (document, history, billing)
        result = build_result(req, ctx, accepted, run, parts, step.outcome)
        result = await with_artifacts(
            result,
            accepted.page.response,
            ctx.org_id,
            self._artifacts,
            self._settings.inline_artifacts,
        )
        return ScrapeOutcome(
            result=result,
            credits=charge.total,
            tier=accepted.page.tier,
            size_bytes=accepted.page.response.size_bytes,
            links=accepted.converted.links if accepted.converted else None,
        )

    def _new_run(self, req: ScrapeRequest, plan: TierPlan, ctx: ScrapeContext) -> EscalationRun:
        budget = req.cost_controls.time_budget
        limit = min(float(req.timeout), budget) if budget is not None else float(req.timeout)
        return EscalationRun(
            req=req,
            plan=plan,
            guard=ctx.guard,
            deadline=ctx.started + limit,
            addon_credits=addon_credits(req, self.prices),
            budget_limited=budget is not None and budget < req.timeout,
            render=render_options(req, allow_evaluate=self._settings.allow_evaluate),
        )

    async def _convert(
        self, req: ScrapeRequest, page: FetchedPage, discover_links: bool
    ) -> Converted | None:
        if page.text is None:
            return None
        return await self.conversions.convert(
            page_to_convert(req, page.response, page.text, discover_links)
        )

    async def _analyse(
        self, req: ScrapeRequest, response: FetchResponse, text: str, discover_links: bool
    ) -> PageAnalysis:
        task = page_to_convert(req, response, text, discover_links)
        return await self.conversions.analyse(
            PageToAnalyse(response.status_code, dict(response.headers), task)
        )

    async def _record(self, org_id: str, domain: str, run: EscalationRun, success: bool) -> None:
        if not run.attempts:
            return
        tier = run.attempts[-1].tier.value
        try:
            await self._playbook.record(DomainAttempt(org_id, domain, tier, success))
        except Exception:  # the playbook is advisory; never fail a scrape over it
            log.exception("playbook record failed")


def build_result(
    req: ScrapeRequest,
    ctx: ScrapeContext,
    accepted: Accepted,
    run: EscalationRun,
    parts: tuple[DocumentOutcome, DomainHistory, Billing],
    extraction: ExtractionOutcome | None,
) -> ScrapeResult:
    document, history, billing = parts
    page, converted = accepted.page, accepted.converted
    response = page.response
    content, binary = assemble.content_value(req, accepted)
    content_quality, quality_warning = assemble.quality(accepted)
    domain_warning, difficulty = history.difficulty()
    notes = (
        assemble.warning_text(accepted, run.attempts),
        extraction.warning if extraction else None,
    )
    return ScrapeResult(
        job_id=ctx.job_id,
        url=req.url,
        final_url=response.url,
        redirect_chain=tuple(response.redirect_chain),
        status_code=response.status_code,
        content_type=response.media_type,
        content=content,
        title=converted.title if converted else None,
        description=converted.description if converted else None,
        language=converted.language if converted else None,
        author=converted.author if converted else None,
        published_at=converted.published_at if converted else None,
        metadata=converted.metadata if converted else {},
        headers=response.headers,
        response_time_ms=int((time.monotonic() - ctx.started) * 1000),
        size_bytes=response.size_bytes,
        warning=" ".join(note for note in notes if note) or None,
        content_quality=content_quality,
        quality_warning=quality_warning,
        domain_warning=domain_warning,
        domain_difficulty=difficulty,
        time_budget_expired=run.time_budget_expired,
        content_truncated=assemble.truncation(accepted),
        billing=billing,
        tier_cap_warning=tier_cap_warning(req, history.min_tier),
        raw_html=page.text if req.include_raw_html else None,
        raw_encoding="base64" if binary else None,
        extraction=extraction,
        pdf_metadata=document.pdf_metadata,
        ocr_results=None if document.ocr_results is None else tuple(document.ocr_results),
    )


def page_extraction(req: ScrapeRequest, accepted: Accepted) -> ExtractionOutcome | None:
    """The conversion's extraction; documents converted here (PDF, OCR) are extracted from
    their text, and a body nothing could read from yields nulls, never an error."""
    request = extraction_request(req)
    if request is None:
        return None
    converted = accepted.converted
    if converted is not None and converted.extraction is not None:
        return converted.extraction
    url = accepted.page.response.url
    if converted is None:
        return extract_page(text_page_facts(url, {}, "", 0), request)
    facts = text_page_facts(url, converted.metadata, converted.markdown, converted.word_count)
    return extract_page(facts, request)
