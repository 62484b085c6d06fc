"""The frontier settles each exact URL once: repeated navigation links cost nothing after."""

from __future__ import annotations

from scrapegate.domain.crawl_request import parse_crawl_request
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.pricing import PriceTable
from scrapegate.domain.scrape_request import ValidationContext
from scrapegate.jobs.crawl_frontier import CrawlFrontier


class CountingFrontier(CrawlFrontier):
    normalised: list[str]

    def key(self, url: str) -> str:
        self.normalised.append(url)
        return super().key(url)


def frontier() -> CountingFrontier:
    context = ValidationContext(policy=NetPolicy(allow_private=True), prices=PriceTable.defaults())
    req = parse_crawl_request({"url": "https://example.com/", "max_depth": 5}, context)
    counting = CountingFrontier(req, None)
    counting.normalised = []
    return counting


def test_each_exact_url_is_normalised_once_across_pages() -> None:
    front = frontier()
    nav = ["https://example.com/", "https://example.com/about", "https://example.com/blog"]
    first = front.candidates("c1", [(url, 1) for url in [*nav, "https://example.com/a"]])
    second = front.candidates("c1", [(url, 2) for url in [*nav, "https://example.com/b"]])
    assert [p.url for p in first] == [*nav, "https://example.com/a"]
    assert [p.url for p in second] == ["https://example.com/b"]
    assert sorted(front.normalised) == sorted(
        {*nav, "https://example.com/a", "https://example.com/b"}
    )


def test_a_variant_with_the_same_key_is_still_not_taken_twice() -> None:
    front = frontier()
    front.candidates("c1", [("https://example.com/x", 1)])
    again = front.candidates("c1", [("https://example.com/x#top", 1), ("https://EXAMPLE.com/x", 1)])
    assert again == []
