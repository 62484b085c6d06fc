"""Conversion runners: one contract for the thread and the process pool, and the pool's life."""

from __future__ import annotations

import asyncio
import os
import pickle
import select
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from scrapegate.cli.local import local_services, local_settings
from scrapegate.config import Settings
from scrapegate.convert import ConvertOptions, convert_document
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.pricing import PriceTable
from scrapegate.domain.scrape_document import scrape_result_document
from scrapegate.domain.scrape_model import SectionFilter
from scrapegate.domain.scrape_request import ValidationContext, parse_scrape_request
from scrapegate.engine.classify import classify_response
from scrapegate.engine.conversion_runners import (
    ConversionRunner,
    ProcessPoolConversionRunner,
    ThreadConversionRunner,
    conversion_runner,
)
from scrapegate.engine.conversion_task import PageAnalysis, PageToAnalyse, PageToConvert
from scrapegate.engine.engine import ScrapeContext, ScrapeEngine
from scrapegate.fetchers import build_fetchers
from scrapegate.storage.memory import create_memory_storage

GOLDEN = Path(__file__).parent.parent / "convert" / "golden"
SAVED_PAGES = ("article", "tables", "cjk", "sections")
ALL_FORMATS = ("markdown", "text", "html", "json", "json_v2", "rag", "content")
OPTIONS = ConvertOptions(section_filter=SectionFilter(min_content_blocks=1))
PAGE_URL = "https://example.com/guides/page.html"
# Modules a conversion process must never load: they belong to the server, not to conversion.
SERVER_MODULES = ("fastapi", "starlette", "sqlalchemy", "curl_cffi", "httpx", "playwright")
SERVER_PACKAGES = ("scrapegate.api", "scrapegate.jobs", "scrapegate.storage", "scrapegate.fetchers")


def saved_page(name: str, formats: tuple[str, ...] = ALL_FORMATS) -> PageToConvert:
    text = (GOLDEN / f"{name}.html").read_text(encoding="utf-8")
    return PageToConvert(text, "text/html", PAGE_URL, formats, OPTIONS)


