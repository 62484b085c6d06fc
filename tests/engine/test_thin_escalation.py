"""Which thin pages the escalator sends towards a browser: the real tier-1 fetcher on loopback.

No browser tier is configured, so a page sent to rendering stops there as ``exhausted`` with
its tier-1 attempt marked ``thin_content`` (or ``js_shell``); an accepted page stops at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from scrapegate.convert import Converted, convert_document
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.pricing import PriceTable
from scrapegate.domain.scrape_request import ValidationContext, parse_scrape_request
from scrapegate.domain.tiers import Tier
from scrapegate.engine.attempts import FetchedPage
from scrapegate.engine.charging import UnlimitedGuard
from scrapegate.engine.escalation import EscalationRun, Escalator
from scrapegate.engine.planning import plan_tiers
from scrapegate.fetchers.tiers import CurlFetcher
from tests.engine import shell_pages as pages

POLICY = NetPolicy(allow_private=True)
PRICES = PriceTable.defaults()
CONTEXT = ValidationContext(policy=POLICY, prices=PRICES)
PAGES = {
    "/index": pages.INDEX_NO_SCRIPTS,
    "/index-data": pages.INDEX_DATA_ISLANDS,
    "/index-bundle": pages.INDEX_WITH_BUNDLE,
    "/next-shell": pages.NEXT_SHELL,
}


class Pages(BaseHTTPRequestHandler):
    served: ClassVar[dict[str, str]] = PAGES

    def do_GET(self) -> None:
        body = self.served[self.path].encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
async def escalator() -> AsyncIterator[Escalator]:
    fetcher = CurlFetcher()

    async def convert(page: FetchedPage) -> Converted | None:
        assert page.text is not None
        media = page.response.media_type
        return convert_document(
            page.text, media_type=media, url=page.response.url, formats=["markdown"]
        )

    yield Escalator({Tier.CURL: fetcher}, PRICES, POLICY, 50, convert)
    await fetcher.aclose()


async def escalate(escalator: Escalator, url: str) -> tuple[list[str], str | None, str | None]:
    """(outcome of each attempt, why escalation stopped, the accepted page's quality warning)."""
    req = parse_scrape_request({"url": url}, CONTEXT)
    run = EscalationRun(
        req=req,
        plan=plan_tiers(req, None),
        guard=UnlimitedGuard(),
        deadline=time.monotonic() + 60,
        addon_credits=0,
        budget_limited=False,
    )
    accepted = await escalator.run(run)
    return [a.outcome for a in run.attempts], run.stopped_by, accepted.quality_warning


@pytest.mark.parametrize("path", ["/index", "/index-data"])
async def test_thin_page_without_scripts_is_accepted_at_tier_one(
    escalator: Escalator, site: str, path: str
) -> None:
    outcomes, stopped_by, warning = await escalate(escalator, site + path)
    assert outcomes == ["success"]
    assert stopped_by is None
    assert warning == "THIN_CONTENT"


async def test_thin_page_with_a_bundle_is_sent_to_rendering(
    escalator: Escalator, site: str
) -> None:
    outcomes, stopped_by, warning = await escalate(escalator, site + "/index-bundle")
    assert outcomes == ["thin_content"]
    assert stopped_by == "exhausted"  # it went looking for tier 3.5
    assert warning == "THIN_CONTENT"


async def test_next_shell_is_sent_to_rendering(escalator: Escalator, site: str) -> None:
    outcomes, stopped_by, warning = await escalate(escalator, site + "/next-shell")
    assert outcomes == ["js_shell"]
    assert stopped_by == "exhausted"
    assert warning == "JS_SHELL"
