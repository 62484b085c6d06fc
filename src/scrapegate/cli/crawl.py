"""``scrapegate crawl URL --out DIR``: a whole crawl in this process, written to a folder."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, cast

import click

from scrapegate.cli.crawl_output import CrawlStatusBody, CrawlWriter
from scrapegate.cli.crawl_progress import (
    CrawlCounts,
    CrawlProgress,
    Stopwatch,
    progress_for_terminal,
)
from scrapegate.cli.local import (
    EXIT_USAGE,
    exit_with_error,
    local_services,
    local_settings,
    settings_or_exit,
    validation_for,
)
from scrapegate.config import Settings
from scrapegate.errors import Conflict, ScrapegateError

if TYPE_CHECKING:
    from scrapegate.domain.crawl_request import CrawlRequest
    from scrapegate.domain.principal import Principal
    from scrapegate.jobs.crawl_service import CrawlService
    from scrapegate.jobs.crawl_views import CrawlView

POLL_S = 0.5
DRAIN_S = 60.0  # longest wait for pages still running when a crawl is stopped
RESULTS_CHUNK = 500
TERMINAL = ("completed", "partial", "failed")
EXIT_INTERRUPTED = 130  # the shell's convention for a run ended by Ctrl-C (128 + SIGINT)


@dataclass(frozen=True)
class CrawlOutcome:
    crawl_id: str
    status: str
    stop_reason: str | None
    completed: int
    failed: int
    written: int
    interrupted: bool
    error: str | None

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return 0 if self.status in ("completed", "partial") and self.completed > 0 else 1


@contextlib.contextmanager
def ctrl_c_sets(stop: asyncio.Event) -> Iterator[None]:
    """The first Ctrl-C asks for a clean stop; a second one interrupts at once."""
    loop = asyncio.get_running_loop()

    def first_interrupt() -> None:
        stop.set()
        loop.remove_signal_handler(signal.SIGINT)

    try:
        loop.add_signal_handler(signal.SIGINT, first_interrupt)
    except (NotImplementedError, RuntimeError, ValueError):
        yield  # no signal handlers here (Windows, or not the main thread): Ctrl-C just raises
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


async def follow_crawl(
    crawls: CrawlService,
    who: Principal,
    crawl_id: str,
    progress: CrawlProgress,
    stop: asyncio.Event,
) -> tuple[CrawlStatusBody, bool]:
    """Poll the crawl until it ends, cancelling it once ``stop`` is set; (last view, stopped)."""
    watch, cancelled = Stopwatch(), False

    async def poll() -> CrawlStatusBody:
        view = wire(await crawls.status(who, crawl_id, include_results=False, offset=0, limit=1))
        progress.update(CrawlCounts.from_view(view, watch.elapsed_s))
        return view

    view = await poll()
    while view["status"] not in TERMINAL:
        if stop.is_set() and not cancelled:
            cancelled = True
            with contextlib.suppress(Conflict):  # it ended on its own meanwhile
                await crawls.cancel(who, crawl_id)
        elif cancelled:
            await asyncio.sleep(POLL_S)
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), POLL_S)
        view = await poll()
    if unfinished(view):
        progress.note(f"waiting for {unfinished(view)} running pages to finish")
    deadline = time.monotonic() + DRAIN_S
    # A stopped crawl lets running pages finish; they are kept, and no worker is cut off.
    while unfinished(view) and time.monotonic() < deadline:
        await asyncio.sleep(POLL_S)
        view = await poll()
    return view, cancelled


def wire(view: CrawlView) -> CrawlStatusBody:
    """The crawl as ``GET /api/v1/crawl/{id}`` sends it (the files written use its keys)."""
    from scrapegate.api.crawl_models import CrawlStatusResponse  # lazy: keeps startup light

    # The response model's JSON form is that body; the CLI test pins the keys against the model.
    return cast("CrawlStatusBody", CrawlStatusResponse.model_validate(view).model_dump(mode="json"))


def unfinished(view: CrawlStatusBody) -> int:
    """Pages neither completed nor failed (queued or running), whatever the view calls them."""
    return max(view["total"] - view["completed"] - view["failed"], 0)


async def write_results(
    crawls: CrawlService, who: Principal, crawl_id: str, writer: CrawlWriter
) -> None:
    offset: int | None = 0
    while offset is not None:
        view = wire(
            await crawls.status(
                who, crawl_id, include_results=True, offset=offset, limit=RESULTS_CHUNK
            )
        )
        for page in view.get("pages") or []:
            writer.add_page(page)
        offset = view.get("next_offset") if view.get("has_more") else None


async def crawl_to_directory(
    settings: Settings,
    req: CrawlRequest,
    out_dir: Path,
    progress: CrawlProgress,
    stop: asyncio.Event | None = None,
) -> CrawlOutcome:
    """Run one crawl with embedded services and write its pages and indexes under ``out_dir``."""
    stop = stop or asyncio.Event()
    writer = CrawlWriter(out_dir, req.url, req.page.formats[0] if req.page.formats else "markdown")
    # Ctrl-C while the files are written only sets ``stop`` again: what finished is kept.
    async with local_services(settings) as run:
        with ctrl_c_sets(stop):
            crawls = run.services.crawls
            accepted = await crawls.start(run.who, req)
            crawl_id = accepted.crawl_id
            progress.started(req.url, crawl_id)
            try:
                view, interrupted = await follow_crawl(crawls, run.who, crawl_id, progress, stop)
            finally:
                progress.close()
            await write_results(crawls, run.who, crawl_id, writer)
            writer.write_indexes(view)
    return CrawlOutcome(
        crawl_id=crawl_id,
        status=view["status"],
        stop_reason=view["stop_reason"],
        # Counted from what was written: pages still running at a cancel may finish later.
        completed=sum(1 for entry in writer.entries if entry.status == "completed"),
        failed=sum(1 for entry in writer.entries if entry.status == "failed"),
        written=sum(1 for entry in writer.entries if entry.file),
        interrupted=interrupted,
        error=view["error"],
    )


class CrawlBody(TypedDict):
    """A ``POST /api/v1/crawl`` body, as far as the command-line options fill it."""

    url: str
    formats: list[str]
    mode: str
    respect_robots: bool
    include_subdomains: bool
    max_pages: NotRequired[int]
    max_depth: NotRequired[int]
    max_concurrency: NotRequired[int]
    delay: NotRequired[float]
    include_patterns: NotRequired[list[str]]
    exclude_patterns: NotRequired[list[str]]


def crawl_body(url: str, options: dict[str, Any]) -> CrawlBody:
    """The POST /api/v1/crawl body that click's keyword arguments stand for."""
    body = CrawlBody(
        url=url,
        formats=[options["fmt"]],
        mode=options["mode"],
        respect_robots=not options["ignore_robots"],
        include_subdomains=options["include_subdomains"],
    )
    # Options left unset stay out of the body, so the server's defaults apply.
    if options["max_pages"] is not None:
        body["max_pages"] = options["max_pages"]
    if options["max_depth"] is not None:
        body["max_depth"] = options["max_depth"]
    if options["concurrency"] is not None:
        body["max_concurrency"] = options["concurrency"]
    if options["delay"] is not None:
        body["delay"] = options["delay"]
    if options["include"]:
        body["include_patterns"] = list(options["include"])
    if options["exclude"]:
        body["exclude_patterns"] = list(options["exclude"])
    return body


