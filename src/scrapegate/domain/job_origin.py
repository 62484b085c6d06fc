"""Where a job came from: the client, and the batch or crawl it belongs to (with a crawl page's
limits), kept beside the request on the job (``Job.origin``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

JobSource = Literal["api", "batch", "crawl"]


@dataclass(frozen=True)
class CrawlPageLimits:
    """A crawl's limits copied onto each page's job when queued, so any worker can apply them."""

    max_concurrency: int = 10
    host_interval_s: float = 0.0  # seconds between two requests of the crawl to one host
    follow_links: bool = False  # the crawl goes deeper than this page
    # None: queued before pages kept their links (the crawl's hook reads the raw HTML then).
    keep_raw_html: bool | None = None


@dataclass(frozen=True)
class JobOrigin:
    """Who asked for a job and the group it belongs to: none, a batch, or a crawl."""

    source_client: str | None = None  # X-AlterLab-Source, else User-Agent
    batch_id: str | None = None
    crawl_id: str | None = None
    depth: int = 0  # a crawl page's link distance from the start URL
    crawl_limits: CrawlPageLimits | None = None  # a crawl page's; None for other jobs

    @property
    def source(self) -> JobSource:
        return "crawl" if self.crawl_id else "batch" if self.batch_id else "api"
