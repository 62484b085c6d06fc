"""Every seed route of AlterLab's API reference is in our OpenAPI document, with its method and
the reference's parameter names (path, query or body), read from the spec text at run time."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.api.app import create_app
from scrapegate.config import Settings
from tests.api.reference_routes import ReferenceRoute, reference_routes

# Artefacts of AlterLab's server framework: accepted and ignored, never required (platform-api).
FRAMEWORK_ARTEFACTS = {"args", "kwargs"}
ROUTES = reference_routes()


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("openapi"), secret_key="k" * 40)
    openapi: dict[str, Any] = create_app(settings).openapi()
    return openapi


def operation_of(document: dict[str, Any], route: ReferenceRoute) -> dict[str, Any]:
    operation: dict[str, Any] | None = (
        document["paths"].get(route.path, {}).get(route.method.lower())
    )
    assert operation is not None, f"{route.method} {route.path} is missing"
    return operation


def body_fields(document: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    fields: set[str] = set()
    for content in operation.get("requestBody", {}).get("content", {}).values():
        schema = content.get("schema", {})
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        fields |= set(schema.get("properties", {}))
    return fields


def test_the_reference_lists_66_routes() -> None:
    assert len(ROUTES) == 66
    assert len({(r.method, r.path) for r in ROUTES}) == 66


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_route_is_served_with_the_reference_parameters(
    document: dict[str, Any], route: ReferenceRoute
) -> None:
    operation = operation_of(document, route)
    declared = {p["name"]: p for p in operation.get("parameters", [])}
    path_params = {name for name, p in declared.items() if p["in"] == "path"}
    assert path_params == route.path_params
    wanted = [p for p in route.params if p not in route.path_params]
    if route.method in ("GET", "DELETE"):
        query = {name for name, p in declared.items() if p["in"] == "query"}
        missing = [p for p in wanted if p not in query and p not in FRAMEWORK_ARTEFACTS]
        artefacts_required = [p for p in FRAMEWORK_ARTEFACTS if declared.get(p, {}).get("required")]
        assert not artefacts_required
    else:
        fields = body_fields(document, operation)
        missing = [p for p in wanted if p not in fields]
    assert not missing, f"{route.method} {route.path} lacks {missing}"
