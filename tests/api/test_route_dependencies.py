"""Routes take typed dependencies (api/deps.py): all async, and few on the hot routes."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIWebSocketRoute

from scrapegate.api import app as app_module
from scrapegate.api.app import create_app
from scrapegate.config import Settings

HOT_ROUTES = {("POST", "/api/v1/scrape"), ("GET", "/api/v1/jobs/{job_id}")}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = Settings(data_dir=tmp_path_factory.mktemp("deps"), secret_key="k" * 40)
    return create_app(settings)


def dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from dependencies(sub)


def test_every_dependency_is_async(app: FastAPI) -> None:
    """A plain ``def`` dependency would run in the thread pool: a thread hop per request."""
    blocking = set()
    for route in app.routes:
        if isinstance(route, APIRoute | APIWebSocketRoute):
            for dep in dependencies(route.dependant):
                if dep.call is not None and not inspect.iscoroutinefunction(dep.call):
                    blocking.add(f"{route.path}: {dep.call.__qualname__}")
    assert not blocking


def test_hot_routes_keep_few_dependencies(app: FastAPI) -> None:
    for route in app.routes:
        if isinstance(route, APIRoute):
            for method in route.methods:
                if (method, route.path) in HOT_ROUTES:
                    assert len(route.dependant.dependencies) <= 3, route.path


def test_routes_do_not_reach_into_the_container() -> None:
    for module in app_module.ROUTERS:
        assert "services_of(" not in inspect.getsource(module), module.__name__
