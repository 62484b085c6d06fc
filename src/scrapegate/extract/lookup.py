"""Finding values in PageFacts, each with its provenance.

A ``Found`` is a raw value (not yet coerced) and the evidence of where it came from; every
extraction step reads the page only through these lookups, so nothing is ever invented.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from scrapegate.domain.extraction import EvidenceSource, FieldEvidence
from scrapegate.domain.json_types import JsonObject, JsonValue
from scrapegate.domain.page_facts import MetaValues, PageFacts

SNIPPET_CHARS = 200
MAX_NESTING = 6
SCHEMA_ORG_CONFIDENCE = 1.0
NESTED_CONFIDENCE = 0.95
OPEN_GRAPH_CONFIDENCE = 0.9
META_CONFIDENCE = 0.8


@dataclass(frozen=True, slots=True)
class Found:
    value: JsonValue
    evidence: FieldEvidence


def json_list(values: Sequence[JsonValue]) -> list[JsonValue]:
    """A list of strings (or objects) as the JSON list an output holds."""
    return list(values)


def cut(text: str) -> str:
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"


def json_snippet(key: str, value: JsonValue) -> str:
    """``"price": "129.00"``: the key and value as the page's JSON states them."""
    return cut(f"{json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}")


def present(value: JsonValue) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def short_type(value: str) -> str:
    return value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def types_of(data: JsonObject) -> list[str]:
    raw = data.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return [short_type(v) for v in values if isinstance(v, str)]


@dataclass(frozen=True, slots=True)
class EntityRef:
    """A schema.org object and where it sits ("" for a top-level entity)."""

    data: JsonObject
    path: str = ""
    confidence: float = SCHEMA_ORG_CONFIDENCE

    def get(self, *paths: str) -> Found | None:
        """The first of the dotted ``paths`` holding a value (lists: their first item)."""
        for path in paths:
            found = self._walk(path)
            if found is not None:
                return found
        return None

    def _walk(self, path: str) -> Found | None:
        node: JsonValue = self.data
        trail: list[str] = [self.path] if self.path else []
        key = path
        for key in path.split("."):
            if isinstance(node, list):
                node = next((item for item in node if present(item)), None)
                if trail:
                    trail[-1] += "[0]"
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
            trail.append(key)
        if not present(node):
            return None
        evidence = FieldEvidence(
            "schema_org", ".".join(trail), json_snippet(key, node), self.confidence
        )
        return Found(node, evidence)

    def child(self, path: str) -> EntityRef | None:
        found = self.get(path)
        if found is None:
            return None
        value = found.value
        if isinstance(value, list):
            value = next((item for item in value if isinstance(item, dict)), None)
        if not isinstance(value, dict):
            return None
        return EntityRef(value, found.evidence.path or path, self.confidence)

    def children(self, path: str) -> list[EntityRef]:
        """The objects of a list (or single object) at ``path``, each with its index."""
        found = self.get(path)
        if found is None:
            return []
        base = found.evidence.path or path
        value = found.value
        if isinstance(value, dict):
            return [EntityRef(value, base, self.confidence)]
        if not isinstance(value, list):
            return []
        return [
            EntityRef(item, f"{base}[{i}]", self.confidence)
            for i, item in enumerate(value)
            if isinstance(item, dict)
        ]


class Sources:
    """The lookups over one page's facts."""

    def __init__(self, facts: PageFacts) -> None:
        self.facts = facts
        self._all = list(self._walk_entities())

    def _walk_entities(self) -> Iterator[EntityRef]:
        for entity in self.facts.entities:
            yield EntityRef(entity.data, "")
            yield from _nested(entity.data, "", 0)

    def entities(self, *types: str) -> list[EntityRef]:
        """Top-level and nested schema.org objects of one of ``types``, in page order."""
        wanted = set(types)
        return [ref for ref in self._all if wanted & set(types_of(ref.data))]

    def entity(self, *types: str) -> EntityRef | None:
        for name in types:  # the caller's order is its preference
            found = self.entities(name)
            if found:
                return found[0]
        return None

    def all_entities(self) -> list[EntityRef]:
        return [ref for ref in self._all if not ref.path]

    def og(self, *keys: str) -> Found | None:
        return _tag(self.facts.open_graph, keys, "og:", "property", "open_graph")

    def twitter(self, *keys: str) -> Found | None:
        return _tag(self.facts.twitter, keys, "twitter:", "name", "meta")

    def meta(self, *keys: str) -> Found | None:
        return _tag(self.facts.meta, keys, "", "name", "meta")

    def og_list(self, key: str) -> list[Found]:
        value = self.facts.open_graph.get(key)
        values = value if isinstance(value, list) else [value] if value else []
        return [_tag_found(f"og:{key}", v, "property", "open_graph") for v in values if v.strip()]


def _nested(node: JsonValue, path: str, depth: int) -> Iterator[EntityRef]:
    """Typed objects inside an entity (``mainEntity``, ``itemListElement``...)."""
    if depth > MAX_NESTING:
        return
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _nested(item, f"{path}[{i}]", depth + 1)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        child_path = f"{path}.{key}" if path else key
        if isinstance(value, dict) and types_of(value):
            yield EntityRef(value, child_path, NESTED_CONFIDENCE)
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict) and types_of(item):
                    yield EntityRef(item, f"{child_path}[{i}]", NESTED_CONFIDENCE)
        yield from _nested(value, child_path, depth + 1)


def _tag(
    tags: MetaValues, keys: tuple[str, ...], prefix: str, attribute: str, source: EvidenceSource
) -> Found | None:
    for key in keys:
        value = tags.get(key)
        first = value[0] if isinstance(value, list) and value else value
        if isinstance(first, str) and first.strip():
            return _tag_found(f"{prefix}{key}", first, attribute, source)
    return None


def _tag_found(name: str, content: str, attribute: str, source: EvidenceSource) -> Found:
    if ":" in name:  # OpenGraph-style keys (article:, product:) are set with property=
        attribute = "property"
    markup = f'<meta {attribute}="{name}" content="{content}">'
    confidence = OPEN_GRAPH_CONFIDENCE if source == "open_graph" else META_CONFIDENCE
    return Found(" ".join(content.split()), FieldEvidence(source, name, cut(markup), confidence))


def dom_found(value: JsonValue, selector: str, snippet: str, confidence: float = 0.6) -> Found:
    return Found(value, FieldEvidence("dom", None, cut(snippet), confidence, selector))
