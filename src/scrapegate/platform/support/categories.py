"""Ticket categories: the public list (#46) and the admin routes that manage them."""

from __future__ import annotations

import re
from typing import Any

from scrapegate.domain.records import new_id, utcnow
from scrapegate.domain.support_records import SupportCategory
from scrapegate.errors import Conflict, InvalidRequest, NotFound
from scrapegate.platform.support.access import is_uuid
from scrapegate.platform.support.fields import bool_field, json_object, required_text, text_field
from scrapegate.platform.support.views import CategoryList, category_list
from scrapegate.storage.support_protocol import SupportRepository

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_CATEGORY_NAME = 100
MAX_DESCRIPTION = 1_000


def sort_order_field(body: dict[str, Any], default: int) -> int:
    value = body.get("sort_order", default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
        raise InvalidRequest("sort_order must be an integer 0-1000000", field="sort_order")
    return value


class CategoryService:
    def __init__(self, repository: SupportRepository) -> None:
        self._repository = repository

    async def public(self) -> CategoryList:
        return category_list(await self._repository.categories(active_only=True))

    async def all(self) -> CategoryList:
        return category_list(await self._repository.categories(active_only=False))

    async def active_by_slug(self, slug: str | None) -> SupportCategory | None:
        """The category a ticket names; unknown or inactive slugs are a client error."""
        if slug is None:
            return None
        for category in await self._repository.categories(active_only=True):
            if category.slug == slug:
                return category
        raise InvalidRequest(f"Unknown category {slug!r}", field="category_slug")

    async def create(self, raw: Any) -> SupportCategory:
        body = json_object(raw)
        slug = required_text(body, "slug", 64)
        if not _SLUG.match(slug):
            raise InvalidRequest("slug must match ^[a-z0-9][a-z0-9-]{0,63}$", field="slug")
        category = SupportCategory(
            id=new_id(),
            slug=slug,
            name=required_text(body, "name", MAX_CATEGORY_NAME),
            description=text_field(body, "description", MAX_DESCRIPTION),
            sort_order=sort_order_field(body, 100),
            active=bool_field(body, "active", default=True),
            created_at=utcnow(),
        )
        if not await self._repository.add_category(category):
            raise Conflict(f"A category with slug {slug!r} exists.")
        return category

    async def update(self, category_id: str, raw: Any) -> SupportCategory:
        body = json_object(raw)
        found = {c.id: c for c in await self._repository.categories(active_only=False)}
        category = found.get(category_id) if is_uuid(category_id) else None
        if category is None:
            raise NotFound("Category not found")
        if "name" in body:
            category.name = required_text(body, "name", MAX_CATEGORY_NAME)
        if "description" in body:
            category.description = text_field(body, "description", MAX_DESCRIPTION)
        if "sort_order" in body:
            category.sort_order = sort_order_field(body, category.sort_order)
        if "active" in body:
            category.active = bool_field(body, "active")
        await self._repository.save_category(category)
        return category
