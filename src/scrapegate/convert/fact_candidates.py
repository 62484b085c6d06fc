"""DOM candidates for extraction: prices, FAQ pairs, breadcrumbs, navigation, banners, promotions.

Heuristics over the whole parsed page (before main-content extraction prunes it); each find
keeps the selector of its element so extraction can say where a value came from.
"""

from __future__ import annotations

import re

from lxml import etree

from scrapegate.convert.fact_elements import (
    absolute,
    clean_text,
    css_path,
    first_heading,
    first_link,
    hint,
    image_url,
    inside,
    quick_text,
    snippet,
)
from scrapegate.domain.page_facts import (
    Banner,
    LinkCandidate,
    Promotion,
    QuestionAnswer,
    TextCandidate,
)

Element = etree._Element

MAX_CANDIDATES = 50
PRICE_TEXT_CHARS = 60
PRICE_LIKE = re.compile(
    r"(?:[$€£¥₹]|\b(?:USD|EUR|GBP|CHF|JPY|CAD|AUD)\b)\s?\d|\d[\d.,]*\s?(?:[$€£¥₹]|\b(?:USD|EUR|GBP|CHF)\b)"
)
STALE_PRICE = re.compile(r"\b(?:old|was|compare|regular|strike|original|before|list-price)\b")
NOT_A_PRICE = re.compile(r"price-?(?:label|filter|range|slider|table|list)|pricing")
CHROME_TAGS = frozenset({"nav", "header", "footer"})
BANNER_HINT = re.compile(r"hero|banner|slide|carousel|jumbotron|masthead-image|showcase")
COOKIE_HINT = re.compile(r"cookie|consent|gdpr")
PROMO_HINT = re.compile(r"promo|coupon|voucher|\bdeal|discount|\boffer|sale-banner|announcement")
CODE_HINT = re.compile(r"(?:promo|coupon|voucher|discount)[-_]?code|\bcode\b")
CODE_IN_TEXT = re.compile(r"\b(?:code|coupon)\s*:?\s*[\"“']?([A-Z0-9][A-Z0-9-]{2,19})\b")
APPLY_TEXT = re.compile(r"\bapply\b", re.IGNORECASE)
QUESTION_HINT = re.compile(r"question|faq-q|accordion-(?:header|title|button)")
ANSWER_HINT = re.compile(r"answer|faq-a|accordion-(?:body|content|panel)")
HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def price_candidates(root: Element) -> tuple[TextCandidate, ...]:
    """Current prices: elements marked as a price, or short texts that read like one."""
    found: list[TextCandidate] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("del", "s", "strike", "script", "style"):
            continue
        marks = hint(el)
        marked = "price" in marks and not NOT_A_PRICE.search(marks)
        own = " ".join((el.text or "").split())
        if not marked and not (own and len(own) <= PRICE_TEXT_CHARS and PRICE_LIKE.search(own)):
            continue
        if (
            STALE_PRICE.search(marks)
            or _has_marked_price(el)
            or inside(el, frozenset({"del", "s"}))
        ):
            continue
        text = el.get("content") or quick_text(el)
        if text and len(text) <= PRICE_TEXT_CHARS and any(ch.isdigit() for ch in text):
            found.append(TextCandidate(text, css_path(el), snippet(el)))
        if len(found) >= MAX_CANDIDATES:
            break
    return tuple(found)


def _has_marked_price(el: Element) -> bool:
    """A price wrapper whose children mark the price themselves: the children are the finds."""
    return any("price" in hint(child) for child in el.iterdescendants())


def faq_candidates(root: Element) -> tuple[QuestionAnswer, ...]:
    found = [*_details_pairs(root), *_definition_pairs(root), *_marked_pairs(root)]
    if not found:
        found = list(_heading_pairs(root))
    seen: set[str] = set()
    unique: list[QuestionAnswer] = []
    for pair in found:
        if pair.question not in seen:
            seen.add(pair.question)
            unique.append(pair)
    return tuple(unique[:MAX_CANDIDATES])


def _details_pairs(root: Element) -> list[QuestionAnswer]:
    pairs: list[QuestionAnswer] = []
    for details in root.iter("details"):
        summary = details.find("summary")
        if summary is None:
            continue
        question = quick_text(summary)
        whole = clean_text(details)
        answer = whole[len(question) :].strip() if whole.startswith(question) else whole
        if question and answer:
            pairs.append(QuestionAnswer(question, answer, css_path(details), snippet(details)))
    return pairs


def _definition_pairs(root: Element) -> list[QuestionAnswer]:
    pairs: list[QuestionAnswer] = []
    for term in root.iter("dt"):
        answer_el = term.getnext()
        question = quick_text(term)
        if answer_el is None or answer_el.tag != "dd" or not question.endswith("?"):
            continue
        answer = clean_text(answer_el)
        if answer:
            pairs.append(QuestionAnswer(question, answer, css_path(term), snippet(term)))
    return pairs


def _marked_pairs(root: Element) -> list[QuestionAnswer]:
    """``.question`` followed by ``.answer`` (accordions built from divs)."""
    pairs: list[QuestionAnswer] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag == "summary":
            continue
        marks = hint(el)
        if not marks or not QUESTION_HINT.search(marks) or ANSWER_HINT.search(marks):
            continue
        answer_el = el.getnext()
        if answer_el is None or not ANSWER_HINT.search(hint(answer_el)):
            continue
        question, answer = quick_text(el), clean_text(answer_el)
        if question and answer:
            pairs.append(QuestionAnswer(question, answer, css_path(el), snippet(el)))
    return pairs


