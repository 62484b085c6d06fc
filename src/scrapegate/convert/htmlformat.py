"""The ``html`` format: main-content HTML reduced to allow-listed tags and attributes."""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from urllib.parse import urljoin

from lxml import etree

from scrapegate.convert.dom import drop
from scrapegate.convert.markdown import image_source

Element = etree._Element

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "address", "article", "b", "bdi", "bdo", "blockquote", "br", "caption",
        "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
        "li", "main", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span",
        "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
        "tr", "u", "ul", "var", "wbr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = frozenset(
    {"href", "src", "alt", "title", "colspan", "rowspan", "lang", "datetime"}
)
UNSAFE_SCHEMES = ("javascript:", "vbscript:")


def _sanitise(el: Element, base_url: str, drop_data_images: bool) -> None:
    if el.tag == "img":
        src = image_source(el)  # lazy-loading attributes hold the real source
        if src:
            el.set("src", src)
    for name in list(el.attrib):
        if name not in ALLOWED_ATTRIBUTES:
            del el.attrib[name]
    for name in ("href", "src"):
        value = el.get(name)
        if value is None:
            continue
        value = value.strip()
        if value.lower().startswith(UNSAFE_SCHEMES):
            del el.attrib[name]
        elif value.startswith("data:"):
            if drop_data_images:
                del el.attrib[name]
        else:
            try:
                el.set(name, urljoin(base_url, value))
            except ValueError:
                del el.attrib[name]


def clean_html(roots: Iterable[Element], base_url: str, *, drop_data_images: bool) -> str:
    """Serialise copies of ``roots`` with unknown tags unwrapped and attributes filtered."""
    wrapper = etree.Element("div")
    for root in roots:
        copy = deepcopy(root)
        copy.tail = None
        wrapper.append(copy)
    unknown = {el.tag for el in wrapper.iter() if isinstance(el.tag, str)} - ALLOWED_TAGS
    unknown.discard("div")
    if unknown:
        etree.strip_tags(wrapper, *unknown)
    for el in wrapper.iter():
        if el.attrib:
            _sanitise(el, base_url, drop_data_images)
    for img in list(wrapper.iter("img")):
        if img.get("src") is None:
            drop(img)
    inner = (wrapper.text or "") + "".join(
        etree.tostring(child, method="html", encoding="unicode") for child in wrapper
    )
    return inner.strip()
