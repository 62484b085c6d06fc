"""robots.txt rules in their stored form: a crawl keeps them so any process can apply them."""

from __future__ import annotations

from typing import Literal, TypedDict

RobotsStatus = Literal["ok", "missing", "server_error", "unreachable"]


class RobotsRecord(TypedDict):
    """What rebuilds the same rules without a fetch (``text`` is set when ``status`` is ok)."""

    status: RobotsStatus
    text: str | None
    crawl_delay: float | None
