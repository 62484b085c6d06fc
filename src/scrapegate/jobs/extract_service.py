"""POST /api/v1/extract: algorithmic extraction from content the caller sends (nothing fetched).

The content goes through the scrape's own conversion (in the engine's conversion runner, off the
event loop), the extraction reads the facts of that conversion, and the call is charged, cached
and logged like a map call: a per-call price, nothing on a cache hit or a failure.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from scrapegate.convert import ConvertOptions
from scrapegate.domain.extract_request import ExtractRequest
from scrapegate.domain.extraction import (
    ExtractionOutcome,
    ExtractionRequest,
    LlmExtractionRequest,
)
from scrapegate.domain.extraction_records import ExtractionRun
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import CacheEntry, UsageRow, new_id, utcnow
from scrapegate.engine.conversion_runners import ConversionRunner
from scrapegate.engine.conversion_task import PageToConvert
from scrapegate.engine.domains import registrable_domain
from scrapegate.errors import (
    CacheMiss,
    ExtractionFailed,
    InternalError,
    LLMKeyMissing,
    ScrapegateError,
)
from scrapegate.extract import extract_page
from scrapegate.extract.llm import LlmService, LlmSetup
from scrapegate.jobs.extract_documents import (
    ExtractDocument,
    as_cache_hit,
    extract_document,
    written_facts,
)
from scrapegate.jobs.extract_templates import TemplateService
from scrapegate.jobs.extract_usage import ExtractUsage
from scrapegate.metering.reservations import Reservation, admit
from scrapegate.storage.protocols import CacheRepository, Storage

NO_LLM = (
    "extraction_prompt requires an LLM: register a key with POST /api/v1/user/llm-keys "
    "or ask the operator to configure a server LLM"
)
MEDIA_TYPES = {"html": "text/html", "text": "text/plain", "markdown": "text/markdown"}
ROUTE = "/api/v1/extract"


@dataclass(frozen=True)
class ExtractSettings:
    price: int = 2_500  # pricing.extract, per call
    billing_enabled: bool = False
    # Where request-log rows go (the buffered writer every scrape-like route uses).
    log_usage: Callable[[UsageRow], None] | None = None


@dataclass(frozen=True)
class LlmPlan:
    setup: LlmSetup
    request: LlmExtractionRequest


async def llm_outcome(
    llm: LlmService, plan: LlmPlan, markdown: str, found: ExtractionOutcome | None
) -> ExtractionOutcome | None:
    """A prompt runs the LLM; a schema only when the markup left required fields empty, and
    then a failing LLM leaves the markup's partial object with a note."""
    if plan.request.prompt is not None:
        return await llm.extractor.extract(plan.setup, markdown, plan.request)
    if found is None or found.result is None or not found.missing:
        return found
    try:
        outcome = await llm.extractor.extract(plan.setup, markdown, plan.request, found.result)
    except ScrapegateError as error:
        note = f"The LLM could not fill the missing fields: {error.detail}"
        return replace(found, warnings=(*found.warnings, note))
    return replace(outcome, evidence=found.evidence, warnings=found.warnings)


@dataclass(frozen=True)
class Call:
    """One extract call in progress: who, what, since when."""

    who: Principal
    req: ExtractRequest
    extract_id: str
    started: float
    source_client: str | None

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)


