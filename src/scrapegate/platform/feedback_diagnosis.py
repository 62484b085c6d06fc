"""The free diagnostic re-check behind scrape feedback.

The reported URL is scraped again at tier 4 (the browser), uncharged, in background tasks with
bounded concurrency. The outcome (whether tier 4 works, the block vendor seen, a short content
diff against the original result) is stored on the feedback row; for ``blocked`` and
``captcha_page`` a tier that works is fed into the domain playbook.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypedDict

from scrapegate.domain.feedback_records import ScrapeFeedback
from scrapegate.domain.records import DomainAttempt, utcnow
from scrapegate.domain.scrape_model import CostControls, ScrapeRequest
from scrapegate.domain.tiers import Tier
from scrapegate.engine.classify import classify_response
from scrapegate.engine.domains import registrable_domain
from scrapegate.engine.engine import EngineSettings, ScrapeContext, ScrapeEngine, ScrapeOutcome
from scrapegate.errors import ScrapegateError
from scrapegate.storage.feedback_protocol import FeedbackRepository
from scrapegate.storage.protocols import PlaybookRepository

log = logging.getLogger(__name__)

DIAGNOSTIC_TIER = Tier.BROWSER
DIAGNOSTIC_TIMEOUT_S = 60.0
DEFAULT_CONCURRENCY = 2
DIFF_SAMPLE_CHARS = 5_000  # the similarity ratio is quadratic: compare a prefix only
PLAYBOOK_ISSUES = frozenset({"blocked", "captcha_page"})
# Vendor words as they appear in the engine's attempt errors ("Cloudflare challenge (HTTP 403)").
VENDOR_WORDS = (
    ("cloudflare", "cloudflare"),
    ("datadome", "datadome"),
    ("perimeterx", "perimeterx"),
    ("imperva", "imperva"),
    ("akamai", "akamai"),
    ("aws waf", "aws_waf"),
    ("kasada", "kasada"),
    ("recaptcha", "recaptcha"),
    ("hcaptcha", "hcaptcha"),
    ("turnstile", "turnstile"),
)


class ContentDiff(TypedDict):
    original_length: int
    diagnostic_length: int
    similarity: float


class RecheckFindings(TypedDict):
    """What the tier-4 re-scrape found, as stored on the feedback row."""

    tier: str
    succeeded: bool
    working_tier: str | None
    status_code: int | None
    error_code: str | None
    error: str | None
    page_kind: str | None
    block_vendor: str | None
    content_diff: ContentDiff | None


class RecheckAnalysis(RecheckFindings):
    playbook_updated: bool


class RecheckCrash(TypedDict):
    """The stored analysis of a re-check that broke before it had findings."""

    succeeded: bool
    error: str


class ReadOnlyPlaybook:
    """The diagnostic engine's playbook: it reads history but records nothing by itself, since
    only some issue types may feed the playbook (and then only a tier that worked)."""

    def __init__(self, playbook: PlaybookRepository) -> None:
        self._playbook = playbook

    async def record(self, attempt: DomainAttempt) -> None:
        return None

    async def recent(
        self, domain: str, *, org_id: str | None, limit: int = 50
    ) -> list[DomainAttempt]:
        return await self._playbook.recent(domain, org_id=org_id, limit=limit)


def diagnostic_engine(
    engine: ScrapeEngine, playbook: PlaybookRepository, min_words: int
) -> ScrapeEngine | None:
    """An engine sharing the server's fetchers with a read-only playbook; None without a
    browser tier (the re-check then records that it could not run)."""
    if DIAGNOSTIC_TIER not in engine.fetchers:
        return None
    settings = EngineSettings(min_words=min_words)
    return ScrapeEngine(
        engine.fetchers, engine.prices, engine.policy, ReadOnlyPlaybook(playbook), settings
    )


def diagnostic_request(url: str) -> ScrapeRequest:
    return ScrapeRequest(
        url=url,
        include_raw_html=True,
        timeout=DIAGNOSTIC_TIMEOUT_S,
        cost_controls=CostControls(force_tier=DIAGNOSTIC_TIER),
    )


def vendor_in(text: str | None) -> str | None:
    lowered = (text or "").lower()
    return next((vendor for word, vendor in VENDOR_WORDS if word in lowered), None)


def content_diff(original: str | None, fresh: str | None) -> ContentDiff | None:
    if original is None or fresh is None:
        return None
    matcher = difflib.SequenceMatcher(None, original[:DIFF_SAMPLE_CHARS], fresh[:DIFF_SAMPLE_CHARS])
    return {
        "original_length": len(original),
        "diagnostic_length": len(fresh),
        "similarity": round(matcher.ratio(), 3),
    }


def failure_analysis(error: ScrapegateError) -> RecheckFindings:
    """What a failed tier-4 re-scrape says: its error and the page kind of the last attempt."""
    attempts = (error.details or {}).get("attempts") or []
    last = attempts[-1] if attempts and isinstance(attempts[-1], dict) else {}
    outcome = last.get("outcome")
    vendor = vendor_in(str(last.get("error") or ""))
    if vendor is None and outcome in ("challenge", "block"):
        vendor = "generic"
    return {
        "tier": DIAGNOSTIC_TIER.value,
        "succeeded": False,
        "working_tier": None,
        "status_code": last.get("http_status"),
        "error_code": error.code,
        "error": error.detail,
        "page_kind": outcome,
        "block_vendor": vendor,
        "content_diff": None,
    }


async def success_analysis(outcome: ScrapeOutcome, original: str | None) -> RecheckFindings:
    result = outcome.result
    fresh = result.content if isinstance(result.content, str) else None
    page = classify_response(result.status_code, result.headers, result.raw_html)
    return {
        "tier": DIAGNOSTIC_TIER.value,
        "succeeded": True,
        "working_tier": outcome.tier.value,
        "status_code": result.status_code,
        "error_code": None,
        "error": None,
        "page_kind": page.kind,
        "block_vendor": page.vendor,
        "content_diff": await asyncio.to_thread(content_diff, original, fresh),
    }


class FeedbackDiagnosis:
    """Owns the re-check tasks: at most ``concurrency`` run at once; ``aclose`` cancels them."""

    def __init__(
        self,
        engine: ScrapeEngine | None,
        feedback: FeedbackRepository,
        playbook: PlaybookRepository,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._engine = engine
        self._feedback = feedback
        self._playbook = playbook
        self._slots = asyncio.Semaphore(concurrency)
        self._clock = clock
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, feedback: ScrapeFeedback, original_content: str | None) -> None:
        task = asyncio.create_task(self._run(feedback, original_content))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def aclose(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _run(self, feedback: ScrapeFeedback, original: str | None) -> None:
        async with self._slots:
            try:
                await self._mark(feedback, "running", None)
                analysis = await self._diagnose(feedback, original)
                await self._mark(feedback, "completed", analysis)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a broken re-check is recorded, never raised
                log.exception("diagnostic re-check of feedback %s failed", feedback.id)
                await self._record_failure(feedback, f"{type(exc).__name__}: {exc}")

    async def _diagnose(self, feedback: ScrapeFeedback, original: str | None) -> RecheckAnalysis:
        if self._engine is None:
            raise RuntimeError("the browser tier is not available on this server")
        context = ScrapeContext(org_id=feedback.org_id)  # no charge guard: the re-check is free
        try:
            outcome = await self._engine.scrape(diagnostic_request(feedback.url), context)
        except ScrapegateError as exc:
            return RecheckAnalysis(**failure_analysis(exc), playbook_updated=False)
        analysis = await success_analysis(outcome, original)
        fed = feedback.issue_type in PLAYBOOK_ISSUES
        if fed:
            domain = registrable_domain(feedback.url)
            attempt = DomainAttempt(
                feedback.org_id, domain, outcome.tier.value, True, self._clock()
            )
            await self._playbook.record(attempt)
        return RecheckAnalysis(**analysis, playbook_updated=fed)

    async def _mark(
        self,
        feedback: ScrapeFeedback,
        status: str,
        analysis: RecheckAnalysis | RecheckCrash | None,
    ) -> None:
        feedback.analysis_status = status
        if analysis is not None:
            feedback.analysis = dict(analysis)
            feedback.analyzed_at = self._clock()
        await self._feedback.save(feedback)

    async def _record_failure(self, feedback: ScrapeFeedback, reason: str) -> None:
        try:
            await self._mark(feedback, "failed", RecheckCrash(succeeded=False, error=reason))
        except Exception:  # the database itself may be what failed
            log.exception("could not record the failed re-check of feedback %s", feedback.id)
