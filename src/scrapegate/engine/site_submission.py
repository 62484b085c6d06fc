"""Validation of a client-submitted site report.

Nothing in a submission is fetched or trusted: it is checked for shape and limits and stored.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapegate.domain.records import Report, new_id, utcnow
from scrapegate.engine.site_score import grade_for
from scrapegate.errors import InvalidRequest

MAX_BODY_BYTES = 256 * 1024
MAX_URL_CHARS = 2048
MAX_DOMAIN_CHARS = 253
MAX_TITLE_CHARS = 1000
LIST_LIMITS = {"signals": 200, "anti_bot_stack": 50, "api_endpoints": 100}
OBJECT_FIELDS = ("tech_stack", "pagination", "meta", "estimated_credits")
FLAG_FIELDS = ("has_login_wall", "has_cookie_gate")


def _required_text(body: dict[str, Any], name: str, limit: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{name} is required and must be a non-empty string", name)
    if len(value) > limit:
        raise InvalidRequest(f"{name} must be at most {limit} characters", name)
    return value.strip()


def _url_and_domain(body: dict[str, Any]) -> tuple[str, str]:
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


def _score(body: dict[str, Any]) -> int:
    value = body.get("score")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise InvalidRequest("score is required and must be an integer from 0 to 100", "score")
    return value


def _list_of_objects(body: dict[str, Any], name: str, limit: int) -> list[dict[str, Any]]:
    value = body.get(name, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InvalidRequest(f"{name} must be an array of objects", name)
    if len(value) > limit:
        raise InvalidRequest(f"{name} must hold at most {limit} items", name, limit=limit)
    return value


def _object(body: dict[str, Any], name: str) -> dict[str, Any]:
    value = body.get(name, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidRequest(f"{name} must be an object", name)
    return value


def _optional_fields(body: dict[str, Any]) -> dict[str, Any]:
    title = body.get("title")
    if title is not None and (not isinstance(title, str) or len(title) > MAX_TITLE_CHARS):
        raise InvalidRequest(f"title must be a string of at most {MAX_TITLE_CHARS} chars", "title")
    cookies = body.get("cookie_count", 0)
    if isinstance(cookies, bool) or not isinstance(cookies, int) or cookies < 0:
        raise InvalidRequest("cookie_count must be a non-negative integer", "cookie_count")
    fields: dict[str, Any] = {"title": title, "cookie_count": cookies}
    for name in FLAG_FIELDS:
        flag = body.get(name, False)
        if not isinstance(flag, bool):
            raise InvalidRequest(f"{name} must be a boolean", name)
        fields[name] = flag
    return fields


def parse_submitted_report(body: Any) -> Report:
    """A ``submitted`` report from a request body; ``InvalidRequest`` names the first bad field."""
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    url, domain = _url_and_domain(body)
    score = _score(body)
    fields = _optional_fields(body)
    for name, limit in LIST_LIMITS.items():
        fields[name] = _list_of_objects(body, name, limit)
    for name in OBJECT_FIELDS:
        fields[name] = _object(body, name)
    return Report(
        id=new_id(),
        source="submitted",
        domain=domain,
        url=url,
        score=score,
        grade=grade_for(score),
        created_at=utcnow(),
        **fields,
    )
