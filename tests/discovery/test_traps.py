"""looks_like_trap: calendars, session ids, repeating paths and endless variants are bounded."""

from __future__ import annotations

from datetime import date

import pytest

from scrapegate.jobs.discovery.traps import looks_like_trap, path_shape

TODAY = date(2026, 11, 27)

CASES = [
    # ordinary pages
    ("https://e.com/", None),
    ("https://e.com/blog/2019/05/my-post", None),  # old archives are real content
    ("https://e.com/events/2027/06", None),  # seven months ahead
    ("https://e.com/search?q=shoes&page=3", None),
    ("https://e.com/docs/api/api-reference", None),
    ("https://e.com/a/a/b", None),  # one repeat is allowed
    ("https://e.com/product/1234/56", None),  # month 56 is not a date
    # calendars
    ("https://e.com/calendar/2031/01", "calendar_out_of_range"),
    ("https://e.com/calendar/1899/12/31", "calendar_out_of_range"),
    ("https://e.com/cal?date=2099-01-01", "calendar_out_of_range"),
    ("https://e.com/cal?year=2040&month=3", "calendar_out_of_range"),
    ("https://e.com/agenda/2040-03", "calendar_out_of_range"),
    # session ids
    ("https://e.com/p?sid=abc123", "session_id"),
    ("https://e.com/p?PHPSESSID=abc", "session_id"),
    ("https://e.com/p;jsessionid=0A1B2C", "session_id"),
    ("https://e.com/p?x=1&sessionid=9", "session_id"),
    # repeating segments
    ("https://e.com/a/b/a/b/c", "repeating_path_segments"),
    ("https://e.com/x/x/x", "repeating_path_segments"),
    ("https://e.com/docs/v1/docs/v1/docs/v1/", "repeating_path_segments"),
    # size limits
    ("https://e.com/" + "/".join(f"s{n}" for n in range(25)), "path_too_deep"),
    ("https://e.com/" + "a" * 3000, "url_too_long"),
    ("https://e.com/f?" + "&".join(f"k{n}=v" for n in range(13)), "too_many_query_params"),
]


@pytest.mark.parametrize(("url", "reason"), CASES)
def test_trap_table(url: str, reason: str | None) -> None:
    assert looks_like_trap(url, today=TODAY) == reason


def test_same_shape_urls_are_bounded_per_crawl() -> None:
    seen: dict[str, int] = {}
    reasons = [
        looks_like_trap(f"https://e.com/item/{n}?page={n}", seen_path_shapes=seen, max_same_shape=3)
        for n in range(5)
    ]
    assert reasons == [None, None, None, "too_many_similar_urls", "too_many_similar_urls"]
    # another shape is counted apart
    other = looks_like_trap("https://e.com/tag/x", seen_path_shapes=seen, max_same_shape=3)
    assert other is None


def test_path_shape_folds_numbers_and_query_values() -> None:
    one = path_shape("E.com", "/item/12/page/3", [("b", "1"), ("a", "2")])
    two = path_shape("e.com", "/item/999/page/41", [("a", "x"), ("b", "y")])
    assert one == two == "e.com/item/0/page/0?a,b"