class ExtractService:
    def __init__(
        self,
        storage: Storage,
        conversions: ConversionRunner,
        cache: CacheRepository,
        settings: ExtractSettings,
        clock: Callable[[], datetime] = utcnow,
        llm: LlmService | None = None,
    ) -> None:
        self._storage = storage
        self._llm = llm
        self._conversions = conversions
        self._cache = cache
        self._settings = settings
        self._clock = clock
        self.templates = TemplateService(storage.templates, clock)
        self.usage = ExtractUsage(storage.extractions, clock)
        # Identical calls in flight share one run (a client retrying after its own timeout).
        self._inflight: dict[str, asyncio.Future[ExtractDocument]] = {}

    @property
    def price(self) -> int:
        return self._settings.price

    async def extract(
        self, who: Principal, req: ExtractRequest, source_client: str | None
    ) -> ExtractDocument:
        call = Call(who, req, new_id(), time.monotonic(), source_client)
        extraction = await self._extraction_request(who.org_id, req)
        llm = await self._llm_plan(who, req, extraction)
        key = req.cache_key(who.org_id)
        if req.cache != "skip":
            hit = await self._cached(key, who.org_id)
            if hit is not None:
                document = as_cache_hit(hit, call.extract_id, call.elapsed_ms())
                await self._log(call, document, None)
                return document
            if req.cache == "only":
                raise CacheMiss("No cached extraction matches this request")
        running = self._inflight.get(key)
        if running is not None:
            return await asyncio.shield(running)
        task = asyncio.ensure_future(self._run(call, key, extraction, llm))
        self._inflight[key] = task
        task.add_done_callback(lambda _: self._inflight.pop(key, None))
        return await asyncio.shield(task)

    async def _run(
        self, call: Call, key: str, extraction: ExtractionRequest | None, llm: LlmPlan | None
    ) -> ExtractDocument:
        org_id = call.who.org_id
        reservation = Reservation(
            self._storage.ledger, org_id, call.extract_id, enabled=self._settings.billing_enabled
        )
        if self._settings.billing_enabled:
            await admit(reservation, self.price, await self._storage.ledger.balance(org_id))
        try:
            algorithmic = None if llm is not None and llm.request.prompt else extraction
            formats, outcome, markdown = await self._convert(call.req, algorithmic)
            if llm is not None and self._llm is not None:
                outcome = await llm_outcome(self._llm, llm, markdown, outcome)
            if outcome is not None and outcome.result is None:
                raise ExtractionFailed(outcome.error or "The content could not be extracted")
        except ScrapegateError as error:
            await reservation.settle(0)
            await self._log(call, None, error)
            raise
        except Exception:
            await reservation.settle(0)
            await self._log(call, None, InternalError("The extraction crashed"))
            raise
        await reservation.settle(self.price)
        charge = (self.price, call.elapsed_ms())
        document = extract_document(
            call.extract_id, formats, outcome, charge, len(call.req.content)
        )
        await self._store(key, org_id, document, call.req.cache_ttl)
        await self._log(call, document, None)
        return document

    async def _convert(
        self, req: ExtractRequest, extraction: ExtractionRequest | None
    ) -> tuple[dict[str, Any], ExtractionOutcome | None, str]:
        """(the requested formats, the extraction or None when none was asked, the markdown)."""
        in_conversion = extraction if req.content_type == "html" else None
        page = PageToConvert(
            req.content,
            MEDIA_TYPES[req.content_type],
            req.source_url or "",
            tuple(f for f in req.formats if f != "raw"),
            ConvertOptions(
                promote_schema_org=req.promote_schema_org, collect_facts=in_conversion is not None
            ),
            in_conversion,
        )
        converted = await self._conversions.convert(page)
        values = dict(converted.formats)
        values["raw"] = req.content
        formats = {name: values.get(name) for name in req.formats}
        if extraction is None or converted.extraction is not None:
            return formats, converted.extraction, converted.markdown
        kind: Literal["text", "markdown"] = "markdown" if req.content_type == "markdown" else "text"
        facts = written_facts(page.url, kind, converted.markdown, converted.word_count)
        outcome = await asyncio.to_thread(extract_page, facts, extraction)
        return formats, outcome, converted.markdown

    async def _llm_plan(
        self, who: Principal, req: ExtractRequest, extraction: ExtractionRequest | None
    ) -> LlmPlan | None:
        """The LLM a call will use: always with a prompt (else ``LLM_KEY_MISSING``), and for a
        schema when one is at hand (hybrid: only if the markup leaves required fields empty)."""
        wants_schema = extraction is not None and extraction.schema is not None
        if self._llm is None or not (req.extraction_prompt or wants_schema):
            if req.extraction_prompt is not None:
                raise LLMKeyMissing(NO_LLM, field="extraction_prompt")
            return None
        resolver = self._llm.resolver
        setup = await resolver.resolve(
            who.org_id, who.user_id, req.extraction_provider, req.extraction_model
        )
        if setup is None:
            if req.extraction_prompt is not None or req.extraction_provider is not None:
                raise LLMKeyMissing(NO_LLM, field="extraction_prompt")
            return None
        schema = extraction.schema if extraction is not None else req.extraction_schema
        request = LlmExtractionRequest(
            req.extraction_prompt, schema, req.extraction_provider, req.extraction_model
        )
        return LlmPlan(setup, request)

    async def _extraction_request(
        self, org_id: str, req: ExtractRequest
    ) -> ExtractionRequest | None:
        if not req.wants_extraction:
            return None
        schema, profile = req.extraction_schema, req.extraction_profile
        if req.extraction_template is not None:
            resolved = await self.templates.resolve(org_id, req.extraction_template)
            profile = resolved.profile
            schema = schema if schema is not None else resolved.schema
        return ExtractionRequest(
            schema=schema,
            profile=profile,
            evidence=req.evidence,
            promote_schema_org=req.promote_schema_org,
        )

    async def _cached(self, key: str, org_id: str) -> ExtractDocument | None:
        entry = await self._cache.get(key, self._clock())
        if entry is None or entry.org_id != org_id:
            return None
        # Extract entries are written by ``_store`` alone, from an extract document.
        return cast(ExtractDocument, entry.response)

    async def _store(self, key: str, org_id: str, document: ExtractDocument, ttl: int) -> None:
        now = self._clock()
        entry = CacheEntry(
            key=key,
            org_id=org_id,
            response=dict(document),
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
        await self._cache.put(entry)

    async def _log(
        self, call: Call, document: ExtractDocument | None, error: ScrapegateError | None
    ) -> None:
        """One extraction-log row (the usage routes) and one request-log row (analytics)."""
        now = self._clock()
        credits = 0 if document is None else document["credits_used"]
        cached = document is not None and document["cache_hit"]
        error_code = None if error is None else error.code
        metadata = None if document is None else document["extraction_metadata"]
        run = ExtractionRun(
            id=call.extract_id,
            org_id=call.who.org_id,
            user_id=call.who.user_id,
            source="extract",
            source_url=call.req.source_url,
            content_type=call.req.content_type,
            content_size_chars=len(call.req.content),
            mode=metadata["mode"] if metadata else "algorithmic",
            provider=metadata["provider"] if metadata else None,
            model=metadata["model"] if metadata else None,
            input_tokens=metadata["input_tokens"] if metadata else None,
            output_tokens=metadata["output_tokens"] if metadata else None,
            cost_microcents=credits,
            cached=cached,
            latency_ms=call.elapsed_ms(),
            status="success" if error is None else "error",
            error_code=error_code,
            created_at=now,
        )
        await self._storage.extractions.append(run)
        if self._settings.log_usage is not None:
            self._settings.log_usage(_usage_row(call, run, now))


def _usage_row(call: Call, run: ExtractionRun, now: datetime) -> UsageRow:
    url = call.req.source_url
    failed = run.error_code is not None
    return UsageRow(
        id=new_id(),
        org_id=run.org_id,
        key_id=call.who.key.id,
        route=ROUTE,
        method="POST",
        status_code=(422 if run.error_code == ExtractionFailed.code else 500) if failed else 200,
        latency_ms=run.latency_ms,
        created_at=now,
        kind="scrape",
        job_id=call.extract_id,
        url=url,
        domain=registrable_domain(url) if url else None,
        credits=run.cost_microcents,
        bytes=len(call.req.content.encode("utf-8", "surrogatepass")),
        cache_hit=run.cached,
        error_code=run.error_code,
        source="api",
        user_id=run.user_id,
        endpoint_type="extract",
        status="failed" if failed else "completed",
        source_client=call.source_client,
        completed_at=now,
    )
