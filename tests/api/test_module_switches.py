"""Optional modules switched off by the operator answer 404 on every route (platform-api intro)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.api.conftest import ADMIN_KEY
from tests.live_server import LiveServer

OFF = {"blog": False, "support": False, "analytics": False, "reports": False}
ROUTES = [
    ("GET", "/api/v1/blog/feed.xml", None),
    ("GET", "/api/v1/support/categories", None),
    ("GET", "/api/v1/support/kb/search?q=crawl", None),
    ("GET", "/api/v1/support/preferences", None),
    ("POST", "/api/v1/analytics/events", {"events": [{"name": "page_view"}]}),
    ("GET", "/api/v1/analytics/funnels", None),
    ("GET", "/api/v1/reports/00000000-0000-4000-8000-000000000000", None),
]


@pytest.fixture(scope="module")
def switched_off(server_factory: Callable[..., LiveServer]) -> LiveServer:
    return server_factory(modules=OFF)


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_a_module_switched_off_is_not_found(
    switched_off: LiveServer, method: str, path: str, body: object
) -> None:
    headers = {"X-API-Key": ADMIN_KEY}
    reply = httpx.request(method, switched_off.url + path, json=body, headers=headers)
    assert reply.status_code == 404, reply.text
    assert reply.json()["error"] == "NOT_FOUND"


def test_the_same_routes_answer_when_modules_are_on(server: LiveServer) -> None:
    headers = {"X-API-Key": ADMIN_KEY}
    assert httpx.get(server.url + "/api/v1/support/categories").status_code == 200
    assert httpx.get(server.url + "/api/v1/analytics/funnels", headers=headers).status_code == 200
    events = {"events": [{"name": "page_view"}]}
    assert httpx.post(server.url + "/api/v1/analytics/events", json=events).status_code < 300
