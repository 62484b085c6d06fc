"""Extraction templates: built-ins by slug, saved ones per organization, used by /extract."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from scrapegate.domain.request_rules import PROFILES
from tests.api.conftest import new_key
from tests.live_server import LiveServer

TEMPLATES = "/api/v1/extract/templates"
SCHEMA = {
    "type": "object",
    "properties": {"title": {"type": "string"}, "price": {"type": "number"}},
    "required": ["title"],
}
PAGE = """<html><head><title>Blue Kettle</title>
<script type="application/ld+json">{"@type": "Product", "name": "Blue Kettle",
 "offers": {"price": "39.90", "priceCurrency": "GBP"}}</script></head>
<body><h1>Blue Kettle</h1><p>Boils fast.</p></body></html>"""


@pytest.fixture
def org(server: LiveServer, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """A client of a fresh organization (templates are per organization)."""
    key = new_key(server, f"tpl-{request.node.name}"[:60])
    with httpx.Client(base_url=server.url, headers={"X-API-Key": key}, timeout=60) as client:
        yield client


def save(client: httpx.Client, name: str, **extra: Any) -> httpx.Response:
    return client.post(TEMPLATES, json={"name": name, "schema": SCHEMA, **extra})


def test_builtins_come_first_then_saved_templates_by_name(org: httpx.Client) -> None:
    assert save(org, "zeta").status_code == 201
    assert save(org, "Alpha", description="first").status_code == 201
    body = org.get(TEMPLATES).json()
    ids = [t["id"] for t in body["templates"]]
    assert ids[: len(PROFILES)] == list(PROFILES)
    assert [t["name"] for t in body["templates"][len(PROFILES) :]] == ["Alpha", "zeta"]
    assert body["total"] == len(PROFILES) + 2
    product = body["templates"][PROFILES.index("product")]
    assert (product["builtin"], product["created_at"]) == (True, None)
    assert "price" in product["schema"]["properties"]


def test_save_get_and_delete(org: httpx.Client) -> None:
    response = save(org, "Kettles", description="kitchen pages")
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"{TEMPLATES}/{created['id']}"
    assert created["schema"] == SCHEMA
    assert (created["builtin"], created["description"]) == (False, "kitchen pages")
    assert created["created_at"].endswith("Z")
    assert org.get(f"{TEMPLATES}/{created['id']}").json() == created
    assert org.delete(f"{TEMPLATES}/{created['id']}").status_code == 204
    assert org.get(f"{TEMPLATES}/{created['id']}").status_code == 404
    assert org.delete(f"{TEMPLATES}/{created['id']}").status_code == 404


def test_builtin_by_slug_cannot_be_deleted(org: httpx.Client) -> None:
    faq = org.get(f"{TEMPLATES}/faq").json()
    assert (faq["id"], faq["builtin"]) == ("faq", True)
    response = org.delete(f"{TEMPLATES}/faq")
    assert response.status_code == 403
    assert response.json()["detail"] == "Built-in templates cannot be deleted"
    assert org.get(f"{TEMPLATES}/not-a-uuid").status_code == 404


def test_duplicate_name_conflicts(org: httpx.Client) -> None:
    assert save(org, "Twice").status_code == 201
    again = save(org, "Twice")
    assert (again.status_code, again.json()["error"]) == (409, "CONFLICT")


def test_another_organizations_template_is_not_found(server: LiveServer, org: httpx.Client) -> None:
    template_id = save(org, "Private").json()["id"]
    stranger = {"X-API-Key": new_key(server, "tpl-stranger")}
    with httpx.Client(base_url=server.url, headers=stranger, timeout=60) as other:
        assert other.get(f"{TEMPLATES}/{template_id}").status_code == 404
        assert other.delete(f"{TEMPLATES}/{template_id}").status_code == 404
        used = other.post(
            "/api/v1/extract", json={"content": PAGE, "extraction_template": template_id}
        )
        assert (used.status_code, used.json()["error"]) == (404, "NOT_FOUND")
        assert "Private" not in [t["name"] for t in other.get(TEMPLATES).json()["templates"]]
    assert org.get(f"{TEMPLATES}/{template_id}").status_code == 200


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"schema": SCHEMA}, "name must be 1-100 characters"),
        ({"name": "x" * 101, "schema": SCHEMA}, "name must be 1-100 characters"),
        ({"name": "n"}, "schema must be a JSON object"),
        ({"name": "n", "schema": ["string"]}, "schema must be a JSON object"),
        (
            {"name": "n", "schema": {"price": "money"}},
            'schema is not a valid schema: field "price" has unknown type "money"',
        ),
        (
            {"name": "n", "schema": SCHEMA, "description": "d" * 501},
            "description must be at most 500 characters",
        ),
    ],
)
def test_invalid_template_bodies(org: httpx.Client, body: dict[str, Any], detail: str) -> None:
    response = org.post(TEMPLATES, json=body)
    assert (response.status_code, response.json()["detail"]) == (400, detail)


def test_quota_of_one_hundred_templates(org: httpx.Client) -> None:
    for number in range(100):
        assert save(org, f"t{number:03d}").status_code == 201
    over = save(org, "one too many")
    assert (over.status_code, over.json()["error"]) == (403, "QUOTA_EXCEEDED")


def test_extract_with_a_saved_template_and_a_builtin_slug(org: httpx.Client) -> None:
    template_id = save(org, "Titles and prices").json()["id"]
    saved = org.post("/api/v1/extract", json={"content": PAGE, "extraction_template": template_id})
    assert saved.status_code == 200, saved.text
    assert saved.json()["extraction_result"] == {"title": "Blue Kettle", "price": 39.9}
    assert saved.json()["extraction_profile"] is None
    builtin = org.post("/api/v1/extract", json={"content": PAGE, "extraction_template": "product"})
    body = builtin.json()
    assert body["extraction_profile"] == "product"
    assert (body["extraction_result"]["price"], body["extraction_result"]["currency"]) == (
        39.9,
        "GBP",
    )
