"""The ``article`` and ``job_posting`` profiles: text-first pages."""

from __future__ import annotations

from scrapegate.domain.json_types import JsonObject, JsonValue
from scrapegate.extract.coerce import as_datetime, as_number, as_text, as_url, short_word
from scrapegate.extract.evidence import EvidenceLog, pointer
from scrapegate.extract.lookup import EntityRef, Found, Sources, dom_found, json_list
from scrapegate.extract.page_fields import (
    first_image,
    headline,
    main_body,
    names,
    split_keywords,
    summary,
)

ARTICLE_TYPES = (
    "NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle",
    "TechArticle", "ScholarlyArticle", "Report", "LiveBlogPosting", "OpinionNewsArticle",
)  # fmt: skip


def _get(entity: EntityRef | None, *keys: str) -> Found | None:
    return entity.get(*keys) if entity is not None else None


def _first_time(src: Sources) -> Found | None:
    times = src.facts.dom.times
    return dom_found(times[0].text, times[0].selector, times[0].snippet) if times else None


def article(src: Sources, log: EvidenceLog) -> JsonObject:
    entity = src.entity(*ARTICLE_TYPES)
    published = [
        _get(entity, "datePublished", "dateCreated"),
        src.meta("article:published_time", "datepublished", "date", "pubdate"),
        src.og("published_time"),
        _first_time(src),
    ]
    modified = [
        _get(entity, "dateModified"),
        src.meta("article:modified_time", "datemodified"),
        src.og("updated_time"),
    ]
    body = main_body(src)
    words = log.take("/word_count", body, lambda _: src.facts.word_count) if body else None
    return {
        "headline": log.first("/headline", headline(src, entity, "headline", "name"), as_text),
        "authors": json_list(_authors(src, log, entity)),
        "published_at": log.first("/published_at", published, as_datetime),
        "modified_at": log.first("/modified_at", modified, as_datetime),
        "section": log.first(
            "/section", [_get(entity, "articleSection"), src.meta("article:section")], as_text
        ),
        "tags": json_list(_tags(src, log, entity)),
        "summary": log.first("/summary", summary(src, entity), as_text),
        "body_markdown": log.take("/body_markdown", body, as_text_block),
        "word_count": words,
        "image": first_image(src, log, entity, "/image"),
    }


def as_text_block(value: JsonValue) -> str | None:
    """Markdown kept as written (line breaks matter)."""
    return value.strip() or None if isinstance(value, str) else None


def _authors(src: Sources, log: EvidenceLog, entity: EntityRef | None) -> list[str]:
    for found in (_get(entity, "author", "creator"), src.meta("author", "article:author")):
        if found is not None and names(found.value):
            log.note("/authors", found)
            return names(found.value)
    return []


def _tags(src: Sources, log: EvidenceLog, entity: EntityRef | None) -> list[str]:
    tag_list = src.facts.meta.get("article:tag")
    candidates = [_get(entity, "keywords"), src.meta("article:tag"), src.meta("keywords")]
    for found in candidates:
        if found is None:
            continue
        value: JsonValue = found.value
        if found.evidence.path == "article:tag" and isinstance(tag_list, list):
            value = list(tag_list)
        tags = split_keywords(value)
        if tags:
            log.note("/tags", found)
            return tags
    return []


def job_posting(src: Sources, log: EvidenceLog) -> JsonObject:
    job = src.entity("JobPosting")
    body = main_body(src)
    apply = src.facts.dom.apply_links
    apply_found = dom_found(apply[0].url, apply[0].selector, apply[0].text) if apply else None
    return {
        "title": log.first("/title", headline(src, job, "title", "name"), as_text),
        "company": log.first(
            "/company", [_get(job, "hiringOrganization.name", "hiringOrganization")], as_text
        ),
        "location": log.take("/location", _location(job), as_text),
        "remote": log.take("/remote", _get(job, "jobLocationType"), _telecommute),
        "employment_type": log.take("/employment_type", _get(job, "employmentType"), as_text),
        "salary": _salary(log, job),
        "posted_at": log.take("/posted_at", _get(job, "datePosted"), as_datetime),
        "valid_through": log.take("/valid_through", _get(job, "validThrough"), as_datetime),
        "description_markdown": log.take("/description_markdown", body, as_text_block),
        "apply_url": log.first("/apply_url", [apply_found], lambda v: as_url(v, src.facts.url)),
    }


def _telecommute(value: JsonValue) -> bool | None:
    text = as_text(value)
    return short_word(text) == "telecommute" if text else None


def _location(job: EntityRef | None) -> Found | None:
    """``"Berlin, BE, DE"`` from the first ``jobLocation`` address."""
    address = job.child("jobLocation") if job is not None else None
    found = address.get("address") if address is not None else None
    if found is None:
        return _get(job, "applicantLocationRequirements.name", "applicantLocationRequirements")
    value = found.value
    if isinstance(value, dict):
        keys = ("addressLocality", "addressRegion", "addressCountry")
        parts = [text for k in keys if (text := as_text(value.get(k)))]
        value = ", ".join(parts) or None
    return Found(value, found.evidence)


def _salary(log: EvidenceLog, job: EntityRef | None) -> JsonObject | None:
    pay = job.child("baseSalary") if job is not None else None
    if pay is None:
        return None
    amount = pay.child("value")
    single = amount.get("value") if amount is not None else pay.get("value")
    low = amount.get("minValue") if amount is not None else None
    high = amount.get("maxValue") if amount is not None else None
    period = amount.get("unitText") if amount is not None else None
    salary: JsonObject = {
        "min": log.first("/salary/min", [low, single], as_number),
        "max": log.first("/salary/max", [high, single], as_number),
        "currency": log.take("/salary/currency", pay.get("currency"), as_text),
        "period": log.take(
            pointer("salary", "period"), period, lambda v: (as_text(v) or "").lower() or None
        ),
    }
    return salary if any(v is not None for v in salary.values()) else None
