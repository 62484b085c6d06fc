"""Links and images of a page with their roles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypedDict
from urllib.parse import urljoin, urlsplit

from lxml import etree

from scrapegate.convert.dom import text_of
from scrapegate.convert.markdown import image_source

Element = etree._Element

NAV_TAGS = frozenset({"nav", "header", "footer", "menu"})
NAV_HINT = re.compile(r"nav|menu|breadcrumb|footer|header|masthead|topbar")
CTA_TEXT = re.compile(
    r"\b(?:buy|shop now|sign ?up|register|subscribe|download|contact|add to (?:cart|bag|basket)|"
    r"get started|start (?:free|now|trial)|order now|book now|join|try (?:it )?free)\b",
    re.IGNORECASE,
)
CTA_CLASS = re.compile(r"\b(?:btn|button|cta)\b")
SOCIAL_HOSTS = (
    "facebook.com", "twitter.com", "x.com", "instagram.com", "linkedin.com", "youtube.com",
    "tiktok.com", "pinterest.com", "reddit.com", "mastodon.social", "threads.net", "github.com",
    "t.me", "wa.me", "whatsapp.com", "bsky.app",
)  # fmt: skip
LOGO_HINT = "logo"
HERO_MIN_WIDTH = 600


@dataclass
class LinkRecord:
    element: Element
    url: str
    text: str
    in_nav: bool
    cta: bool


@dataclass
class ImageRecord:
    element: Element
    url: str
    alt: str
    in_nav: bool
    width: int


class LinkEntry(TypedDict):
    """A link as ``json_v2`` lists it."""

    url: str
    text: str
    type: str  # anchor, mailto, tel, internal or external
    role: str  # social, nav, cta, content or unknown


class ContentLink(TypedDict):
    """A link as the ``content`` format lists it (no ``type``)."""

    url: str
    text: str
    role: str


class ImageEntry(TypedDict):
    url: str
    alt: str
    role: str  # logo, hero, content or unknown


def _in_nav(el: Element) -> bool:
    for ancestor in el.iterancestors():
        if ancestor.tag in NAV_TAGS or ancestor.get("role") == "navigation":
            return True
        cls = ancestor.get("class") or ancestor.get("id")
        if cls and NAV_HINT.search(cls.lower()):
            return True
    return False


def collect_links(body: Element, base_url: str) -> list[LinkRecord]:
    records: list[LinkRecord] = []
    for a in body.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith("javascript:"):
            continue
        text = " ".join(text_of(a).split()) or (a.get("aria-label") or "").strip()
        if not text:
            img = a.find(".//img")
            text = " ".join((img.get("alt") or "").split()) if img is not None else ""
        try:
            url = href if href.startswith("#") else urljoin(base_url, href)
        except ValueError:
            continue
        cta = bool(CTA_CLASS.search((a.get("class") or "").lower()) or CTA_TEXT.search(text))
        records.append(LinkRecord(a, url, text, _in_nav(a), cta))
    return records


def collect_images(body: Element, base_url: str, drop_data: bool) -> list[ImageRecord]:
    records: list[ImageRecord] = []
    for img in body.iter("img"):
        src = image_source(img)
        if not src or (drop_data and src.startswith("data:")):
            continue
        url = src if src.startswith("data:") else urljoin(base_url, src)
        try:
            width = int((img.get("width") or "0").strip().rstrip("px") or 0)
        except ValueError:
            width = 0
        alt = " ".join((img.get("alt") or "").split())
        records.append(ImageRecord(img, url, alt, _in_nav(img), width))
    return records


def link_type(url: str, base_url: str) -> str:
    lowered = url.lower()
    if lowered.startswith("#") or (url.split("#")[0] == base_url.split("#")[0] and "#" in url):
        return "anchor"
    if lowered.startswith("mailto:"):
        return "mailto"
    if lowered.startswith("tel:"):
        return "tel"
    host = urlsplit(url).hostname or ""
    base_host = urlsplit(base_url).hostname or ""
    return "internal" if _site(host) == _site(base_host) else "external"


def _site(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def _is_social(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in SOCIAL_HOSTS)


def link_role(record: LinkRecord, in_main: bool) -> str:
    if _is_social(record.url):
        return "social"
    if record.in_nav:
        return "nav"
    if record.cta:
        return "cta"
    return "content" if in_main else "unknown"


def image_role(record: ImageRecord, in_main: bool, hero_taken: bool, og_image: str | None) -> str:
    hint = f"{record.alt} {record.url} {record.element.get('class') or ''}".lower()
    if record.in_nav or LOGO_HINT in hint:
        return "logo"
    if in_main and not hero_taken and (record.width >= HERO_MIN_WIDTH or record.url == og_image):
        return "hero"
    return "content" if in_main else "unknown"


def within(el: Element, roots: set[Element]) -> bool:
    if el in roots:
        return True
    return any(a in roots for a in el.iterancestors())


def describe_links(
    records: list[LinkRecord], roots: set[Element], base_url: str
) -> list[LinkEntry]:
    return [
        {
            "url": r.url,
            "text": r.text,
            "type": link_type(r.url, base_url),
            "role": link_role(r, within(r.element, roots)),
        }
        for r in records
    ]


def content_links(links: list[LinkEntry]) -> list[ContentLink]:
    return [{"url": link["url"], "text": link["text"], "role": link["role"]} for link in links]


def describe_images(
    records: list[ImageRecord], roots: set[Element], og_image: str | None
) -> list[ImageEntry]:
    described: list[ImageEntry] = []
    hero_taken = False
    for r in records:
        role = image_role(r, within(r.element, roots), hero_taken, og_image)
        hero_taken = hero_taken or role == "hero"
        described.append({"url": r.url, "alt": r.alt, "role": role})
    return described
