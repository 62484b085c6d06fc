"""Embedded runs for the CLI: the server's services on throw-away memory storage, no API key."""

from __future__ import annotations

import secrets
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

import click

from scrapegate.config import ConfigError, Settings, get_settings
from scrapegate.errors import ScrapegateError

if TYPE_CHECKING:
    from scrapegate.api.services import Services
    from scrapegate.domain.principal import Principal
    from scrapegate.domain.validation_context import ValidationContext

EXIT_USAGE = 2


def settings_or_exit() -> Settings:
    """The process settings, or one line on stderr and exit 2 when the environment is invalid."""
    try:
        return get_settings()
    except ConfigError as exc:
        click.echo(f"scrapegate: {exc}", err=True)
        sys.exit(EXIT_USAGE)


def local_settings(settings: Settings, *, allow_private: bool, **overrides: Any) -> Settings:
    """Settings for an embedded run: billing off, no bootstrap key, nothing written to DATA_DIR.

    ``overrides`` replace fields of nested sections, e.g. ``jobs={"workers": 4}``.
    """
    update: dict[str, Any] = {
        "billing": settings.billing.model_copy(update={"enabled": False}),
        "bootstrap_api_key": None,
        # A random secret: an unset one would be generated and stored in DATA_DIR.
        "secret_key": settings.secret_key or secrets.token_urlsafe(32),
        "allow_private_networks": settings.allow_private_networks or allow_private,
    }
    for section, values in overrides.items():
        update[section] = getattr(settings, section).model_copy(update=values)
    return settings.model_copy(update=update)


def validation_for(settings: Settings) -> ValidationContext:
    """The same request rules the server applies, without building any service."""
    from scrapegate.api.job_side import build_validation, probe_capabilities

    return build_validation(settings, probe_capabilities(settings))


def error_line(exc: ScrapegateError) -> str:
    """One line for a refused request: code, text and the offending field when known."""
    field = (exc.details or {}).get("field")
    where = f" (field: {field})" if field else ""
    return f"scrapegate: {exc.code}: {exc.detail}{where}"


def exit_with_error(exc: ScrapegateError, code: int) -> NoReturn:
    click.echo(error_line(exc), err=True)
    sys.exit(code)


@dataclass(frozen=True)
class LocalRun:
    services: Services
    who: Principal


@asynccontextmanager
async def local_services(settings: Settings) -> AsyncIterator[LocalRun]:
    """Build and start the server's services on memory storage, with a local key's principal."""
    from scrapegate.api.app import build_services, start_services, stop_services
    from scrapegate.domain.principal import Principal
    from scrapegate.storage.memory import create_memory_storage

    storage = create_memory_storage()
    services = build_services(settings, storage)
    await start_services(services)
    try:
        minted = await services.keys.create_key(
            org_name="local", name="cli", scopes=("read", "write")
        )
        yield LocalRun(services, Principal(key=minted.key, org=minted.org))
    finally:
        await stop_services(services)
        await storage.close()
