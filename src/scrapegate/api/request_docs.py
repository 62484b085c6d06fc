"""Request bodies of routes that validate raw JSON themselves, described for the OpenAPI document.

Those routes read the body with our own validators (exact error codes and field names)
instead of pydantic models, so FastAPI cannot see their fields; this table documents them
and ``install_request_docs`` merges it into the generated schema.
"""

from __future__ import annotations

from typing import Any, get_args

from fastapi import FastAPI

from scrapegate.domain.feedback_records import IssueType
from scrapegate.domain.support_records import TicketPriority, TicketSource

STR, INT, BOOL, OBJ, ARR = "string", "integer", "boolean", "object", "array"
# The enums come from the records the routes validate against, so the two cannot drift apart.
FEEDBACK_TYPES = list(get_args(IssueType))
PRIORITIES = list(get_args(TicketPriority))
SOURCES = list(get_args(TicketSource))

# (method, path) -> (required fields, optional fields); a field is a JSON type or an enum list.
Fields = dict[str, str | list[str]]
JSON_BODIES: dict[tuple[str, str], tuple[Fields, Fields]] = {
    ("post", "/api/v1/analytics/events"): ({"events": ARR}, {}),
    ("post", "/api/v1/blog/comments"): (
        {"post_id": STR, "content": STR},
        {
            "parent_id": STR,
            "author_name": STR,
            "author_email": STR,
            "author_website": STR,
            "website_url": STR,
        },
    ),
    ("post", "/api/v1/blog/posts/{slug}/react"): ({}, {"reaction": STR}),
    ("post", "/api/v1/feedback/scrape"): (
        {"job_id": STR, "issue_type": FEEDBACK_TYPES},
        {"description": STR, "expected_content": STR},
    ),
    ("post", "/api/v1/notifications/dismiss"): ({"notification_id": STR}, {}),
    ("post", "/api/v1/oauth/authorize"): (
        {"client_id": STR, "redirect_uri": STR, "state": STR},
        {"scope": STR, "source": STR, "code_challenge": STR, "code_challenge_method": ["S256"]},
    ),
    ("post", "/api/v1/oauth/token"): (
        {
            "grant_type": ["authorization_code"],
            "code": STR,
            "client_id": STR,
            "client_secret": STR,
            "redirect_uri": STR,
        },
        {"code_verifier": STR},
    ),
    ("post", "/api/v1/reports"): (
        {"domain": STR, "url": STR, "score": INT},
        {
            "title": STR,
            "signals": ARR,
            "anti_bot_stack": ARR,
            "tech_stack": OBJ,
            "pagination": OBJ,
            "api_endpoints": ARR,
            "meta": OBJ,
            "cookie_count": INT,
            "has_login_wall": BOOL,
            "has_cookie_gate": BOOL,
            "estimated_credits": OBJ,
        },
    ),
    ("post", "/api/v1/support/kb/{slug}/helpful"): ({"helpful": BOOL}, {}),
    ("patch", "/api/v1/support/preferences"): (
        {},
        {"email_admin_reply": BOOL, "email_status_change": BOOL, "email_resolved": BOOL},
    ),
    ("post", "/api/v1/support/tickets"): (
        {"subject": STR, "body": STR},
        {
            "category_slug": STR,
            "priority": PRIORITIES,
            "source": SOURCES,
            "ticket_metadata": OBJ,
            "attachments": ARR,
        },
    ),
    ("post", "/api/v1/support/tickets/public"): (
        {"name": STR, "email": STR, "subject": STR, "message": STR},
        {"category_slug": STR, "website": STR},
    ),
    ("patch", "/api/v1/support/tickets/{ticket_id}/mute"): ({"muted": BOOL}, {}),
    ("post", "/api/v1/support/tickets/{ticket_id}/replies"): (
        {"body": STR},
        {"is_internal_note": BOOL, "attachments": ARR},
    ),
    ("post", "/api/v1/support/tickets/{ticket_id}/satisfaction"): (
        {"rating": INT},
        {"comment": STR},
    ),
    ("post", "/api/v1/unsubscribe"): ({"uid": STR, "type": STR, "token": STR}, {}),
}
MULTIPART_BODIES: dict[tuple[str, str], tuple[Fields, Fields]] = {
    ("post", "/api/v1/support/upload"): ({"file": STR}, {"ticket_id": STR}),
}


def _schema(required: Fields, optional: Fields, *, binary: str | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name, kind in {**required, **optional}.items():
        if isinstance(kind, list):
            properties[name] = {"type": "string", "enum": kind}
        elif name == binary:
            properties[name] = {"type": "string", "format": "binary"}
        else:
            properties[name] = {"type": kind}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def _bodies() -> dict[tuple[str, str], dict[str, Any]]:
    bodies = {
        route: {"content": {"application/json": {"schema": _schema(*fields)}}}
        for route, fields in JSON_BODIES.items()
    }
    for route, fields in MULTIPART_BODIES.items():
        schema = _schema(*fields, binary="file")
        bodies[route] = {"content": {"multipart/form-data": {"schema": schema}}}
    return bodies


def install_request_docs(app: FastAPI) -> None:
    """Wrap ``app.openapi`` so the generated document carries the bodies above."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        for (method, path), body in _bodies().items():
            operation = document.get("paths", {}).get(path, {}).get(method)
            if operation is not None and "requestBody" not in operation:
                operation["requestBody"] = {"required": True, **body}
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
