"""A served process freezes its start-up heap (short GC pauses); an app in a test does not.

The app runs on in-memory storage: an SQLite engine opened on the session's event loop could leave
a connection-closing task behind that the loop's final teardown then waits on forever."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from scrapegate.api.app import create_app
from scrapegate.storage.memory import create_memory_storage
from tests.api.conftest import make_settings


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process itself must stay collectable


@pytest.mark.parametrize("long_lived", [True, False])
async def test_startup_heap_is_frozen_only_when_long_lived(
    tmp_path: Path, long_lived: bool
) -> None:
    app = create_app(make_settings(tmp_path), create_memory_storage(), long_lived=long_lived)
    async with app.router.lifespan_context(app):
        frozen = gc.get_freeze_count()
    assert (frozen > 10_000) is long_lived
