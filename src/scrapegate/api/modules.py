"""Operator switches for optional modules."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import Request

from scrapegate.api.services import services_of
from scrapegate.errors import NotFound

Module = Literal["blog", "support", "analytics", "reports"]


def module_switch(module: Module) -> Callable[[Request], Awaitable[None]]:
    """Router dependency: a module switched off looks like routes that do not exist (404)."""

    async def enabled(request: Request) -> None:
        if not getattr(services_of(request).settings.modules, module):
            raise NotFound("Not found")

    return enabled
