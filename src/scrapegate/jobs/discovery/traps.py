"""Crawler traps: infinite calendars, session ids, repeating paths and endless URL variants.

``looks_like_trap`` returns a short reason (stable strings the crawl may report) or None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, MutableMapping
from datetime import date
from urllib.parse import parse_qsl, unquote, urlsplit

MAX_URL_LENGTH = 2048
MAX_QUERY_PARAMS = 12
MAX_PATH_SEGMENTS = 20
MAX_SEGMENT_REPEATS = 2
MAX_FUTURE_MONTHS = 12  # calendars page forward forever; real content is rarely dated ahead
EARLIEST_YEAR = 1990  # ...and backwards: nothing on the web predates this
MAX_SAME_SHAPE = 500
# Names that carry a per-visitor session: every visit mints new URLs for the same pages.
SESSION_PARAM_NAMES = frozenset(
    {"sid", "sessid", "sessionid", "session_id", "session", "jsessionid", "phpsessid",
     "aspsessionid", "cfid", "cftoken", "zenid", "oscsid"}
)  # fmt: skip
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sessionid|sid)=", re.IGNORECASE)
_PATH_DATE = re.compile(r"(?<![\w-])(\d{4})/(\d{1,2})(?=/|$)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})(?:-\d{1,2})?(?!\d)")
_DIGITS = re.compile(r"\d+")


def looks_like_trap(
    url: str,
    *,
    seen_path_shapes: MutableMapping[str, int] | None = None,
    max_same_shape: int = MAX_SAME_SHAPE,
    today: date | None = None,
) -> str | None:
    """Why ``url`` looks like a crawler trap, or None.

    With ``seen_path_shapes`` (one mutable mapping per crawl), URLs that differ only in their
    numbers and query values are counted and refused past ``max_same_shape`` of one shape.
    """
    if len(url) > MAX_URL_LENGTH:
        return "url_too_long"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "malformed_url"
    params = parse_qsl(parts.query, keep_blank_values=True)
    if len(params) > MAX_QUERY_PARAMS:
        return "too_many_query_params"
    if _PATH_SESSION.search(parts.path) or any(
        name.lower() in SESSION_PARAM_NAMES for name, _ in params
    ):
        return "session_id"
    segments = [s for s in unquote(parts.path).split("/") if s]
    reason = _path_reason(segments)
    if reason is None:
        reason = _calendar_reason(parts.path, params, today or date.today())
    if reason is None and seen_path_shapes is not None:
        shape = path_shape(parts.hostname or "", parts.path, params)
        seen_path_shapes[shape] = seen_path_shapes.get(shape, 0) + 1
        if seen_path_shapes[shape] > max_same_shape:
            reason = "too_many_similar_urls"
    return reason


def _path_reason(segments: list[str]) -> str | None:
    if len(segments) > MAX_PATH_SEGMENTS:
        return "path_too_deep"
    counts: dict[str, int] = {}
    for segment in segments:
        counts[segment] = counts.get(segment, 0) + 1
        if counts[segment] > MAX_SEGMENT_REPEATS:
            return "repeating_path_segments"
    if _has_repeated_block(segments):
        return "repeating_path_segments"
    return None


def _has_repeated_block(segments: list[str]) -> bool:
    """A run of two or more segments immediately repeated: /a/b/a/b (relative-link loops)."""
    for size in range(2, len(segments) // 2 + 1):
        for start in range(len(segments) - 2 * size + 1):
            if segments[start : start + size] == segments[start + size : start + 2 * size]:
                return True
    return False


def _dates(path: str, params: list[tuple[str, str]]) -> Iterator[tuple[int, int]]:
    for match in _PATH_DATE.finditer(path):
        yield int(match.group(1)), int(match.group(2))
    for text in [path, *(value for _, value in params)]:
        for match in _ISO_DATE.finditer(text):
            yield int(match.group(1)), int(match.group(2))
    values = {name.lower(): value for name, value in params}
    year = values.get("year", "")
    if year.isdigit() and len(year) == 4:
        month = values.get("month", "1")
        yield int(year), int(month) if month.isdigit() else 1


def _calendar_reason(path: str, params: list[tuple[str, str]], today: date) -> str | None:
    now = today.year * 12 + today.month - 1
    for year, month in _dates(path, params):
        if not 1 <= month <= 12:
            continue  # "1234/56" is not a date
        months = year * 12 + month - 1
        if months - now > MAX_FUTURE_MONTHS or year < EARLIEST_YEAR:
            return "calendar_out_of_range"
    return None


def path_shape(host: str, path: str, params: list[tuple[str, str]]) -> str:
    """Host, path with numbers folded and the sorted query names: one shape per URL family."""
    names = ",".join(sorted({name for name, _ in params}))
    return f"{host.lower()}{_DIGITS.sub('0', path)}?{names}"
