"""schema.org entities from JSON-LD, microdata and RDFa (JSON whose shape the page decides)."""

from __future__ import annotations

import logging

import orjson
from lxml import etree

from scrapegate.convert.dom import text_of
from scrapegate.domain.json_types import JsonObject, JsonValue

Element = etree._Element
logger = logging.getLogger(__name__)

MAX_ENTITIES = 200


def _type_name(value: str) -> str:
    """``https://schema.org/Product`` -> ``Product``."""
    return value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _flatten(node: JsonValue, out: list[JsonObject]) -> None:
    if isinstance(node, list):
        for item in node:
            _flatten(item, out)
    elif isinstance(node, dict):
        graph = node.get("@graph")
        if graph is not None:
            _flatten(graph, out)
            return
        entity = {k: v for k, v in node.items() if k != "@context"}
        if entity:
            out.append(entity)


def json_ld_entities(root: Element) -> list[JsonObject]:
    entities: list[JsonObject] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            logger.debug("unparseable JSON-LD block skipped")
            continue
        _flatten(data, entities)
    return entities[:MAX_ENTITIES]


def _microdata_value(el: Element) -> JsonValue:
    if el.get("itemscope") is not None:
        return _microdata_item(el)
    for attr in ("content", "href", "src", "datetime", "value"):
        value = el.get(attr)
        if value is not None:
            return value.strip()
    return " ".join(text_of(el).split())


def _microdata_item(item: Element) -> JsonObject:
    entity: JsonObject = {}
    itemtype = (item.get("itemtype") or "").split()
    if itemtype:
        entity["@type"] = _type_name(itemtype[0])
    stack = list(reversed(item))
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        prop = el.get("itemprop")
        if prop:
            value = _microdata_value(el)
            for name in prop.split():
                _put(entity, name, value)
        if el.get("itemscope") is None:
            stack.extend(reversed(el))
    return entity


def _put(entity: JsonObject, key: str, value: JsonValue) -> None:
    if key not in entity:
        entity[key] = value
        return
    existing = entity[key]
    if isinstance(existing, list):
        existing.append(value)
    else:
        entity[key] = [existing, value]


def microdata_entities(root: Element) -> list[JsonObject]:
    found: list[JsonObject] = []
    for item in root.iterfind(".//*[@itemscope]"):
        if item.get("itemprop") is not None:
            continue  # a property of an enclosing item
        entity = _microdata_item(item)
        if len(entity) > 1 or "@type" not in entity:
            found.append(entity)
        if len(found) >= MAX_ENTITIES:
            break
    return found


def rdfa_entities(root: Element) -> list[JsonObject]:
    found: list[JsonObject] = []
    for item in root.iterfind(".//*[@typeof]"):
        types = (item.get("typeof") or "").split()
        if not types:  # typeof="" names no type: not an entity
            continue
        entity: JsonObject = {"@type": _type_name(types[0])}
        for el in item.iterfind(".//*[@property]"):
            name = (el.get("property") or "").split(":")[-1]
            if name:
                _put(entity, name, _microdata_value(el))
        found.append(entity)
        if len(found) >= MAX_ENTITIES:
            break
    return found


def all_entities(root: Element) -> list[JsonObject]:
    """Every JSON-LD (``@graph`` flattened, ``@context`` removed), microdata and RDFa entity."""
    return json_ld_entities(root) + microdata_entities(root) + rdfa_entities(root)


def entity_types(entity: JsonObject) -> list[str]:
    raw = entity.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return [_type_name(v) for v in values if isinstance(v, str)]


def _as_text(value: JsonValue) -> str | None:
    if isinstance(value, list):
        for item in value:
            text = _as_text(item)
            if text:
                return text
        return None
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("@value"))
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        return text or None
    return None


def first_value(entities: list[JsonObject], key: str) -> str | None:
    """The first entity value for ``key`` as text (names of nested objects)."""
    for entity in entities:
        if key in entity:
            text = _as_text(entity[key])
            if text:
                return text
    return None
