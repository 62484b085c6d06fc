"""Routes that read their body themselves still describe it in the OpenAPI document, from the
pydantic models beside their response models (api/*_models.py), with the validators' enums."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any, get_args

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from scrapegate.api.app import create_app
from scrapegate.config import Settings
from scrapegate.domain.feedback_records import IssueType
from scrapegate.domain.support_records import TicketPriority
from scrapegate.platform.support.fields import KEY_SOURCES
from scrapegate.platform.support_preferences import SWITCHES

WRITES = {"POST", "PUT", "PATCH"}
# These act on the resource in their path and read no body.
BODYLESS = {
    ("POST", "/api/v1/support/tickets/{ticket_id}/close"),
    ("POST", "/api/v1/support/tickets/{ticket_id}/reopen"),
}
# The fields a request must carry, per route (the rest are optional).
REQUIRED = {
    ("post", "/api/v1/scrape"): ["url"],
    ("post", "/api/v1/crawl"): ["url"],
    ("post", "/api/v1/map"): ["url"],
    ("post", "/api/v1/search"): ["query"],
    ("post", "/api/v1/search/batch"): ["queries"],
    ("post", "/api/v1/analytics/events"): ["events"],
    ("post", "/api/v1/blog/comments"): ["post_id", "content"],
    ("post", "/api/v1/blog/posts/{slug}/react"): [],
    ("post", "/api/v1/feedback/scrape"): ["job_id", "issue_type"],
    ("post", "/api/v1/notifications/dismiss"): ["notification_id"],
    ("post", "/api/v1/oauth/authorize"): ["client_id", "redirect_uri", "state"],
    ("post", "/api/v1/oauth/token"): [
        "grant_type",
        "code",
        "client_id",
        "client_secret",
        "redirect_uri",
    ],
    ("post", "/api/v1/reports"): ["domain", "url", "score"],
    ("post", "/api/v1/support/kb/{slug}/helpful"): ["helpful"],
    ("patch", "/api/v1/support/preferences"): [],
    ("post", "/api/v1/support/tickets"): ["subject", "body"],
    ("post", "/api/v1/support/tickets/public"): ["name", "email", "subject", "message"],
    ("patch", "/api/v1/support/tickets/{ticket_id}/mute"): ["muted"],
    ("post", "/api/v1/support/tickets/{ticket_id}/replies"): ["body"],
    ("post", "/api/v1/support/tickets/{ticket_id}/satisfaction"): ["rating"],
    ("post", "/api/v1/unsubscribe"): ["uid", "type", "token"],
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = Settings(data_dir=tmp_path_factory.mktemp("bodies"), secret_key="k" * 40)
    return create_app(settings)


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def write_routes(app: FastAPI) -> Iterator[tuple[str, str, APIRoute]]:
    for route in app.routes:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods & WRITES):
                yield method, route.path, route


def body_schema(document: dict[str, Any], method: str, path: str, media: str) -> dict[str, Any]:
    operation = document["paths"][path][method.lower()]
    schema: dict[str, Any] = operation["requestBody"]["content"][media]["schema"]
    return schema


def test_every_route_that_reads_a_body_documents_it(app: FastAPI, document: dict[str, Any]) -> None:
    undocumented = []
    for method, path, route in write_routes(app):
        operation = document["paths"][path][method.lower()]
        if (method, path) in BODYLESS:
            assert "read_json" not in inspect.getsource(route.endpoint), path
            assert "requestBody" not in operation, path
            continue
        content = operation.get("requestBody", {}).get("content", {})
        if not any(media.get("schema", {}).get("properties") for media in content.values()):
            undocumented.append(f"{method} {path}")
    assert not undocumented


def test_body_schemas_are_inlined(document: dict[str, Any]) -> None:
    """A ``$ref`` may only point at a component FastAPI registered."""
    components = set(document["components"]["schemas"])

    def refs(value: Any) -> Iterator[str]:
        if isinstance(value, dict):
            if isinstance(value.get("$ref"), str):
                yield value["$ref"]
            for item in value.values():
                yield from refs(item)
        elif isinstance(value, list):
            for item in value:
                yield from refs(item)

    dangling = {ref for ref in refs(document) if ref.rsplit("/", 1)[-1] not in components}
    assert not dangling
    assert "$defs" not in str(document)


@pytest.mark.parametrize(("method", "path"), sorted(REQUIRED))
def test_required_fields(document: dict[str, Any], method: str, path: str) -> None:
    schema = body_schema(document, method, path, "application/json")
    assert sorted(schema.get("required", [])) == sorted(REQUIRED[(method, path)])
    assert set(REQUIRED[(method, path)]) <= set(schema["properties"])


def test_enums_are_the_validators_choices(document: dict[str, Any]) -> None:
    feedback = body_schema(document, "POST", "/api/v1/feedback/scrape", "application/json")
    assert feedback["properties"]["issue_type"]["enum"] == list(get_args(IssueType))
    ticket = body_schema(document, "POST", "/api/v1/support/tickets", "application/json")
    assert ticket["properties"]["priority"]["enum"] == list(get_args(TicketPriority))
    assert ticket["properties"]["source"]["enum"] == list(KEY_SOURCES)


def test_preference_switches_match_the_validator(document: dict[str, Any]) -> None:
    schema = body_schema(document, "PATCH", "/api/v1/support/preferences", "application/json")
    assert set(schema["properties"]) == set(SWITCHES)
    assert schema["additionalProperties"] is False


def test_special_bodies(document: dict[str, Any]) -> None:
    react = document["paths"]["/api/v1/blog/posts/{slug}/react"]["post"]["requestBody"]
    assert react["required"] is False  # no body means a like
    token = document["paths"]["/api/v1/oauth/token"]["post"]["requestBody"]["content"]
    assert set(token) == {"application/json", "application/x-www-form-urlencoded"}
    upload = body_schema(document, "POST", "/api/v1/support/upload", "multipart/form-data")
    assert upload["properties"]["file"] == {"format": "binary", "title": "File", "type": "string"}
    assert upload["required"] == ["file"]