def _heading_pairs(root: Element) -> list[QuestionAnswer]:
    """A heading that asks a question, answered by the blocks up to the next heading."""
    pairs: list[QuestionAnswer] = []
    for heading in root.iter(*HEADINGS):
        question = quick_text(heading)
        if not question.endswith("?"):
            continue
        parts: list[str] = []
        node = heading.getnext()
        while node is not None and node.tag not in ("h1", *HEADINGS):
            if isinstance(node.tag, str):
                parts.append(clean_text(node))
            node = node.getnext()
        answer = " ".join(p for p in parts if p)
        if answer:
            pairs.append(QuestionAnswer(question, answer, css_path(heading), snippet(heading)))
    return pairs


def breadcrumb_links(root: Element, base_url: str) -> tuple[LinkCandidate, ...]:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        label = (el.get("aria-label") or "").lower()
        if "breadcrumb" not in label and "breadcrumb" not in hint(el):
            continue
        links = _links(el, base_url)
        if links:
            return links
    return ()


def navigation_links(root: Element, base_url: str) -> tuple[LinkCandidate, ...]:
    """Links of the site's menus (not breadcrumbs, pagers or the footer)."""
    found: dict[str, LinkCandidate] = {}
    for nav in root.iter():
        if not isinstance(nav.tag, str) or not _is_menu(nav) or inside(nav, frozenset({"footer"})):
            continue
        for link in _links(nav, base_url):
            found.setdefault(link.url, link)
        if len(found) >= MAX_CANDIDATES:
            break
    return tuple(found.values())[:MAX_CANDIDATES]


def _is_menu(el: Element) -> bool:
    marks = f"{hint(el)} {(el.get('aria-label') or '').lower()}"
    if "breadcrumb" in marks or "pagination" in marks or "pager" in marks:
        return False
    if el.tag == "nav" or el.get("role") == "navigation":
        return not any(a.tag == "nav" for a in el.iterancestors())
    return False


def _links(el: Element, base_url: str) -> tuple[LinkCandidate, ...]:
    found: list[LinkCandidate] = []
    for a in el.iter("a"):
        url = absolute(base_url, a.get("href"))
        text = quick_text(a)
        if url and text:
            found.append(LinkCandidate(text, url, css_path(a)))
    return tuple(found)


def content_images(root: Element, base_url: str) -> tuple[LinkCandidate, ...]:
    """Images outside the page chrome that are not logos or icons; text is the alt text."""
    found: dict[str, LinkCandidate] = {}
    for img in root.iter("img"):
        if inside(img, CHROME_TAGS) or re.search(r"logo|icon|avatar|sprite|pixel", hint(img)):
            continue
        if _tiny(img):
            continue
        url = image_url(img, base_url)
        if url:
            found.setdefault(
                url, LinkCandidate(" ".join((img.get("alt") or "").split()), url, css_path(img))
            )
        if len(found) >= MAX_CANDIDATES:
            break
    return tuple(found.values())


def _tiny(img: Element) -> bool:
    for name in ("width", "height"):
        value = (img.get(name) or "").strip()
        if value.isdigit() and int(value) < 50:
            return True
    return False


def banners(root: Element, base_url: str) -> tuple[Banner, ...]:
    """Hero images and slides: the innermost banner-like elements that show an image."""
    marked = [
        el
        for el in root.iter()
        if isinstance(el.tag, str)
        and BANNER_HINT.search(hint(el))
        and not COOKIE_HINT.search(hint(el))
        and image_url(el, base_url)
    ]
    marked_set = set(marked)
    kept = [el for el in marked if not any(d in marked_set for d in el.iterdescendants())]
    found: list[Banner] = []
    for el in kept[:MAX_CANDIDATES]:
        heading = first_heading(el)
        found.append(
            Banner(
                image_url=image_url(el, base_url),
                headline=quick_text(heading) if heading is not None else None,
                link=first_link(el, base_url),
                selector=css_path(el),
                snippet=snippet(el),
            )
        )
    return tuple(found)


def promotions(root: Element) -> tuple[Promotion, ...]:
    """The outermost promotion blocks, with a coupon code when one is set apart or named."""
    found: list[Promotion] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("body", "html", "main"):
            continue
        marks = hint(el)
        if not PROMO_HINT.search(marks) or CODE_HINT.search(marks) or COOKIE_HINT.search(marks):
            continue
        if any(PROMO_HINT.search(hint(a)) for a in el.iterancestors()):
            continue
        description = clean_text(el, 300)
        if description:
            found.append(
                Promotion(description, _code_of(el, description), css_path(el), snippet(el))
            )
        if len(found) >= MAX_CANDIDATES:
            break
    return tuple(found)


def _code_of(el: Element, text: str) -> str | None:
    for node in el.iterdescendants():
        if isinstance(node.tag, str) and (node.tag == "code" or CODE_HINT.search(hint(node))):
            code = quick_text(node)
            if code and " " not in code:
                return code
    match = CODE_IN_TEXT.search(text)
    return match.group(1) if match else None


def apply_links(root: Element, base_url: str) -> tuple[LinkCandidate, ...]:
    found: list[LinkCandidate] = []
    for a in root.iter("a"):
        text = quick_text(a)
        url = absolute(base_url, a.get("href"))
        if url and APPLY_TEXT.search(text):
            found.append(LinkCandidate(text, url, css_path(a)))
    return tuple(found[:5])


def time_values(root: Element) -> tuple[TextCandidate, ...]:
    found: list[TextCandidate] = []
    for node in root.iter("time"):
        stamp = (node.get("datetime") or "").strip()
        if stamp:
            found.append(TextCandidate(stamp, css_path(node), snippet(node)))
    return tuple(found[:MAX_CANDIDATES])