def alive(pid: int) -> bool:
    """Running, not a zombie: a killed process may wait a moment for its parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.fixture(params=["thread", "pool"])
async def runner(request: pytest.FixtureRequest) -> AsyncIterator[ConversionRunner]:
    chosen: ConversionRunner = (
        ThreadConversionRunner() if request.param == "thread" else ProcessPoolConversionRunner(2)
    )
    await chosen.start()
    try:
        yield chosen
    finally:
        await chosen.aclose()


@pytest.fixture
async def pool() -> AsyncIterator[ProcessPoolConversionRunner]:
    started = ProcessPoolConversionRunner(2)
    await started.start()
    try:
        yield started
    finally:
        await started.aclose()


@pytest.mark.parametrize("name", SAVED_PAGES)
async def test_runner_converts_like_the_pipeline(runner: ConversionRunner, name: str) -> None:
    page = saved_page(name)
    expected = convert_document(
        page.text, media_type=page.media_type, url=page.url, formats=page.formats, options=OPTIONS
    )
    assert await runner.convert(page) == expected


async def test_runner_classifies_and_converts_in_one_task(runner: ConversionRunner) -> None:
    page = saved_page("article")
    headers = {"content-type": "text/html"}
    analysis = await runner.analyse(PageToAnalyse(200, headers, page))
    assert analysis == PageAnalysis(
        classify_response(200, headers, page.text), await runner.convert(page)
    )


async def test_a_page_the_engine_will_not_use_is_classified_not_converted(
    runner: ConversionRunner,
) -> None:
    block = "<html><body><h1>Access denied</h1><p>Your request was blocked.</p></body></html>"
    page = PageToConvert(block, "text/html", PAGE_URL, ("markdown",), OPTIONS)
    analysis = await runner.analyse(PageToAnalyse(403, {"content-type": "text/html"}, page))
    assert analysis.classification.kind == "block"
    assert analysis.converted is None


def test_a_page_pickles_without_growing_its_text() -> None:
    text = "é" * 100_000 + "\udcff"  # non-ASCII, and a lone surrogate as decoders may leave
    page = PageToConvert(text, "text/html", PAGE_URL, ("markdown",), OPTIONS)
    size = sys.getsizeof(text)
    assert pickle.loads(pickle.dumps(page)) == page
    assert sys.getsizeof(text) == size  # no UTF-8 copy cached on the fetched page's text


async def test_runner_converts_text_documents(runner: ConversionRunner) -> None:
    page = PageToConvert('{"a": 1}', "application/json", PAGE_URL, ("markdown",), OPTIONS)
    converted = await runner.convert(page)
    assert '"a": 1' in converted.markdown


async def test_pool_starts_one_process_per_requested_worker(
    pool: ProcessPoolConversionRunner,
) -> None:
    pids = pool.worker_pids()
    assert len(pids) == 2
    assert os.getpid() not in pids
    assert all(alive(pid) for pid in pids)


async def test_pool_processes_load_no_server_code(pool: ProcessPoolConversionRunner) -> None:
    assert pool._pool is not None
    # eval pickles by reference and runs in the child: it reports the child's own sys.modules.
    loaded = await pool_eval(pool, "sorted(__import__('sys').modules)")
    assert "scrapegate.convert.pipeline" in loaded and "lxml.etree" in loaded
    assert not [m for m in loaded if m.split(".")[0] in SERVER_MODULES]
    assert not [m for m in loaded if m.startswith(SERVER_PACKAGES)]


async def pool_eval(pool: ProcessPoolConversionRunner, expression: str) -> Any:

    assert pool._pool is not None
    return await asyncio.wrap_future(pool._pool.submit(eval, expression))


async def test_pool_survives_a_killed_process(pool: ProcessPoolConversionRunner) -> None:
    page = saved_page("article", ("markdown",))
    expected = await ThreadConversionRunner().convert(page)
    os.kill(pool.worker_pids()[0], signal.SIGKILL)
    # Whether the survivor or a new pool converts them depends on when the pool notices.
    assert [await pool.convert(page) for _ in range(4)] == [expected] * 4


async def test_pool_with_every_process_killed_is_replaced(
    pool: ProcessPoolConversionRunner,
) -> None:
    page = saved_page("article", ("markdown",))
    expected = await ThreadConversionRunner().convert(page)
    victims = pool.worker_pids()
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    # No process is left to convert it: the pool must break, be replaced and try again.
    assert await pool.convert(page) == expected
    assert pool.worker_pids()
    assert not set(victims) & set(pool.worker_pids())
    assert not [pid for pid in victims if alive(pid)]


async def test_shutdown_leaves_no_process(pool: ProcessPoolConversionRunner) -> None:
    await pool.convert(saved_page("article", ("markdown",)))
    pids = pool.worker_pids()
    assert pids
    await pool.aclose()
    assert not [pid for pid in pids if alive(pid)]
    assert pool.worker_pids() == []
    # A late page after shutdown is still converted, in a thread, without a new pool.
    assert (await pool.convert(saved_page("article", ("markdown",)))).markdown
    assert pool.worker_pids() == []


async def test_pool_that_cannot_start_converts_in_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = ProcessPoolConversionRunner(2)

    def no_processes() -> Any:
        raise OSError("no processes for you")

    monkeypatch.setattr(runner, "_new_pool", no_processes)
    await runner.start()
    page = saved_page("article", ("markdown",))
    assert await runner.convert(page) == await ThreadConversionRunner().convert(page)
    assert runner.worker_pids() == []
    await runner.aclose()


def test_setting_chooses_the_runner() -> None:
    assert isinstance(conversion_runner(0), ThreadConversionRunner)
    default = conversion_runner(None)
    assert isinstance(default, ProcessPoolConversionRunner)
    assert default.processes == len(os.sched_getaffinity(0))


async def test_engine_converts_through_the_injected_pool(
    pool: ProcessPoolConversionRunner, fixture_site: Any
) -> None:
    policy, prices = NetPolicy(allow_private=True), PriceTable.defaults()
    req = parse_scrape_request(
        {"url": fixture_site.url("/article"), "formats": ["markdown", "json"]},
        ValidationContext(policy=policy, prices=prices),
    )
    responses = []
    for conversions in (ThreadConversionRunner(), pool):
        fetchers = build_fetchers(None)
        playbook = create_memory_storage().playbook
        engine = ScrapeEngine(fetchers, prices, policy, playbook, conversions=conversions)
        try:
            outcome = await engine.scrape(req, ScrapeContext(org_id="org"))
        finally:
            for fetcher in fetchers.values():
                await fetcher.aclose()
        responses.append(scrape_result_document(outcome.result))
    thread_response, pool_response = responses
    assert pool_response["content"] == thread_response["content"]
    assert pool_response["content_quality"] == thread_response["content_quality"]
    assert pool_response["title"] == thread_response["title"]
    assert "# " in pool_response["content"]["markdown"]


async def test_server_services_start_and_stop_the_pool(tmp_path: Path) -> None:
    settings = local_settings(
        Settings(data_dir=tmp_path), allow_private=True, convert={"processes": 1}
    )
    async with local_services(settings) as run:
        conversions = run.services.engine.conversions
        assert isinstance(conversions, ProcessPoolConversionRunner)
        pids = conversions.worker_pids()
        assert len(pids) == 1 and alive(pids[0])
    assert not alive(pids[0])


SERVER_SCRIPT = """
import asyncio, threading
from scrapegate.engine.conversion_runners import ProcessPoolConversionRunner
import multiprocessing.forkserver as forkserver, multiprocessing.resource_tracker as tracker

