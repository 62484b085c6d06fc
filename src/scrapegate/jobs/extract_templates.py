"""Extraction templates: the built-in profiles (id = slug) and each organization's saved schemas."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import orjson

from scrapegate.domain.extraction_records import ExtractionTemplate
from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.records import new_id, utcnow
from scrapegate.domain.request_fields import FieldReader
from scrapegate.domain.request_rules import MAX_SCHEMA_BYTES, PROFILES
from scrapegate.domain.schema_check import schema_problem
from scrapegate.errors import Forbidden, InvalidRequest, NotFound, QuotaExceeded
from scrapegate.extract.profile_schemas import DESCRIPTIONS, NAMES, profile_schema
from scrapegate.storage.extraction_protocol import ExtractionTemplateRepository

MAX_NAME_CHARS = 100
MAX_DESCRIPTION_CHARS = 500
MAX_TEMPLATES = 100


@dataclass(frozen=True)
class TemplateView:
    """A template as the routes show it; built-ins have no creation time."""

    id: str
    name: str
    description: str | None
    schema: JsonObject
    builtin: bool
    created_at: datetime | None


@dataclass(frozen=True)
class TemplateList:
    templates: list[TemplateView]
    total: int


@dataclass(frozen=True)
class ResolvedTemplate:
    """What an ``extraction_template`` stands for: a profile (built-in) or a saved schema."""

    profile: str | None = None
    schema: JsonObject | None = None


@dataclass(frozen=True)
class NewTemplate:
    name: str
    schema: JsonObject
    description: str | None


def builtin_view(slug: str) -> TemplateView:
    return TemplateView(
        id=slug,
        name=NAMES[slug],
        description=DESCRIPTIONS[slug],
        schema=profile_schema(slug),
        builtin=True,
        created_at=None,
    )


def saved_view(template: ExtractionTemplate) -> TemplateView:
    return TemplateView(
        id=template.id,
        name=template.name,
        description=template.description,
        schema=template.schema,
        builtin=False,
        created_at=template.created_at,
    )


def _saved_id(value: str) -> str | None:
    """The canonical form of a template UUID, None for anything else."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def parse_new_template(body: object) -> NewTemplate:
    """``{"name", "schema", "description"?}``: the first broken rule answers 400."""
    if not isinstance(body, Mapping):
        raise InvalidRequest("Request body is not valid JSON")
    top = FieldReader(body)
    name = top.string("name", MAX_NAME_CHARS, f"name must be 1-{MAX_NAME_CHARS} characters")
    if name is None or not name.strip():
        raise top.error("name", f"name must be 1-{MAX_NAME_CHARS} characters")
    schema = top.raw("schema")
    if not isinstance(schema, dict):
        raise top.error("schema", "schema must be a JSON object")
    if len(orjson.dumps(schema)) > MAX_SCHEMA_BYTES:
        raise top.error("schema", f"schema must not exceed {MAX_SCHEMA_BYTES} bytes")
    problem = schema_problem(schema)
    if problem is not None:
        raise top.error("schema", f"schema is not a valid schema: {problem}")
    description = top.string(
        "description",
        MAX_DESCRIPTION_CHARS,
        f"description must be at most {MAX_DESCRIPTION_CHARS} characters",
    )
    return NewTemplate(name=name, schema=schema, description=description)


class TemplateService:
    def __init__(
        self,
        repository: ExtractionTemplateRepository,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._repository = repository
        self._clock = clock

    async def list_templates(self, org_id: str) -> TemplateList:
        views = [builtin_view(slug) for slug in PROFILES]
        views += [saved_view(t) for t in await self._repository.list_for_org(org_id)]
        return TemplateList(templates=views, total=len(views))

    async def create(self, org_id: str, new: NewTemplate) -> TemplateView:
        if await self._repository.count_for_org(org_id) >= MAX_TEMPLATES:
            raise QuotaExceeded(
                f"An organization can save at most {MAX_TEMPLATES} templates",
                {"limit": MAX_TEMPLATES},
            )
        template = ExtractionTemplate(
            id=new_id(),
            org_id=org_id,
            name=new.name,
            schema=new.schema,
            description=new.description,
            created_at=self._clock(),
        )
        return saved_view(await self._repository.create(template))

    async def get(self, org_id: str, template_id: str) -> TemplateView:
        if template_id in PROFILES:
            return builtin_view(template_id)
        return saved_view(await self._saved(org_id, template_id))

    async def delete(self, org_id: str, template_id: str) -> None:
        if template_id in PROFILES:
            raise Forbidden("Built-in templates cannot be deleted")
        saved_id = _saved_id(template_id)
        if saved_id is None or not await self._repository.delete(org_id, saved_id):
            raise NotFound("Template not found")

    async def resolve(self, org_id: str, template_id: str) -> ResolvedTemplate:
        """An ``extraction_template`` of a request; another organization's id is unknown."""
        if template_id in PROFILES:
            return ResolvedTemplate(profile=template_id)
        try:
            template = await self._saved(org_id, template_id)
        except NotFound:
            raise NotFound(
                f"Extraction template {template_id!r} not found",
                {"field": "extraction_template"},
            ) from None
        return ResolvedTemplate(schema=template.schema)

    async def _saved(self, org_id: str, template_id: str) -> ExtractionTemplate:
        saved_id = _saved_id(template_id)
        found = None if saved_id is None else await self._repository.get(org_id, saved_id)
        if found is None:
            raise NotFound("Template not found")
        return found
