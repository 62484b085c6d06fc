"""Validation of a client-submitted site report.

Nothing in a submission is fetched or trusted: it is checked for shape and limits and stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapegate.domain.json_types import JsonObject, JsonValue
from scrapegate.domain.records import Report, new_id, utcnow
from scrapegate.engine.site_score import grade_for
from scrapegate.errors import InvalidRequest

MAX_BODY_BYTES = 256 * 1024
MAX_URL_CHARS = 2048
MAX_DOMAIN_CHARS = 253
MAX_TITLE_CHARS = 1000
LIST_LIMITS = {"signals": 200, "anti_bot_stack": 50, "api_endpoints": 100}
OBJECT_FIELDS = ("tech_stack", "pagination", "meta", "estimated_credits")


@dataclass(frozen=True)
class _Details:
    """The optional scalar fields of a submission, validated."""

    title: str | None
    cookie_count: int
    has_login_wall: bool
    has_cookie_gate: bool


def _required_text(body: JsonObject, name: str, limit: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{name} is required and must be a non-empty string", name)
    if len(value) > limit:
        raise InvalidRequest(f"{name} must be at most {limit} characters", name)
    return value.strip()


def _url_and_domain(body: JsonObject) -> tuple[str, str]:
    url = _required_text(body, "url", MAX_URL_CHARS)
    domain = _required_text(body, "domain", MAX_DOMAIN_CHARS).lower().rstrip(".")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        raise InvalidRequest("url is not a valid URL", "url") from None
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidRequest("url must be an absolute http(s) URL", "url")
    if domain != host:
        raise InvalidRequest(f"domain must equal the URL's host ({host})", "domain")
    return url, domain


def _score(body: JsonObject) -> int:
    value = body.get("score")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise InvalidRequest("score is required and must be an integer from 0 to 100", "score")
    return value


def _list_of_objects(body: JsonObject, name: str, limit: int) -> list[JsonObject]:
    value = body.get(name, [])
    if value is None:
        return []
    objects = [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
    if not isinstance(value, list) or len(objects) != len(value):
        raise InvalidRequest(f"{name} must be an array of objects", name)
    if len(value) > limit:
        raise InvalidRequest(f"{name} must hold at most {limit} items", name, limit=limit)
    return objects


def _object(body: JsonObject, name: str) -> JsonObject:
    value = body.get(name, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidRequest(f"{name} must be an object", name)
    return value


def _flag(body: JsonObject, name: str) -> bool:
    flag = body.get(name, False)
    if not isinstance(flag, bool):
        raise InvalidRequest(f"{name} must be a boolean", name)
    return flag


def _details(body: JsonObject) -> _Details:
    title = body.get("title")
    if title is not None and (not isinstance(title, str) or len(title) > MAX_TITLE_CHARS):
        raise InvalidRequest(f"title must be a string of at most {MAX_TITLE_CHARS} chars", "title")
    cookies = body.get("cookie_count", 0)
    if isinstance(cookies, bool) or not isinstance(cookies, int) or cookies < 0:
        raise InvalidRequest("cookie_count must be a non-negative integer", "cookie_count")
    login_wall = _flag(body, "has_login_wall")
    return _Details(title, cookies, login_wall, _flag(body, "has_cookie_gate"))


def parse_submitted_report(body: JsonValue) -> Report:
    """A ``submitted`` report from a request body; ``InvalidRequest`` names the first bad field."""
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    url, domain = _url_and_domain(body)
    score = _score(body)
    details = _details(body)
    lists = {name: _list_of_objects(body, name, limit) for name, limit in LIST_LIMITS.items()}
    objects = {name: _object(body, name) for name in OBJECT_FIELDS}
    return Report(
        id=new_id(),
        source="submitted",
        domain=domain,
        url=url,
        score=score,
        grade=grade_for(score),
        title=details.title,
        signals=lists["signals"],
        anti_bot_stack=lists["anti_bot_stack"],
        tech_stack=objects["tech_stack"],
        pagination=objects["pagination"],
        api_endpoints=lists["api_endpoints"],
        meta=objects["meta"],
        cookie_count=details.cookie_count,
        has_login_wall=details.has_login_wall,
        has_cookie_gate=details.has_cookie_gate,
        estimated_credits=objects["estimated_credits"],
        created_at=utcnow(),
    )