async def main():
    runner = ProcessPoolConversionRunner(2)
    await runner.start()
    helpers = [forkserver._forkserver._forkserver_pid, tracker._resource_tracker._pid]
    print(*runner.worker_pids(), *helpers, flush=True)
    threading.Event().wait()

asyncio.run(main())
"""


def wait_for_exit(pid: int, limit_s: float) -> bool:
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([pidfd], [], [], limit_s)[0])
    finally:
        os.close(pidfd)


def test_a_killed_server_leaves_no_conversion_process() -> None:
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER_SCRIPT], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    pids = [int(pid) for pid in server.stdout.readline().split()]
    server.stdout.close()
    assert len(pids) == 4
    server.kill()
    server.wait()
    # Each exits on the server's exit (no polling): the limit only bounds a broken run.
    assert [pid for pid in pids if not wait_for_exit(pid, 60.0)] == []


class CountingRunner(ThreadConversionRunner):
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def convert(self, page: PageToConvert) -> Any:
        self.calls.append("convert")
        return await super().convert(page)

    async def analyse(self, task: PageToAnalyse) -> PageAnalysis:
        self.calls.append("analyse")
        return await super().analyse(task)


async def test_an_accepted_page_crosses_to_the_converter_once(fixture_site: Any) -> None:
    """Classification, conversion and (for crawls) links come from one task on one parse."""
    policy, prices = NetPolicy(allow_private=True), PriceTable.defaults()
    req = parse_scrape_request(
        {"url": fixture_site.url("/article")}, ValidationContext(policy=policy, prices=prices)
    )
    runner = CountingRunner()
    fetchers = build_fetchers(None)
    engine = ScrapeEngine(
        fetchers, prices, policy, create_memory_storage().playbook, conversions=runner
    )
    try:
        outcome = await engine.scrape(req, ScrapeContext(org_id="org", discover_links=True))
    finally:
        for fetcher in fetchers.values():
            await fetcher.aclose()
    assert runner.calls == ["analyse"]
    assert outcome.links  # the article links somewhere; taken from the converter's parse
    assert all(link.startswith("http") for link in outcome.links)