def tuned_for(settings: Settings, req: CrawlRequest, allow_private: bool) -> Settings:
    """Enough workers for the crawl's concurrency, and page results kept until they are written."""
    return local_settings(
        settings,
        allow_private=allow_private,
        jobs={
            "workers": max(settings.jobs.workers, req.max_concurrency),
            "result_ttl_s": max(settings.jobs.result_ttl_s, req.crawl_timeout + 3_600),
        },
        rate_limits={
            "default_concurrency": max(
                settings.rate_limits.default_concurrency, req.max_concurrency
            )
        },
    )


@click.command("crawl")
@click.argument("url")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the page files, index.json and contents.md.",
)
@click.option("--max-pages", type=int, default=None, help="Most pages to scrape (default 50).")
@click.option("--max-depth", type=int, default=None, help="Link hops from URL (default 3).")
@click.option("--include", multiple=True, help="Glob on the URL path to crawl (repeatable).")
@click.option("--exclude", multiple=True, help="Glob on the URL path to skip (repeatable).")
@click.option("--include-subdomains", is_flag=True, help="Follow links to subdomains too.")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt.")
@click.option("--concurrency", type=int, default=None, help="Pages in flight (default 10).")
@click.option("--delay", type=float, default=None, help="Seconds between requests to a host.")
@click.option("--format", "fmt", default="markdown", show_default=True, help="Page format.")
@click.option("--mode", default="auto", show_default=True, help="auto, html or js.")
@click.option(
    "--allow-private", is_flag=True, help="Allow private and loopback addresses for this run."
)
def crawl_command(url: str, out_dir: Path, allow_private: bool, **options: Any) -> None:
    """Crawl URL with the local engine (no server) and write one file per page to --out."""
    settings = local_settings(settings_or_exit(), allow_private=allow_private)
    from scrapegate.domain.crawl_request import parse_crawl_request

    try:
        req = parse_crawl_request(crawl_body(url, options), validation_for(settings))
    except ScrapegateError as exc:
        exit_with_error(exc, EXIT_USAGE)
    settings = tuned_for(settings, req, allow_private)
    progress = progress_for_terminal(sys.stdout.isatty())
    try:
        outcome = asyncio.run(crawl_to_directory(settings, req, out_dir, progress))
    except ScrapegateError as exc:
        exit_with_error(exc, 1)
    except KeyboardInterrupt:  # a second Ctrl-C: stop at once, the index may be incomplete
        click.echo("scrapegate: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    reason = outcome.stop_reason or "unknown"
    click.echo(
        f"crawl {outcome.status} ({reason}): {outcome.written} pages written to {out_dir}, "
        f"{outcome.failed} failed"
    )
    if outcome.error:
        click.echo(f"scrapegate: {outcome.error}", err=True)
    sys.exit(outcome.exit_code)
