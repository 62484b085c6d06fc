"""Where a schema field's value is looked for: an entity, the whole page, or one DOM record.

Field names are matched exactly, then case-insensitively, then ignoring ``_``/``-``
(``image_url`` ~ ``imageUrl``), then through known aliases (``price`` <- ``offers.price``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol, TypeAlias

from scrapegate.domain.json_types import JsonValue
from scrapegate.extract.coerce import currency_of
from scrapegate.extract.lookup import EntityRef, Found, Sources, dom_found, present
from scrapegate.extract.page_fields import h1, main_body, page_title, page_url
from scrapegate.extract.schema_aliases import (
    ENTITY_ALIASES,
    ENTITY_LIST_ALIASES,
    ENTITY_TYPE_NAMES,
    RECORD_ALIASES,
    dom_records,
)

NON_WORD = re.compile(r"[^a-z0-9]")
OTHER_ENTITY_CONFIDENCE = 0.8


def norm(name: str) -> str:
    return NON_WORD.sub("", name.lower())


def matching_keys(name: str, keys: list[str]) -> list[str]:
    """Keys of an object naming the field: exact, case-insensitive, then normalised."""
    found = [k for k in keys if k == name]
    found += [k for k in keys if k != name and k.lower() == name.lower()]
    found += [k for k in keys if k not in found and norm(k) == norm(name)]
    return found


class Scope(Protocol):
    def candidates(self, name: str) -> Iterator[Found]: ...

    def child(self, name: str) -> Scope | None: ...

    def items(self, name: str) -> list[Item]: ...


Item: TypeAlias = "Scope | Found"


class EntityScope:
    """Inside one schema.org object."""

    def __init__(self, ref: EntityRef) -> None:
        self.ref = ref

    def _paths(self, name: str, aliases: dict[str, tuple[str, ...]]) -> list[str]:
        keys = [k for k in self.ref.data if not k.startswith("@")]
        return [*matching_keys(name, keys), *aliases.get(norm(name), ())]

    def candidates(self, name: str) -> Iterator[Found]:
        for path in self._paths(name, ENTITY_ALIASES):
            found = self.ref.get(path)
            if found is not None:
                yield found

    def child(self, name: str) -> Scope | None:
        for path in self._paths(name, ENTITY_ALIASES):
            ref = self.ref.child(path)
            if ref is not None:
                return EntityScope(ref)
        return None

    def items(self, name: str) -> list[Item]:
        for path in self._paths(name, ENTITY_LIST_ALIASES):
            found = self.ref.get(path)
            if found is None:
                continue
            objects = self.ref.children(path)
            if objects and all(isinstance(v, dict) for v in _as_list(found.value)):
                return [EntityScope(ref) for ref in objects]
            return [found]
        return []


def _as_list(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else [value]


class RecordScope:
    """One DOM find (a listing card, an FAQ pair, a banner) as named values."""

    def __init__(self, values: dict[str, Found]) -> None:
        self.values = values

    def candidates(self, name: str) -> Iterator[Found]:
        keys = list(self.values)
        for key in [*matching_keys(name, keys), *RECORD_ALIASES.get(norm(name), ())]:
            found = self.values.get(key)
            if found is not None and present(found.value):
                yield found

    def child(self, name: str) -> Scope | None:
        return None

    def items(self, name: str) -> list[Item]:
        return []


class PageScope:
    """The whole page: the primary entity, OpenGraph and meta tags, page facts, the DOM."""

    def __init__(self, src: Sources, primary: EntityRef | None) -> None:
        self.src = src
        self.primary = EntityScope(primary) if primary is not None else None

    def candidates(self, name: str) -> Iterator[Found]:
        if self.primary is not None:
            yield from self.primary.candidates(name)
        yield from self._tags(name)
        yield from (found for found in _page_values(self.src, norm(name)) if found is not None)
        for ref in self.src.all_entities():
            for key in matching_keys(name, [k for k in ref.data if not k.startswith("@")]):
                found = ref.get(key)
                if found is not None:
                    yield _less_sure(found)

    def _tags(self, name: str) -> Iterator[Found]:
        facts = self.src.facts
        for key in matching_keys(name, list(facts.open_graph)):
            found = self.src.og(key)
            if found is not None:
                yield found
        for key in matching_keys(name, list(facts.meta)):
            found = self.src.meta(key)
            if found is not None:
                yield found

    def child(self, name: str) -> Scope | None:
        if self.primary is not None:
            inner = self.primary.child(name)
            if inner is not None:
                return inner
        typed = self.src.entity(*ENTITY_TYPE_NAMES.get(norm(name), (name[:1].upper() + name[1:],)))
        return EntityScope(typed) if typed is not None else None

    def items(self, name: str) -> list[Item]:
        if self.primary is not None:
            found = self.primary.items(name)
            if found:
                return found
        singular = name[:-1] if name.endswith("s") else name
        typed = self.src.entities(*ENTITY_TYPE_NAMES.get(norm(singular), ()))
        if typed:
            return [EntityScope(ref) for ref in typed]
        records = dom_records(self.src, norm(name))
        if records is not None:
            return [RecordScope(values) for values in records]
        lists: list[Item] = [f for f in _page_lists(self.src, norm(name)) if f is not None]
        return lists[:1]


def _less_sure(found: Found) -> Found:
    evidence = found.evidence
    confidence = min(evidence.confidence, OTHER_ENTITY_CONFIDENCE)
    return Found(
        found.value, type(evidence)(evidence.source, evidence.path, evidence.snippet, confidence)
    )


BODY_NAMES = frozenset(
    {"body", "content", "markdown", "bodymarkdown", "text", "maincontent", "articlebody"}
)


def _page_values(src: Sources, name: str) -> list[Found | None]:
    """Page-level values a field name asks for (after the primary entity and the tags)."""
    facts = src.facts
    if name in ("title", "name", "headline"):
        return [src.og("title"), h1(src), page_title(src)]
    if name in ("description", "summary", "excerpt"):
        return [src.meta("description"), src.og("description"), src.twitter("description")]
    if name in ("url", "link", "canonicalurl", "href"):
        return page_url(src, None)
    if name in ("image", "imageurl", "thumbnail", "ogimage"):
        return [src.og("image"), src.twitter("image"), *_dom_images(src)]
    if name in ("author", "authorname", "byline"):
        return [src.meta("author", "article:author")]
    if name in ("publishedat", "datepublished", "date", "publishdate", "published", "pubdate"):
        return [src.meta("article:published_time", "date", "pubdate"), *_dom_times(src)]
    if name in ("modifiedat", "datemodified", "updatedat", "lastmodified"):
        return [src.meta("article:modified_time"), src.og("updated_time")]
    if name in ("section", "category"):
        return [src.meta("article:section")]
    if name in ("sitename", "site", "publisher"):
        return [src.og("site_name")]
    if name in ("language", "lang", "locale") and facts.language:
        return [dom_found(facts.language, "html", f'<html lang="{facts.language}">', 0.9)]
    if name in BODY_NAMES:
        return [main_body(src)]
    if name == "wordcount" and facts.main_markdown:
        return [dom_found(facts.word_count, "body", facts.main_text, 0.7)]
    return _product_values(src, name)


def _product_values(src: Sources, name: str) -> list[Found | None]:
    if name in ("price", "amount"):
        return [src.og("price:amount"), src.meta("product:price:amount"), *_dom_prices(src)]
    if name in ("currency", "pricecurrency"):
        return [src.og("price:currency"), src.meta("product:price:currency"), *_dom_currency(src)]
    if name in ("availability", "instock", "available", "stock"):
        return [src.og("availability"), src.meta("product:availability")]
    if name == "brand":
        return [src.og("brand"), src.meta("product:brand")]
    return []


def _dom_images(src: Sources) -> list[Found | None]:
    return [dom_found(i.url, i.selector, i.text or i.url) for i in src.facts.dom.images[:1]]


def _dom_prices(src: Sources) -> list[Found | None]:
    return [dom_found(p.text, p.selector, p.snippet) for p in src.facts.dom.prices[:1]]


def _dom_currency(src: Sources) -> list[Found | None]:
    found: list[Found | None] = []
    for price in src.facts.dom.prices[:1]:
        code = currency_of(price.text)
        if code:
            found.append(dom_found(code, price.selector, price.snippet))
    return found


def _dom_times(src: Sources) -> list[Found | None]:
    return [dom_found(t.text, t.selector, t.snippet) for t in src.facts.dom.times[:1]]


def _page_lists(src: Sources, name: str) -> list[Found | None]:
    """A list-valued page field (tags, images) as one Found holding the list."""
    facts = src.facts
    if name in ("tags", "keywords") and facts.keywords:
        return [src.meta("keywords")]
    if name in ("images", "imageurls", "photos"):
        images = src.og_list("image")
        if images:
            return [Found([f.value for f in images], images[0].evidence)]
        dom = facts.dom.images
        if dom:
            return [dom_found([i.url for i in dom], dom[0].selector, dom[0].text or dom[0].url)]
    if name in ("headings", "sections") and facts.headings:
        first = facts.headings[0]
        return [dom_found([h.text for h in facts.headings], first.selector, first.text)]
    return []
